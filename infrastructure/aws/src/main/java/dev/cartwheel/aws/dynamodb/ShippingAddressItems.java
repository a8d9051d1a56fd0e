package dev.cartwheel.aws.dynamodb;

import static dev.cartwheel.aws.dynamodb.Attributes.s;
import static dev.cartwheel.aws.dynamodb.Attributes.string;

import dev.cartwheel.core.shipping.ShippingAddress;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps a {@link ShippingAddress} to its item in the shipping addresses table (keyed by {@code orderId}) and back. The
 * table has no index and no stream: the address reaches no index, no order event and no other function's reads.
 */
final class ShippingAddressItems {

    private ShippingAddressItems() {
    }

    static Map<String, AttributeValue> toItem(String orderId, ShippingAddress address) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("orderId", s(orderId));
        item.put("name", s(address.name()));
        item.put("line1", s(address.line1()));
        optional(item, "line2", address.line2());
        item.put("city", s(address.city()));
        optional(item, "region", address.region());
        item.put("postalCode", s(address.postalCode()));
        item.put("country", s(address.country()));
        optional(item, "phone", address.phone());
        return item;
    }

    static ShippingAddress fromItem(Map<String, AttributeValue> item) {
        return new ShippingAddress(string(item, "name"), string(item, "line1"), string(item, "line2"), string(item, "city"),
                string(item, "region"), string(item, "postalCode"), string(item, "country"), string(item, "phone"));
    }

    private static void optional(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }
}
