package dev.cartwheel.core.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of an order's audit trail: who ({@link Actor}) did what, when. Admins see the trail in
 * {@code GET /orders/{orderId}}; it is derived from the records each action leaves on the order (its cancellation,
 * fulfilment and refunds), so it can never disagree with them.
 *
 * @param action  what was done: {@link #CANCELLATION_REQUESTED}, {@link #FULFILMENT_RECORDED},
 *                {@link #REFUND_REQUESTED}, or another action's name (e.g. a stock adjustment)
 * @param subject what it was done to within the order, e.g. the refund's idempotency key; {@code null} for none
 */
public record AuditEntry(String action, Actor actor, Instant at, String subject) {

    public static final String CANCELLATION_REQUESTED = "cancellation.requested";
    public static final String FULFILMENT_RECORDED = "fulfilment.recorded";
    public static final String REFUND_REQUESTED = "refund.requested";

    public AuditEntry {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(at, "at");
    }
}
