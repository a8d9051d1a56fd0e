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
 * {@code maxReceiveCount}, to its DLQ, while its batch-mates are deleted.
 */
public final class SqsBatch {

    private final String step;
    private final StructuredLog log;

    public SqsBatch(String step, StructuredLog log) {
        this.step = step;
        this.log = log;
    }

    public SQSBatchResponse process(SQSEvent event, Context context, Function<StepMessage, OrderStatus> handler) {
        String requestId = context == null ? null : context.getAwsRequestId();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage record : records) {
            StepMessage message = null;
            try {
                message = StepMessageCodec.read(record.getBody());
                OrderStatus status = handler.apply(message);
                log.info(new StructuredLog.Entry(requestId, message.orderId(), message.correlationId(), step,
                        status.name(), "handled " + message.type().wireName()));
            } catch (RuntimeException e) {
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
}
