package dev.cartwheel.core.events;

import dev.cartwheel.core.order.OrderStatus;

/** What happened to an order, as other systems see it on the order event bus ({@code detail-type}). */
public enum OrderEventType {
    PLACED("order.placed"),
    RESERVED("order.reserved"),
    REJECTED("order.rejected"),
    PAYMENT_PENDING("order.payment_pending"),
    AUTHORIZED("order.authorized"),
    PAID("order.paid"),
    PAYMENT_FAILED("order.payment_failed"),
    CONFIRMED("order.confirmed"),
    FULFILLED("order.fulfilled"),
    CANCELLATION_REQUESTED("order.cancellation_requested"),
    CANCELLED("order.cancelled"),
    REFUNDED("order.refunded"),
    EXPIRED("order.expired");

    private final String detailType;

    OrderEventType(String detailType) {
        this.detailType = detailType;
    }

    /** The event's name on the bus, e.g. {@code order.placed}. */
    public String detailType() {
        return detailType;
    }

    /** The event an order's move into {@code status} publishes. */
    public static OrderEventType of(OrderStatus status) {
        return switch (status) {
            case PENDING -> PLACED;
            case RESERVED -> RESERVED;
            case REJECTED -> REJECTED;
            case PAYMENT_PENDING -> PAYMENT_PENDING;
            case AUTHORIZED -> AUTHORIZED;
            case PAID -> PAID;
            case PAYMENT_FAILED -> PAYMENT_FAILED;
            case CONFIRMED -> CONFIRMED;
            case FULFILLED -> FULFILLED;
            case CANCELLING -> CANCELLATION_REQUESTED;
            case CANCELLED -> CANCELLED;
            case EXPIRED -> EXPIRED;
        };
    }
}
