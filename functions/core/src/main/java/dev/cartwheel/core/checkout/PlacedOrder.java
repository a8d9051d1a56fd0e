package dev.cartwheel.core.checkout;

import dev.cartwheel.core.order.Order;

/** The result of {@code POST /orders}: the order, and whether this request replayed an earlier one. */
public record PlacedOrder(Order order, boolean replayed) {
}
