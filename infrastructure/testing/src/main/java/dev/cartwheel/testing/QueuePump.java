package dev.cartwheel.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Drives SQS-triggered handlers in tests the way Lambda's event source mapping does with
 * {@code ReportBatchItemFailures}: receive up to the batch size, hand a real {@link SQSEvent} to the handler, delete
 * the messages it did not report in {@code batchItemFailures}, and make the reported ones visible again at once
 * (visibility 0) so redelivery, and the redrive to the DLQ after maxReceiveCount, happen without waiting.
 * A handler that throws (or reports an id that was not in the batch) fails the whole batch; one that returns
 * {@code null} succeeds for all. Not thread-safe per queue: one pump per test.
 */
public final class QueuePump {

    public static final int MAX_BATCH_SIZE = 10;
    private static final Duration DEFAULT_WAIT = Duration.ofMillis(200);

    private final SqsClient sqs;
    private final String region;
    private final Map<String, String> arns = new ConcurrentHashMap<>();

    public QueuePump(SqsClient sqs, String region) {
        this.sqs = sqs;
        this.region = region;
    }

    /** One receive (batch of up to 10) and one invocation; an empty result when the queue had nothing visible. */
    public PumpResult pumpOnce(String queueUrl, Function<SQSEvent, SQSBatchResponse> handler) {
        return pumpOnce(queueUrl, MAX_BATCH_SIZE, handler);
    }

    public PumpResult pumpOnce(String queueUrl, int batchSize, Function<SQSEvent, SQSBatchResponse> handler) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(batchSize)
                .waitTimeSeconds(0)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
        if (messages.isEmpty()) {
            return new PumpResult(queueUrl, List.of(), List.of(), List.of(), null);
        }
        SQSEvent event = event(queueUrl, messages);
        Set<String> failedIds = new HashSet<>();
        Throwable error = null;
        try {
            SQSBatchResponse response = handler.apply(event);
            if (response != null && response.getBatchItemFailures() != null) {
                Set<String> ids = new HashSet<>();
                messages.forEach(m -> ids.add(m.messageId()));
                for (SQSBatchResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
                    String id = failure.getItemIdentifier();
                    if (id == null || id.isEmpty() || !ids.contains(id)) {
                        // Lambda treats an invalid identifier as a failure of the whole batch.
                        failedIds.addAll(ids);
                        break;
                    }
                    failedIds.add(id);
                }
            }
        } catch (RuntimeException | Error e) {
            error = e;
            messages.forEach(m -> failedIds.add(m.messageId()));
        }
        List<Message> succeeded = messages.stream().filter(m -> !failedIds.contains(m.messageId())).toList();
        List<Message> failed = messages.stream().filter(m -> failedIds.contains(m.messageId())).toList();
        if (!succeeded.isEmpty()) {
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(succeeded.stream()
                    .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                    .toList()));
        }
        if (!failed.isEmpty()) {
            sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(failed.stream()
                    .map(m -> ChangeMessageVisibilityBatchRequestEntry.builder().id(m.messageId())
                            .receiptHandle(m.receiptHandle()).visibilityTimeout(0).build())
                    .toList()));
        }
        return new PumpResult(queueUrl, messages.stream().map(Message::messageId).toList(),
                succeeded.stream().map(Message::messageId).toList(), failed.stream().map(Message::messageId).toList(),
                error);
    }

    /** Pumps one queue until it is empty. */
    public List<PumpResult> drain(String queueUrl, Function<SQSEvent, SQSBatchResponse> handler, Duration timeout) {
        return drain(Map.of(queueUrl, handler), timeout);
    }

    /**
     * Pumps every queue (queue URL to handler; handlers may send to the other queues) until all are empty:
     * nothing visible, in flight or delayed. Throws {@link QueuePumpTimeoutException} when not empty in time.
     *
     * @return every non-empty delivery, in order
     */
    public List<PumpResult> drain(Map<String, Function<SQSEvent, SQSBatchResponse>> handlers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PumpResult> results = new ArrayList<>();
        Map<String, Function<SQSEvent, SQSBatchResponse>> routes = new LinkedHashMap<>(handlers);
        while (true) {
            boolean delivered = false;
            for (var route : routes.entrySet()) {
                PumpResult result = pumpOnce(route.getKey(), route.getValue());
                if (!result.isEmpty()) {
                    results.add(result);
                    delivered = true;
                }
            }
            if (!delivered) {
                Map<String, Integer> left = remaining(routes.keySet());
                if (left.values().stream().allMatch(n -> n == 0)) {
                    return results;
                }
                if (System.nanoTime() > deadline) {
                    throw new QueuePumpTimeoutException("queues not drained after " + timeout + ", messages left: " + left);
                }
                sleep(DEFAULT_WAIT);
            } else if (System.nanoTime() > deadline) {
                throw new QueuePumpTimeoutException("queues not drained after " + timeout + ", still delivering; left: "
                        + remaining(routes.keySet()));
            }
        }
    }

    /** Visible + in flight + delayed messages of a queue. */
    public int approximateCount(String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    private Map<String, Integer> remaining(Set<String> queueUrls) {
        Map<String, Integer> left = new LinkedHashMap<>();
        queueUrls.forEach(url -> left.put(url, approximateCount(url)));
        return left;
    }

    private SQSEvent event(String queueUrl, List<Message> messages) {
        String arn = arns.computeIfAbsent(queueUrl, url -> sqs.getQueueAttributes(r -> r.queueUrl(url)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN));
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
            record.setAttributes(new HashMap<>(message.attributesAsStrings()));
            Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
            message.messageAttributes().forEach((name, value) -> attributes.put(name, attribute(value)));
            record.setMessageAttributes(attributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(arn);
            record.setAwsRegion(region);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static SQSEvent.MessageAttribute attribute(MessageAttributeValue value) {
        SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
        attribute.setDataType(value.dataType());
        attribute.setStringValue(value.stringValue());
        if (value.binaryValue() != null) {
            attribute.setBinaryValue(value.binaryValue().asByteBuffer());
        }
        attribute.setStringListValues(value.hasStringListValues() ? value.stringListValues() : List.of());
        attribute.setBinaryListValues(List.of());
        return attribute;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueuePumpTimeoutException("interrupted while draining");
        }
    }
}
