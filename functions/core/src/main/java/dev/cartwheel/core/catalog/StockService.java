package dev.cartwheel.core.catalog;

import dev.cartwheel.core.checkout.OrderRequestValidator;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import java.time.Clock;

/**
 * {@code POST /products/{sku}/stock-adjustments} (admins): the only way stock enters or leaves the shop outside
 * orders. An atomic add to {@code available}, never below zero, recorded once per {@code Idempotency-Key} in the
 * stock ledger with who and when. A replay with the same key and body returns the first entry; the same key with
 * another body is {@code 409 idempotency-key-reused}.
 */
public final class StockService {

    public static final long MAX_DELTA = 1_000_000_000L;
    public static final int MAX_REASON_LENGTH = 500;

    private final StockLedger ledger;
    private final Clock clock;

    public StockService(StockLedger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    public StockLedger.Recorded adjust(String actorId, String sku, String idempotencyKey, Long delta, String reason) {
        if (sku == null || !OrderRequestValidator.SKU.matcher(sku).matches()) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "sku", "sku must match " + OrderRequestValidator.SKU.pattern());
        }
        OrderRequestValidator.validateIdempotencyKey(idempotencyKey);
        if (delta == null || delta == 0 || Math.abs(delta) > MAX_DELTA) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "/delta",
                    "delta must be a non-zero integer from -" + MAX_DELTA + " to " + MAX_DELTA);
        }
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON_LENGTH
                || reason.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "/reason",
                    "reason must be 1 to " + MAX_REASON_LENGTH + " printable characters");
        }
        var earlier = ledger.find(sku, idempotencyKey);
        if (earlier.isPresent()) {
            return replay(earlier.get(), delta, reason);
        }
        StockAdjustment adjustment = new StockAdjustment(sku, idempotencyKey, delta, reason, actorId, clock.instant());
        // a transaction that lost a race with a reservation on the same product is retried
        StockLedger.Recorded recorded = dev.cartwheel.core.order.Retry.onConflict(() -> ledger.record(adjustment));
        return recorded.replayed() ? replay(recorded.adjustment(), delta, reason) : recorded;
    }

    private static StockLedger.Recorded replay(StockAdjustment earlier, long delta, String reason) {
        if (!earlier.sameRequestAs(delta, reason)) {
            throw new InvalidRequestException(Problem.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key",
                    "this Idempotency-Key was used for a different stock adjustment; use a new key for a new one");
        }
        return new StockLedger.Recorded(earlier, true);
    }
}
