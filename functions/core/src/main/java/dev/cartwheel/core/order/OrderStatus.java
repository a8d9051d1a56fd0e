package dev.cartwheel.core.order;

import java.util.EnumSet;
import java.util.Set;

/**
 * The order's lifecycle. Every legal transition is listed here and nowhere else;
 * {@link Order#transitionTo} refuses any other.
 *
 * <pre>
 * PENDING -> RESERVED -> AUTHORIZED -> PAID -> CONFIRMED
 * PENDING -> REJECTED                      (not enough stock)
 * RESERVED | AUTHORIZED -> PAYMENT_FAILED  (declined; stock released)
 * </pre>
 */
public enum OrderStatus {
    PENDING,
    RESERVED,
    AUTHORIZED,
    PAID,
    CONFIRMED,
    REJECTED,
    PAYMENT_FAILED;

    public Set<OrderStatus> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(RESERVED, REJECTED);
            case RESERVED -> EnumSet.of(AUTHORIZED, PAYMENT_FAILED);
            case AUTHORIZED -> EnumSet.of(PAID, PAYMENT_FAILED);
            case PAID -> EnumSet.of(CONFIRMED);
            case CONFIRMED, REJECTED, PAYMENT_FAILED -> EnumSet.noneOf(OrderStatus.class);
        };
    }

    public boolean canTransitionTo(OrderStatus target) {
        return next().contains(target);
    }

    /** A final status: nothing more happens to the order. */
    public boolean isFinal() {
        return next().isEmpty();
    }
}
