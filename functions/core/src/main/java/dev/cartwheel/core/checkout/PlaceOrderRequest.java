package dev.cartwheel.core.checkout;

import java.util.List;

/** The body of {@code POST /orders} as the client sent it: what to buy and the payment token. Nothing else. */
public record PlaceOrderRequest(List<LineItemRequest> items, String paymentToken) {
}
