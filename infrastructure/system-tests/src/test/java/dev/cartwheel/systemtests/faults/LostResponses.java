package dev.cartwheel.systemtests.faults;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * An SDK interceptor for a test-built {@code DynamoDbClient} that loses the response of a write DynamoDB committed:
 * the request goes out and succeeds, then {@code afterExecution} throws what the SDK throws when the connection dies
 * before the answer arrives (a read timeout). The caller cannot tell whether its write happened, the commonest real
 * failure under throttling or timeouts. Which writes: {@link FaultPoint#LOST_RESPONSE_RESERVATION} (the order written
 * RESERVED with its stock), {@link FaultPoint#LOST_RESPONSE_PAID}, {@link FaultPoint#LOST_RESPONSE_CANCELLED},
 * {@link FaultPoint#LOST_RESPONSE_REFUND} (an order written with a refund recorded but not completed yet) and
 * {@link FaultPoint#LOST_RESPONSE_MARK_SENT} (an e-mail claim marked SENT).
 */
public final class LostResponses implements ExecutionInterceptor {

    private final Faults faults;

    public LostResponses(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        Map<String, AttributeValue> order = writtenOrder(request);
        FaultPoint point = null;
        if (order != null) {
            String status = order.containsKey("status") ? order.get("status").s() : "";
            if (request instanceof TransactWriteItemsRequest && status.equals("RESERVED")) {
                point = FaultPoint.LOST_RESPONSE_RESERVATION;
            } else if (status.equals("PAID")) {
                point = FaultPoint.LOST_RESPONSE_PAID;
            } else if (status.equals("CANCELLED")) {
                point = FaultPoint.LOST_RESPONSE_CANCELLED;
            } else if (hasPendingRefund(order)) {
                point = FaultPoint.LOST_RESPONSE_REFUND;
            }
        } else if (request instanceof UpdateItemRequest update && update.expressionAttributeValues() != null
                && update.expressionAttributeValues().containsKey(":sent")
                && "SENT".equals(update.expressionAttributeValues().get(":sent").s())) {
            point = FaultPoint.LOST_RESPONSE_MARK_SENT;
        }
        String orderId = order != null ? order.get("orderId").s() : markedOrder(request);
        if (point != null && faults.fire(point, orderId)) {
            throw SdkClientException.builder()
                    .message("Unable to execute HTTP request: Read timed out (injected after the write committed)")
                    .build();
        }
    }

    /** The order item a PutItem or TransactWriteItems writes whole, or null. */
    private static Map<String, AttributeValue> writtenOrder(SdkRequest request) {
        if (request instanceof PutItemRequest put && isOrder(put.item())) {
            return put.item();
        }
        if (request instanceof TransactWriteItemsRequest transaction) {
            for (TransactWriteItem item : transaction.transactItems()) {
                if (item.put() != null && isOrder(item.put().item())) {
                    return item.put().item();
                }
            }
        }
        return null;
    }

    private static boolean isOrder(Map<String, AttributeValue> item) {
        return item != null && item.containsKey("orderId") && item.containsKey("status") && item.containsKey("version");
    }

    private static boolean hasPendingRefund(Map<String, AttributeValue> order) {
        AttributeValue refunds = order.get("refunds");
        List<AttributeValue> all = refunds == null ? List.of() : refunds.l();
        return all.stream().anyMatch(refund -> !refund.m().containsKey("refundId"));
    }

    private static String markedOrder(SdkRequest request) {
        if (request instanceof UpdateItemRequest update && update.key().containsKey("pk")) {
            String pk = update.key().get("pk").s();
            // email#ORDER#TYPE[#OCCURRENCE]
            String[] parts = pk.split("#");
            return parts.length > 1 ? parts[1] : null;
        }
        return null;
    }
}
