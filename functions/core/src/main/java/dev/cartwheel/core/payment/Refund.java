package dev.cartwheel.core.payment;

import dev.cartwheel.core.money.Money;

/**
 * A refunded amount with the provider's refund id and the idempotency key it was made under ({@code null} for a
 * refund made elsewhere, such as the provider's dashboard).
 */
public record Refund(String refundId, String paymentId, Money amount, String idempotencyKey) {

    /** Whether this refund was made under {@code key}: the one way to tell which recorded refund it is. */
    public boolean madeUnder(String key) {
        return key.equals(idempotencyKey);
    }
}
