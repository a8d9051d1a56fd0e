package dev.cartwheel.systemtests.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * An SDK interceptor for a test-built {@code DynamoDbClient}: before a {@code TransactWriteItems} reaches DynamoDB it
 * throws what DynamoDB answers when it throttles ({@link FaultPoint#THROTTLE}) or cancels the transaction for a
 * conflicting one ({@link FaultPoint#TRANSACTION_CONFLICT}), when the plan fires. Nothing was written in either case.
 */
public final class DynamoDbFaults implements ExecutionInterceptor {

    private final Faults faults;

    public DynamoDbFaults(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof TransactWriteItemsRequest request)) {
            return;
        }
        String orderId = orderId(request);
        if (faults.fire(FaultPoint.THROTTLE, orderId)) {
            throw ProvisionedThroughputExceededException.builder()
                    .message("The level of configured provisioned throughput for the table was exceeded (injected)")
                    .statusCode(400).build();
        }
        if (faults.fire(FaultPoint.TRANSACTION_CONFLICT, orderId)) {
            List<CancellationReason> reasons = new ArrayList<>();
            for (int i = 0; i < request.transactItems().size(); i++) {
                reasons.add(i == request.transactItems().size() - 1
                        ? CancellationReason.builder().code("TransactionConflict")
                                .message("Transaction is ongoing for the item (injected)").build()
                        : CancellationReason.builder().code("None").build());
            }
            throw TransactionCanceledException.builder()
                    .message("Transaction cancelled, please refer cancellation reasons for specific reasons (injected)")
                    .cancellationReasons(reasons).statusCode(400).build();
        }
    }

    private static String orderId(TransactWriteItemsRequest request) {
        for (TransactWriteItem item : request.transactItems()) {
            Map<String, AttributeValue> written = item.put() != null ? item.put().item() : null;
            if (written != null && written.containsKey("orderId") && written.get("orderId").s() != null) {
                return written.get("orderId").s();
            }
        }
        return null;
    }
}
