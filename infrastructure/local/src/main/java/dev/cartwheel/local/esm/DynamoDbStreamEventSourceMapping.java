package dev.cartwheel.local.esm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.emulators.streams.DynamoDbStreamPoller.Outcome;
import dev.cartwheel.emulators.streams.DynamoDbStreamPoller;
import dev.cartwheel.local.lambda.FunctionPool;
import dev.cartwheel.local.lambda.FunctionSpec.StreamMapping;
import dev.cartwheel.local.lambda.InvocationResult;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A DynamoDB stream event source mapping as Lambda runs it: one poller per mapping reads the table's stream shard by
 * shard (DescribeStream, GetShardIterator, GetRecords; a closed shard's children once it is read) about four times a
 * second, and invokes the function synchronously with Lambda's DynamoDB event ({@code Records[]} with
 * {@code eventID, eventName, eventVersion "1.1", eventSource "aws:dynamodb", awsRegion, dynamodb{...},
 * eventSourceARN}). Checkpoints, {@code batchItemFailures} (item identifier = sequence number), retries,
 * MaximumRetryAttempts, BisectBatchOnFunctionError and the OnFailure record sent to the SQS destination are
 * {@link DynamoDbStreamPoller}'s, shared with the tests' StreamPump.
 *
 * <p>Retries of a failed batch wait 0.5 s, doubling per retry (Lambda's own pacing is not documented).
 * MaximumBatchingWindowInSeconds is honoured by polling no more often than the window.
 */
public final class DynamoDbStreamEventSourceMapping implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    static final Duration RETRY_DELAY = Duration.ofMillis(500);

    private final String functionName;
    private final StreamMapping mapping;
    private final FunctionPool function;
    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final String region;
    private final String functionArn;
    private final Consumer<String> log;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private volatile DynamoDbStreamPoller poller;
    private volatile Thread thread;
    private volatile boolean running;

    public DynamoDbStreamEventSourceMapping(String functionName, StreamMapping mapping, FunctionPool function,
                                            DynamoDbStreamsClient streams, SqsClient sqs, String region, String functionArn,
                                            Consumer<String> log) {
        this.functionName = functionName;
        this.mapping = mapping;
        this.function = function;
        this.streams = streams;
        this.sqs = sqs;
        this.region = region;
        this.functionArn = functionArn;
        this.log = log;
    }

    public String functionName() {
        return functionName;
    }

    public StreamMapping mapping() {
        return mapping;
    }

    /** Invocations so far. */
    public long batches() {
        return batches.get();
    }

    /** Invocations that failed (a function error or reported batch item failures). */
    public long failedBatches() {
        return failedBatches.get();
    }

    /** Records delivered so far, redeliveries counted. */
    public long deliveredRecords() {
        DynamoDbStreamPoller p = poller;
        return p == null ? 0 : p.delivered();
    }

    /** Records given up on (retries exhausted or too old) and reported to the OnFailure destination. */
    public long discardedRecords() {
        DynamoDbStreamPoller p = poller;
        return p == null ? 0 : p.discarded();
    }

    /** Opens the stream (a LATEST mapping starts at its end now) and starts polling. */
    public void start() {
        if (!mapping.enabled()) {
            return;
        }
        poller = DynamoDbStreamPoller.open(streams, sqs, mapping.streamArn(), functionArn, settings(mapping), RETRY_DELAY,
                line -> log.accept("event source mapping " + mapping.eventName() + ": " + line));
        running = true;
        thread = Thread.ofVirtual().name("esm-" + functionName + "-" + mapping.eventName()).start(this::poll);
    }

    static DynamoDbStreamPoller.Settings settings(StreamMapping m) {
        return new DynamoDbStreamPoller.Settings(m.batchSize(), m.startingPosition(), m.maximumRetryAttempts(),
                m.maximumRecordAgeInSeconds(), m.bisectBatchOnFunctionError(), m.reportBatchItemFailures(),
                m.onFailureDestinationArn());
    }

    private void poll() {
        long idleMillis = Math.max(POLL_INTERVAL.toMillis(), mapping.maximumBatchingWindowSeconds() * 1000L);
        while (running) {
            try {
                if (poller.poll(this::invoke) == 0 && running) {
                    Thread.sleep(idleMillis);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.accept("event source mapping " + mapping.eventName() + " poll error: " + e.getMessage());
                sleep(1000);
            }
        }
    }

    private Outcome invoke(DynamoDbStreamPoller.Batch batch) {
        batches.incrementAndGet();
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(event(batch.records(), batch.streamArn(), region));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        InvocationResult result = function.invoke(payload);
        if (!result.ok()) {
            failedBatches.incrementAndGet();
            log.accept("event source mapping " + mapping.eventName() + ": invocation failed (" + result.errorType() + "), "
                    + batch.records().size() + " record(s), attempt " + batch.attempt());
            return new Outcome.FunctionError(result.errorType());
        }
        Outcome outcome = outcome(result.payload());
        if (outcome instanceof Outcome.ItemFailures failures && mapping.reportBatchItemFailures()
                && !failures.itemIdentifiers().isEmpty()) {
            failedBatches.incrementAndGet();
        }
        return outcome;
    }

    /** The function's response: its {@code batchItemFailures[].itemIdentifier}s, or a success. */
    static Outcome outcome(byte[] payload) {
        JsonNode response;
        try {
            response = payload == null || payload.length == 0 ? null : JSON.readTree(payload);
        } catch (IOException e) {
            return new Outcome.Success(); // not a batch response: a success, as Lambda treats unparseable output
        }
        JsonNode failures = response == null || !response.isObject() ? null : response.get("batchItemFailures");
        if (failures == null || !failures.isArray()) {
            return new Outcome.Success();
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode f : failures) {
            JsonNode id = f.get("itemIdentifier");
            ids.add(id == null || !id.isTextual() ? null : id.asText());
        }
        return new Outcome.ItemFailures(ids);
    }

    /** The DynamoDB event Lambda builds for a batch of stream records. */
    static ObjectNode event(List<Record> batch, String streamArn, String region) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Record record : batch) {
            ObjectNode r = records.addObject();
            r.put("eventID", record.eventID());
            r.put("eventName", record.eventNameAsString());
            r.put("eventVersion", record.eventVersion() == null ? "1.1" : record.eventVersion());
            r.put("eventSource", "aws:dynamodb");
            r.put("awsRegion", region); // the table's region (DynamoDB Local says "ddblocal")
            var source = record.dynamodb();
            ObjectNode d = r.putObject("dynamodb");
            if (source.approximateCreationDateTime() != null) {
                d.put("ApproximateCreationDateTime", source.approximateCreationDateTime().getEpochSecond());
            }
            if (source.hasKeys()) {
                d.set("Keys", item(source.keys()));
            }
            if (source.hasNewImage()) {
                d.set("NewImage", item(source.newImage()));
            }
            if (source.hasOldImage()) {
                d.set("OldImage", item(source.oldImage()));
            }
            d.put("SequenceNumber", source.sequenceNumber());
            if (source.sizeBytes() != null) {
                d.put("SizeBytes", source.sizeBytes());
            }
            d.put("StreamViewType", source.streamViewTypeAsString());
            if (record.userIdentity() != null) {
                ObjectNode identity = r.putObject("userIdentity");
                identity.put("type", record.userIdentity().type());
                identity.put("principalId", record.userIdentity().principalId());
            }
            r.put("eventSourceARN", streamArn);
        }
        return event;
    }

    /** An item in DynamoDB's JSON: {@code {"name": {"S": "..."}, ...}}. */
    static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode o = JSON.createObjectNode();
        item.forEach((name, value) -> o.set(name, attribute(value)));
        return o;
    }

    static ObjectNode attribute(AttributeValue v) {
        ObjectNode a = JSON.createObjectNode();
        switch (v.type()) {
            case S -> a.put("S", v.s());
            case N -> a.put("N", v.n());
            case B -> a.put("B", base64(v.b()));
            case SS -> v.ss().forEach(a.putArray("SS")::add);
            case NS -> v.ns().forEach(a.putArray("NS")::add);
            case BS -> {
                ArrayNode list = a.putArray("BS");
                v.bs().forEach(b -> list.add(base64(b)));
            }
            case M -> a.set("M", item(v.m()));
            case L -> {
                ArrayNode list = a.putArray("L");
                v.l().forEach(e -> list.add(attribute(e)));
            }
            case BOOL -> a.put("BOOL", v.bool());
            case NUL -> a.put("NULL", true);
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("unknown attribute value type: " + v);
        }
        return a;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
