package dev.cartwheel.core.order;

import java.time.Instant;
import java.util.Objects;

/** One entry of an order's history: the status it entered, when, and why. */
public record StatusChange(OrderStatus status, Instant at, String reason) {

    public StatusChange {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
    }
}
