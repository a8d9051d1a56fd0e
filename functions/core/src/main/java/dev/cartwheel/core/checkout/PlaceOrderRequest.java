package dev.cartwheel.core.checkout;

import dev.cartwheel.core.shipping.ShippingAddress;
import java.util.List;

/**
 * The body of {@code POST /orders} as the client sent it: what to buy, the payment token, where to ship it and how
 * (the id of a shipping method). Nothing else: no price, no tax, no customer.
 */
public record PlaceOrderRequest(List<LineItemRequest> items, String paymentToken, ShippingAddress shippingAddress,
                                String shippingMethod) {

    /** A request without shipping (refused by checkout: both are required); kept for validation tests of the other fields. */
    public PlaceOrderRequest(List<LineItemRequest> items, String paymentToken) {
        this(items, paymentToken, null, null);
    }
}
