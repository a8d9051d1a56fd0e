package dev.cartwheel.local.esm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.local.lambda.FunctionPool;
import dev.cartwheel.local.lambda.FunctionSpec.SqsMapping;
import dev.cartwheel.local.lambda.InvocationResult;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An SQS event source mapping as Lambda runs it: pollers long-poll the queue (20 s), gather up to BatchSize messages
 * within MaximumBatchingWindowInSeconds, invoke the function synchronously with a real SQSEvent, then delete the
 * messages that succeeded: with ReportBatchItemFailures all but the reported ones (an invalid report fails the whole
 * batch), otherwise the whole batch, and nothing when the invocation failed. Failed messages are left to the queue's
 * visibility timeout and redrive policy, so a poison message ends in the DLQ after maxReceiveCount receives.
 *
 * <p>{@code fastRetrySeconds} (off by default, {@code --fast-retry} on the CLI) is a documented local shortcut: failed
 * messages get their visibility shortened to that many seconds instead of waiting out the queue's VisibilityTimeout.
 */
public final class SqsEventSourceMapping extends EventSourceMapping<SqsMapping> {

    private static final int LONG_POLL_SECONDS = 20;

    private final SqsClient sqs;
    private final String region;
    private final Integer fastRetrySeconds;
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong failedMessages = new AtomicLong();

    public SqsEventSourceMapping(String functionName, SqsMapping mapping, FunctionPool function, SqsClient sqs, String region,
                                 Integer fastRetrySeconds, Consumer<String> log) {
        super(functionName, mapping, mapping.eventName(), mapping.enabled(), function, log);
        this.sqs = sqs;
        this.region = region;
        this.fastRetrySeconds = fastRetrySeconds;
    }

    public long deletedMessages() {
        return deleted.get();
    }

    public long failedMessages() {
        return failedMessages.get();
    }

    /** As many pollers as the function may run concurrently (Lambda starts with five). */
    @Override
    int pollerCount() {
        return Math.max(1, Math.min(5, function().maxConcurrency()));
    }

    @Override
    boolean pollOnce() {
        List<Message> batch = receiveBatch();
        if (batch.isEmpty() || !running()) {
            return false;
        }
        process(batch);
        return true;
    }

    private List<Message> receiveBatch() {
        SqsMapping mapping = mapping();
        int batchSize = mapping.batchSize();
        long windowNanos = mapping.maximumBatchingWindowSeconds() * 1_000_000_000L;
        List<Message> batch = new ArrayList<>();
        long windowEnd = 0;
        while (running()) {
            long now = System.nanoTime();
            if (!batch.isEmpty() && (batch.size() >= batchSize || now >= windowEnd)) {
                return batch;
            }
            int wait = batch.isEmpty() ? LONG_POLL_SECONDS
                    : (int) Math.min(LONG_POLL_SECONDS, Math.max(0, (windowEnd - now + 999_999_999L) / 1_000_000_000L));
            int want = Math.min(10, batchSize - batch.size());
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(mapping.queueUrl())
                    .maxNumberOfMessages(want)
                    .waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            if (batch.isEmpty() && !got.isEmpty()) {
                windowEnd = System.nanoTime() + windowNanos;
            }
            batch.addAll(got);
            if (!batch.isEmpty() && (windowNanos == 0 || batch.size() >= batchSize)) {
                return batch;
            }
        }
        return batch;
    }

    void process(List<Message> batch) {
        InvocationResult result = invoke(event(batch));
        Set<String> failed = new HashSet<>();
        Set<String> ids = new LinkedHashSet<>();
        batch.forEach(m -> ids.add(m.messageId()));
        if (!result.ok()) {
            failed.addAll(ids);
            log("invocation failed (" + result.errorType() + "), " + batch.size() + " message(s) left to the visibility timeout");
        } else if (mapping().reportBatchItemFailures()) {
            failed.addAll(reportedFailures(result, ids));
            if (!failed.isEmpty()) {
                countReportedFailure();
            }
        }
        List<Message> succeeded = batch.stream().filter(m -> !failed.contains(m.messageId())).toList();
        delete(succeeded);
        if (!failed.isEmpty()) {
            failedMessages.addAndGet(failed.size());
            if (fastRetrySeconds != null) {
                List<ChangeMessageVisibilityBatchRequestEntry> entries = batch.stream().filter(m -> failed.contains(m.messageId()))
                        .map(m -> ChangeMessageVisibilityBatchRequestEntry.builder().id(m.messageId())
                                .receiptHandle(m.receiptHandle()).visibilityTimeout(fastRetrySeconds).build())
                        .toList();
                for (int i = 0; i < entries.size(); i += 10) {
                    List<ChangeMessageVisibilityBatchRequestEntry> chunk = entries.subList(i, Math.min(entries.size(), i + 10));
                    sqs.changeMessageVisibilityBatch(r -> r.queueUrl(mapping().queueUrl()).entries(chunk));
                }
            }
        }
    }

    /** The ids reported in batchItemFailures; an invalid report (unknown or empty id) fails the whole batch. */
    private Set<String> reportedFailures(InvocationResult result, Set<String> ids) {
        Set<String> failed = new HashSet<>();
        JsonNode response;
        try {
            response = JSON.readTree(result.payload());
        } catch (IOException e) {
            return failed; // not a batch response: treated as success, as Lambda does for unparseable output
        }
        if (response == null || !response.isObject()) {
            return failed;
        }
        JsonNode failures = response.get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return failed;
        }
        for (JsonNode f : failures) {
            JsonNode id = f.get("itemIdentifier");
            if (id == null || id.isNull() || id.asText().isEmpty() || !ids.contains(id.asText())) {
                log("invalid batchItemFailures entry " + f + ", failing the whole batch");
                return new HashSet<>(ids);
            }
            failed.add(id.asText());
        }
        return failed;
    }

    private void delete(List<Message> messages) {
        for (int i = 0; i < messages.size(); i += 10) {
            List<DeleteMessageBatchRequestEntry> chunk = messages.subList(i, Math.min(messages.size(), i + 10)).stream()
                    .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                    .toList();
            DeleteMessageBatchResponse r = sqs.deleteMessageBatch(b -> b.queueUrl(mapping().queueUrl()).entries(chunk));
            deleted.addAndGet(r.successful().size());
            r.failed().forEach(f -> log("delete failed for " + f.id() + ": " + f.message()));
        }
    }

    /** The SQSEvent Lambda builds for a batch. */
    ObjectNode event(List<Message> batch) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : batch) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            m.messageAttributes().forEach((name, v) -> messageAttributes.set(name, attribute(v)));
            r.put("md5OfBody", m.md5OfBody());
            if (m.md5OfMessageAttributes() != null && !m.messageAttributes().isEmpty()) {
                r.put("md5OfMessageAttributes", m.md5OfMessageAttributes());
            }
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", mapping().queueArn());
            r.put("awsRegion", region);
        }
        return event;
    }

    private static ObjectNode attribute(MessageAttributeValue v) {
        ObjectNode a = JSON.createObjectNode();
        if (v.stringValue() != null) {
            a.put("stringValue", v.stringValue());
        }
        if (v.binaryValue() != null) {
            a.put("binaryValue", Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
        }
        ArrayNode strings = a.putArray("stringListValues");
        v.stringListValues().forEach(strings::add);
        ArrayNode binaries = a.putArray("binaryListValues");
        v.binaryListValues().forEach(b -> binaries.add(Base64.getEncoder().encodeToString(b.asByteArray())));
        a.put("dataType", v.dataType());
        return a;
    }
}
