package dev.cartwheel.core.catalog;

import java.util.List;
import java.util.Optional;

/** Port: a product's available stock and the ledger of every adjustment made to it, written together. */
public interface StockLedger {

    /**
     * Adds {@code adjustment.delta()} to the product's available units and records the adjustment, both or neither,
     * unless the key already has an entry for this SKU.
     *
     * @return the adjustment as recorded, or the earlier entry of this key
     * @throws dev.cartwheel.core.exceptions.InvalidRequestException 404 if there is no such product, 409
     *                                                               {@code insufficient-stock} if fewer units are available than a negative delta takes
     */
    Recorded record(StockAdjustment adjustment);

    /** The SKU's ledger entry for an idempotency key. */
    Optional<StockAdjustment> find(String sku, String idempotencyKey);

    /** Every ledger entry of a SKU, oldest first. */
    List<StockAdjustment> entries(String sku);

    /** The outcome of {@link #record}: the entry, and whether an earlier request had already recorded it. */
    record Recorded(StockAdjustment adjustment, boolean replayed) {
    }
}
