package dev.cartwheel.core.order;

import java.time.Instant;
import java.util.Objects;

/**
 * Binds a customer's {@code Idempotency-Key} to the order it created and to a hash of the request
 * that created it, so a retry gets the same order and a different request under the same key is refused.
 */
public record IdempotencyRecord(String key, String requestHash, String orderId, Instant expiresAt) {

    public IdempotencyRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestHash, "requestHash");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
