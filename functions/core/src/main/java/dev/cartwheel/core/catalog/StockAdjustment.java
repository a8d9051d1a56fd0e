package dev.cartwheel.core.catalog;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the stock ledger: {@code delta} units added to (or, negative, taken from) a product's available
 * stock, why, by whom (the admin's {@code sub}, never an e-mail address) and when, under the admin's idempotency key.
 */
public record StockAdjustment(String sku, String idempotencyKey, long delta, String reason, String actorId,
                              Instant at) {

    public StockAdjustment {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(at, "at");
    }

    /** Same request: what a replay with the same key must repeat. */
    public boolean sameRequestAs(long otherDelta, String otherReason) {
        return delta == otherDelta && reason.equals(otherReason);
    }
}
