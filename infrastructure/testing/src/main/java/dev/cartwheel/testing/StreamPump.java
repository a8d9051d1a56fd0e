package dev.cartwheel.testing;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;

import dev.cartwheel.emulators.server.EmulatorException;
import dev.cartwheel.emulators.streams.DynamoDbStreamPoller.Outcome;
import dev.cartwheel.emulators.streams.DynamoDbStreamPoller.Settings;
import dev.cartwheel.emulators.streams.DynamoDbStreamPoller;
import dev.cartwheel.emulators.template.FunctionEvent;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Drives DynamoDB-stream-triggered handlers in tests the way Lambda's DynamoDB event source mapping does (see
 * {@link DynamoDbStreamPoller}, which the local cloud uses too): reads the stream's shards with the real
 * {@code DynamoDbStreamsClient}, hands each batch to the handler as a real {@link DynamodbEvent}, checkpoints what
 * succeeded and retries from the lowest sequence number reported in {@link StreamsEventResponse#getBatchItemFailures()}
 * (a handler that throws fails the whole batch; one that returns {@code null} succeeds for all).
 *
 * <p>Each pump remembers, per stream, where it stopped: the next {@code drain} delivers only what was written since.
 * Not thread-safe: one pump per test.
 */
public final class StreamPump {

    /** How long a drain may take before it gives up (a record failing with unlimited retries never drains). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final String FUNCTION_ARN = ":000000000000:function:StreamPump";

    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final String region;
    private final Map<String, DynamoDbStreamPoller> pollers = new LinkedHashMap<>();

    /**
     * @param sqs for the OnFailure destination of discarded batches (may be {@code null} when no drain names one)
     */
    public StreamPump(DynamoDbStreamsClient streams, SqsClient sqs, String region) {
        this.streams = streams;
        this.sqs = sqs;
        this.region = region;
    }

    /**
     * Delivers everything now in the stream, from where this pump stopped (the stream's start the first time), with
     * Lambda's defaults: batches of up to 100 records, ReportBatchItemFailures, failed records retried until they
     * succeed (or {@link #DEFAULT_TIMEOUT} passes).
     *
     * @return the records handed to the handler, redeliveries counted
     * @throws StreamPumpTimeoutException when records are still failing after the timeout
     */
    public int drain(String streamArn, Function<DynamodbEvent, StreamsEventResponse> handler) {
        return drain(streamArn, Settings.defaults(), handler, DEFAULT_TIMEOUT);
    }

    /**
     * Delivers everything now in the stream as a template's DynamoDB event configures it: its Stream, BatchSize,
     * MaximumRetryAttempts, BisectBatchOnFunctionError, FunctionResponseTypes and OnFailure destination (sent to
     * with the pump's SQS client).
     */
    public int drain(FunctionEvent event, Function<DynamodbEvent, StreamsEventResponse> handler) {
        String streamArn = event.streamArn().orElseThrow(() -> new IllegalArgumentException(event.name() + " has no Stream"));
        return drain(streamArn, Settings.of(event), handler, DEFAULT_TIMEOUT);
    }

    /** Delivers everything now in the stream with these settings (the first drain of a stream fixes its start). */
    public int drain(String streamArn, Settings settings, Function<DynamodbEvent, StreamsEventResponse> handler,
                     Duration timeout) {
        DynamoDbStreamPoller poller = pollers.computeIfAbsent(streamArn, arn -> DynamoDbStreamPoller.open(streams, sqs, arn,
                "arn:aws:lambda:" + region + FUNCTION_ARN, settings, Duration.ZERO, line -> { }));
        poller.settings(settings);
        try {
            return poller.drain(batch -> invoke(batch, handler), timeout);
        } catch (EmulatorException e) {
            throw new StreamPumpTimeoutException(e.getMessage());
        }
    }

    /** Records of the stream this pump discarded (retries exhausted), so far. */
    public long discarded(String streamArn) {
        DynamoDbStreamPoller poller = pollers.get(streamArn);
        return poller == null ? 0 : poller.discarded();
    }

    private Outcome invoke(DynamoDbStreamPoller.Batch batch, Function<DynamodbEvent, StreamsEventResponse> handler) {
        StreamsEventResponse response;
        try {
            response = handler.apply(event(batch.records(), batch.streamArn(), region));
        } catch (RuntimeException | Error e) {
            return new Outcome.FunctionError(e.getClass().getName());
        }
        if (response == null || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
            return new Outcome.Success();
        }
        List<String> ids = new ArrayList<>();
        response.getBatchItemFailures().forEach(f -> ids.add(f == null ? null : f.getItemIdentifier()));
        return new Outcome.ItemFailures(ids);
    }

    // ---------------------------------------------------------------------------------------------- conversion

    /** The {@link DynamodbEvent} Lambda builds of stream records (SDK model) for a function. */
    public static DynamodbEvent event(List<Record> records, String streamArn, String region) {
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>();
        for (Record record : records) {
            DynamodbEvent.DynamodbStreamRecord r = new DynamodbEvent.DynamodbStreamRecord();
            r.setEventID(record.eventID());
            r.setEventName(record.eventNameAsString());
            r.setEventVersion(record.eventVersion() == null ? "1.1" : record.eventVersion());
            r.setEventSource("aws:dynamodb");
            r.setAwsRegion(region); // the table's region (DynamoDB Local says "ddblocal")
            r.setEventSourceARN(streamArn);
            var source = record.dynamodb();
            StreamRecord s = new StreamRecord();
            if (source.approximateCreationDateTime() != null) {
                // Lambda sends whole epoch seconds
                s.setApproximateCreationDateTime(new Date(source.approximateCreationDateTime().getEpochSecond() * 1000));
            }
            if (source.hasKeys()) {
                s.setKeys(attributes(source.keys()));
            }
            if (source.hasNewImage()) {
                s.setNewImage(attributes(source.newImage()));
            }
            if (source.hasOldImage()) {
                s.setOldImage(attributes(source.oldImage()));
            }
            s.setSequenceNumber(source.sequenceNumber());
            s.setSizeBytes(source.sizeBytes());
            if (source.streamViewTypeAsString() != null) {
                s.setStreamViewType(StreamViewType.fromValue(source.streamViewTypeAsString()));
            }
            r.setDynamodb(s);
            if (record.userIdentity() != null) {
                r.setUserIdentity(new Identity().withPrincipalId(record.userIdentity().principalId())
                        .withType(record.userIdentity().type()));
            }
            converted.add(r);
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(converted);
        return event;
    }

    /** SDK v2 attribute values as the Lambda events library's. */
    public static Map<String, AttributeValue> attributes(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        item.forEach((name, value) -> out.put(name, attribute(value)));
        return out;
    }

    public static AttributeValue attribute(software.amazon.awssdk.services.dynamodb.model.AttributeValue v) {
        return switch (v.type()) {
            case S -> new AttributeValue().withS(v.s());
            case N -> new AttributeValue().withN(v.n());
            case B -> new AttributeValue().withB(ByteBuffer.wrap(v.b().asByteArray()));
            case SS -> new AttributeValue().withSS(v.ss());
            case NS -> new AttributeValue().withNS(v.ns());
            case BS -> new AttributeValue().withBS(v.bs().stream().map(b -> ByteBuffer.wrap(b.asByteArray())).toList());
            case M -> new AttributeValue().withM(attributes(v.m()));
            case L -> new AttributeValue().withL(v.l().stream().map(StreamPump::attribute).toList());
            case BOOL -> new AttributeValue().withBOOL(v.bool());
            case NUL -> new AttributeValue().withNULL(true);
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("unknown attribute value type: " + v);
        };
    }
}
