package dev.cartwheel.core.order;

import java.util.EnumSet;
import java.util.Set;

/**
 * The order's lifecycle. Every legal transition is listed here and nowhere else;
 * {@link Order#transitionTo} refuses any other.
 *
 * <pre>
 * PENDING -> RESERVED -> AUTHORIZED -> PAID -> CONFIRMED -> FULFILLED
 * RESERVED -> PAYMENT_PENDING -> AUTHORIZED | PAYMENT_FAILED   (the provider decides later, tells by webhook)
 * PENDING -> REJECTED                      (not enough stock)
 * RESERVED | AUTHORIZED -> PAYMENT_FAILED  (declined; stock released)
 * PENDING | RESERVED | PAYMENT_PENDING | AUTHORIZED | PAID | CONFIRMED -> CANCELLING -> CANCELLED   (the customer cancels)
 * PENDING | RESERVED | PAYMENT_PENDING -> EXPIRED   (not paid in time; stock released)
 * AUTHORIZED -> EXPIRED   (captured on fulfilment, not shipped before the authorization hold ends; hold voided)
 * AUTHORIZED -> PAYMENT_FAILED   (also: the capture refused for good; stock released, never FULFILLED)
 * </pre>
 *
 * <p>FULFILLED is reached only from CONFIRMED, which is reached only from PAID: no order is FULFILLED (the
 * warehouse's signal to ship) unless its payment was captured.
 *
 * <p>An order captured on fulfilment ({@link CapturePolicy#ON_FULFILMENT}) waits in AUTHORIZED until an admin records
 * its fulfilment; the capture, PAID and CONFIRMED follow, and the e-mail step moves it on to FULFILLED. An order
 * captured on authorization reaches CONFIRMED first and FULFILLED when its fulfilment is recorded. A CONFIRMED order
 * can still be cancelled (its sold stock goes back on sale and its capture is refunded); once a fulfilment is
 * recorded it cannot ({@link Order#isCancellable()}). {@link #isFinal()} means the pipeline has nothing more to do:
 * CONFIRMED is final although a cancellation or a fulfilment can still move it on.
 */
public enum OrderStatus {
    PENDING,
    RESERVED,
    /** The provider answered "pending": its webhook (or the reconciler's look) will tell approved or declined. */
    PAYMENT_PENDING,
    AUTHORIZED,
    PAID,
    CONFIRMED,
    /** Shipped: an admin recorded the fulfilment of a confirmed order. Refunds are still possible, cancelling is not. */
    FULFILLED,
    REJECTED,
    PAYMENT_FAILED,
    /** The customer asked to cancel; the cancellation saga is returning the stock and settling the payment. */
    CANCELLING,
    /** Cancelled: stock returned, authorization voided or capture refunded. */
    CANCELLED,
    /**
     * Not paid within the payment timeout: reserved stock released, any late authorization voided. An order that
     * was authorized in time is not expired: its capture follows.
     */
    EXPIRED;

    public Set<OrderStatus> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(RESERVED, REJECTED, CANCELLING, EXPIRED);
            case RESERVED -> EnumSet.of(PAYMENT_PENDING, AUTHORIZED, PAYMENT_FAILED, CANCELLING, EXPIRED);
            case PAYMENT_PENDING -> EnumSet.of(AUTHORIZED, PAYMENT_FAILED, CANCELLING, EXPIRED);
            case AUTHORIZED -> EnumSet.of(PAID, PAYMENT_FAILED, CANCELLING, EXPIRED);
            case PAID -> EnumSet.of(CONFIRMED, CANCELLING);
            case CONFIRMED -> EnumSet.of(FULFILLED, CANCELLING);
            case CANCELLING -> EnumSet.of(CANCELLED);
            case FULFILLED, REJECTED, PAYMENT_FAILED, CANCELLED, EXPIRED -> EnumSet.noneOf(OrderStatus.class);
        };
    }

    public boolean canTransitionTo(OrderStatus target) {
        return next().contains(target);
    }

    /**
     * A final status: the pipeline has nothing more to do for the order, so no step or reconciler waits for it.
     * Every status without successors is final; CONFIRMED is final too, although the customer may still cancel it.
     */
    public boolean isFinal() {
        return this == CONFIRMED || next().isEmpty();
    }

    /** The customer may still cancel an order in this status (unless it is fulfilled: {@link Order#isCancellable()}). */
    public boolean isCancellable() {
        return canTransitionTo(CANCELLING);
    }

    /**
     * An order in this status is unpaid and expires if it is not paid within the payment timeout. (An AUTHORIZED
     * order waiting for its fulfilment expires too, but on another clock: its authorization hold.)
     */
    public boolean isExpirable() {
        return this == PENDING || this == RESERVED || this == PAYMENT_PENDING;
    }
}
