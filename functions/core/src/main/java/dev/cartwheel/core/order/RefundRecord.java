package dev.cartwheel.core.order;

import dev.cartwheel.core.audit.Actor;
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
 * @param requestedBy the admin who asked for it; {@code null} for a refund made at the provider (or recorded before
 *                 actors were)
 * @param failure  why the provider refused it for good ({@code code: message}), else {@code null}. A failed refund
 *                 moved no money: it is not counted in {@link Order#refundedTotal()} and no customer is told of it
 */
public record RefundRecord(String key, Money amount, String reason, Instant requestedAt, String refundId,
                           Actor requestedBy, String failure) {

    public RefundRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedAt, "requestedAt");
        if (refundId != null && failure != null) {
            throw new IllegalArgumentException("a refund is completed or failed, not both");
        }
    }

    /** A refund without a recorded actor and not failed. */
    public RefundRecord(String key, Money amount, String reason, Instant requestedAt, String refundId) {
        this(key, amount, reason, requestedAt, refundId, null, null);
    }

    /** The lifecycle of a refund: asked for, then refunded by the provider or refused by it for good. */
    public enum State { PENDING, REFUNDED, FAILED }

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

    /** The provider refused it for good ({@link #failure()} says why). */
    public boolean isFailed() {
        return failure != null;
    }

    /** Asked for, neither refunded nor refused yet: a retry (or the cancellation saga) completes it. */
    public boolean isPending() {
        return !isCompleted() && !isFailed();
    }

    public State state() {
        return isCompleted() ? State.REFUNDED : isFailed() ? State.FAILED : State.PENDING;
    }

    RefundRecord completed(String providerRefundId) {
        return new RefundRecord(key, amount, reason, requestedAt, providerRefundId, requestedBy, null);
    }

    RefundRecord failed(String why) {
        return new RefundRecord(key, amount, reason, requestedAt, null, requestedBy, Objects.requireNonNull(why, "why"));
    }
}
