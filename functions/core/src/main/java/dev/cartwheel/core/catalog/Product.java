package dev.cartwheel.core.catalog;

import dev.cartwheel.core.money.Money;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A catalog entry with its stock counters. Conservation: the units the shop received (the sum of its stock
 * adjustments, plus any stock seeded before the ledger) equal {@code available + reserved + sold}; released units
 * return to {@code available}.
 *
 * @param version     the version of what {@code PUT /products/{sku}} writes (name, price, maxPerOrder, taxCategory):
 *                    its ETag. Stock counters move without changing it. 0 for a product seeded without one.
 * @param maxPerOrder the most units of it one order may hold; 0 for no limit but the API's own
 * @param taxCategory the product's tax category ({@code books}: a reduced rate where one is set), else {@code null}
 */
public record Product(String sku, String name, Money price, long available, long reserved, long sold, long version,
                      int maxPerOrder, String taxCategory) {

    public Product {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(price, "price");
        if (available < 0 || reserved < 0 || sold < 0) {
            throw new IllegalArgumentException("stock counters are never negative");
        }
        if (version < 0 || maxPerOrder < 0) {
            throw new IllegalArgumentException("version and maxPerOrder are never negative");
        }
    }

    /** A product without a version (seeded), without a per-order limit, of no particular tax category. */
    public Product(String sku, String name, Money price, long available, long reserved, long sold) {
        this(sku, name, price, available, reserved, sold, 0, 0, null);
    }

    /** The per-order limit, if the catalog sets one. */
    public OptionalInt findMaxPerOrder() {
        return maxPerOrder == 0 ? OptionalInt.empty() : OptionalInt.of(maxPerOrder);
    }

    /** The entity tag of the product's editable part, as {@code ETag} / {@code If-Match} carry it. */
    public String etag() {
        return "\"" + version + "\"";
    }
}
