package dev.cartwheel.core.order;

import dev.cartwheel.core.money.Money;
import java.time.Instant;
import java.util.Objects;

/**
 * A refund of a paid order: one an admin asked for, recorded on the order before the provider is called so that two
 * refunds can never together exceed the capture, or one made in the provider's dashboard that its webhook reported
 * ({@link #fromProvider}).
 *
 * @param key      the request's {@code Idempotency-Key}; the provider call is keyed {@code orderId:refund:key}.
 *                 For a refund made at the provider, {@code provider:<refundId>}
 * @param refundId the provider's refund id once it refunded, else {@code null}
 */
public record RefundRecord(String key, Money amount, String reason, Instant requestedAt, String refundId) {

    public RefundRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    private static final String PROVIDER_PREFIX = "provider:";

    /** A refund made at the provider, not through this backend: already completed when the order learns of it. */
    public static RefundRecord fromProvider(String refundId, Money amount, Instant learnedAt) {
        return new RefundRecord(PROVIDER_PREFIX + refundId, amount, "refunded at the payment provider", learnedAt,
                Objects.requireNonNull(refundId, "refundId"));
    }

    /** Made at the provider ({@link #fromProvider}), not asked for through the API. */
    public boolean isFromProvider() {
        return isProviderKey(key);
    }

    /** The key of a refund made at the provider; an API refund's Idempotency-Key may not look like one. */
    public static boolean isProviderKey(String key) {
        return key.startsWith(PROVIDER_PREFIX);
    }

    /** The provider has refunded it. */
    public boolean isCompleted() {
        return refundId != null;
    }

    RefundRecord completed(String providerRefundId) {
        return new RefundRecord(key, amount, reason, requestedAt, providerRefundId);
    }
}
