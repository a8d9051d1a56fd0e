package dev.cartwheel.core.order;

import dev.cartwheel.core.audit.Actor;
import dev.cartwheel.core.money.Money;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A customer's cancellation of an order and how far the cancellation saga got.
 *
 * @param reason        the customer's reason (or a default)
 * @param requestedAt   when the cancellation was recorded
 * @param from          the status the order was in when it was recorded: it says where the stock is
 *                      (nothing reserved, reserved, or sold)
 * @param stockReturned whether the saga has moved the stock back (written with the stock movements in one transaction)
 * @param settlement    what the saga did with the payment, {@link Settlement#OPEN} until it did it
 * @param refunded      the amount the cancellation refunded (zero unless {@link Settlement#REFUNDED})
 * @param requestedBy   who asked for it (the customer); {@code null} for cancellations recorded before actors were
 * @param failure       why the provider refused the cancellation's refund for good, with
 *                      {@link Settlement#REFUND_FAILED}; else {@code null}
 */
public record Cancellation(String reason, Instant requestedAt, OrderStatus from, boolean stockReturned,
                           Settlement settlement, Money refunded, Actor requestedBy, String failure) {

    /** What happened to the customer's money. */
    public enum Settlement {
        /** Not settled yet. */
        OPEN,
        /** Nothing was authorized: nothing to give back. */
        NOTHING_TO_SETTLE,
        /** The authorization (hold) was voided; nothing was charged. */
        VOIDED,
        /** The capture was refunded (what earlier refunds had not given back yet). */
        REFUNDED,
        /**
         * The provider refused the refund for good: the order is cancelled and its stock back, but the customer's
         * money is not returned. An admin must settle it at the provider ({@code RefundsFailed} alarm).
         */
        REFUND_FAILED
    }

    public Cancellation(String reason, Instant requestedAt, OrderStatus from, boolean stockReturned,
                        Settlement settlement, Money refunded) {
        this(reason, requestedAt, from, stockReturned, settlement, refunded, null, null);
    }

    public Cancellation {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(settlement, "settlement");
        Objects.requireNonNull(refunded, "refunded");
    }

    /** The stock movements that give back what an order cancelled in {@link #from()} holds. */
    public List<StockMovement> stockMovements(List<OrderLine> lines) {
        return switch (from) {
            case RESERVED, PAYMENT_PENDING, AUTHORIZED -> StockMovement.forLines(lines, StockMovement.Kind.RELEASE);
            case PAID, CONFIRMED -> StockMovement.forLines(lines, StockMovement.Kind.RESTOCK);
            default -> List.of();
        };
    }

    Cancellation withStockReturned() {
        return new Cancellation(reason, requestedAt, from, true, settlement, refunded, requestedBy, failure);
    }

    Cancellation settled(Settlement outcome, Money amount) {
        return new Cancellation(reason, requestedAt, from, stockReturned, outcome, amount, requestedBy, null);
    }

    Cancellation settledWithFailure(Money amount, String why) {
        return new Cancellation(reason, requestedAt, from, stockReturned, Settlement.REFUND_FAILED, amount, requestedBy,
                Objects.requireNonNull(why, "why"));
    }

    Cancellation by(Actor actor) {
        return new Cancellation(reason, requestedAt, from, stockReturned, settlement, refunded, actor, failure);
    }
}
