package dev.cartwheel.aws.dynamodb;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.cartwheel.core.events.OrderChange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps the OrdersTable stream records Lambda delivers ({@link DynamodbEvent}) to the core's {@link OrderChange}s:
 * the old and new images read with the same item mapping the order store writes with. Removals (an order is never
 * deleted by Cartwheel) carry no new image and are skipped.
 */
public final class OrderStreamRecords {

    private OrderStreamRecords() {
    }

    /** The changes in {@code event}, in stream order. */
    public static List<OrderChange> changes(DynamodbEvent event) {
        if (event == null || event.getRecords() == null) {
            return List.of();
        }
        return event.getRecords().stream()
                .filter(record -> record.getDynamodb() != null && record.getDynamodb().getNewImage() != null)
                .map(OrderStreamRecords::change)
                .toList();
    }

    private static OrderChange change(DynamodbEvent.DynamodbStreamRecord record) {
        StreamRecord stream = record.getDynamodb();
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> oldImage = stream.getOldImage();
        return new OrderChange(stream.getSequenceNumber(),
                oldImage == null || oldImage.isEmpty() ? null : OrderItems.fromItem(item(oldImage)),
                OrderItems.fromItem(item(stream.getNewImage())));
    }

    /** A stream image as the SDK's attribute values. */
    static Map<String, AttributeValue> item(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        Map<String, AttributeValue> item = new HashMap<>();
        image.forEach((name, value) -> item.put(name, value(value)));
        return item;
    }

    private static AttributeValue value(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
        if (v.getS() != null) {
            return AttributeValue.fromS(v.getS());
        }
        if (v.getN() != null) {
            return AttributeValue.fromN(v.getN());
        }
        if (v.getBOOL() != null) {
            return AttributeValue.fromBool(v.getBOOL());
        }
        if (v.getNULL() != null) {
            return AttributeValue.fromNul(v.getNULL());
        }
        if (v.getM() != null) {
            return AttributeValue.fromM(item(v.getM()));
        }
        if (v.getL() != null) {
            return AttributeValue.fromL(v.getL().stream().map(OrderStreamRecords::value).toList());
        }
        if (v.getSS() != null) {
            return AttributeValue.fromSs(v.getSS());
        }
        if (v.getNS() != null) {
            return AttributeValue.fromNs(v.getNS());
        }
        if (v.getB() != null) {
            return AttributeValue.fromB(SdkBytes.fromByteBuffer(v.getB()));
        }
        if (v.getBS() != null) {
            return AttributeValue.fromBs(v.getBS().stream().map(SdkBytes::fromByteBuffer).toList());
        }
        throw new IllegalArgumentException("a stream attribute value without a type");
    }
}
