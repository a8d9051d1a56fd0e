package dev.cartwheel.core.order;

import dev.cartwheel.core.money.Money;
import java.time.Instant;
import java.util.Objects;

/**
 * A refund an admin asked for on a paid order, recorded on the order before the provider is called so that two
 * refunds can never together exceed the capture.
 *
 * @param key      the request's {@code Idempotency-Key}; the provider call is keyed {@code orderId:refund:key}
 * @param refundId the provider's refund id once it refunded, else {@code null}
 */
public record RefundRecord(String key, Money amount, String reason, Instant requestedAt, String refundId) {

    public RefundRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** The provider has refunded it. */
    public boolean isCompleted() {
        return refundId != null;
    }

    RefundRecord completed(String providerRefundId) {
        return new RefundRecord(key, amount, reason, requestedAt, providerRefundId);
    }
}
