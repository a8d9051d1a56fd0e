package dev.cartwheel.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cartwheel.aws.json.StepMessageCodec;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.order.OrderStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a step over an SQS batch, one message at a time, and reports exactly the messages that failed
 * ({@code ReportBatchItemFailures}): a poison or failing message goes back to the queue and, after
 * {@code maxReceiveCount}, to its DLQ, while its batch-mates are deleted. A failure on the last delivery the queue
 * allows ({@code MAX_RECEIVE_COUNT}, the template's {@code MaxReceiveCount}) is counted as {@code DeadLettered}.
 */
public final class SqsBatch {

    private final String step;
    private final StructuredLog log;
    private final EmfMetrics metrics;
    private final int maxReceiveCount;

    public SqsBatch(String step, StructuredLog log) {
        this(step, log, EmfMetrics.forFunction(step), maxReceiveCount(System.getenv("MAX_RECEIVE_COUNT")));
    }

    public SqsBatch(String step, StructuredLog log, EmfMetrics metrics, int maxReceiveCount) {
        this.step = step;
        this.log = log;
        this.metrics = metrics;
        this.maxReceiveCount = maxReceiveCount;
    }

    /** The queue's maxReceiveCount from the environment; 0 (never counted as dead-lettered) when not set. */
    static int maxReceiveCount(String value) {
        return value == null || value.isBlank() ? 0 : Integer.parseInt(value.strip());
    }

    public SQSBatchResponse process(SQSEvent event, Context context, Function<StepMessage, OrderStatus> handler) {
        String requestId = context == null ? null : context.getAwsRequestId();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage record : records) {
            StepMessage message = null;
            long started = System.nanoTime();
            int receiveCount = receiveCount(record);
            if (receiveCount > 1) {
                metrics.count("Redeliveries");
            }
            try {
                message = StepMessageCodec.read(record.getBody());
                OrderStatus status = handler.apply(message);
                metrics.milliseconds("StepLatency", (System.nanoTime() - started) / 1_000_000);
                log.info(new StructuredLog.Entry(requestId, message.orderId(), message.correlationId(), step,
                        status.name(), "handled " + message.type().wireName()));
            } catch (RuntimeException e) {
                metrics.count("StepFailures");
                if (maxReceiveCount > 0 && receiveCount >= maxReceiveCount) {
                    metrics.count("DeadLettered");
                }
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(record.getMessageId()).build());
                log.warn(new StructuredLog.Entry(requestId,
                        message == null ? null : message.orderId(),
                        message == null ? null : message.correlationId(), step, "failed",
                        e.getClass().getSimpleName() + ": " + e.getMessage() + " (messageId " + record.getMessageId() + ")"));
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private static int receiveCount(SQSEvent.SQSMessage record) {
        String count = record.getAttributes() == null ? null : record.getAttributes().get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
