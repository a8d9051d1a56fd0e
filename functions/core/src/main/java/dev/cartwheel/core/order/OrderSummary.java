package dev.cartwheel.core.order;

import dev.cartwheel.core.money.Money;
import java.time.Instant;
import java.util.Objects;

/** What a list of a customer's orders shows of each: all that the {@code byCustomer} index projects. */
public record OrderSummary(String orderId, OrderStatus status, Instant createdAt, Money total) {

    public OrderSummary {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(total, "total");
    }
}
