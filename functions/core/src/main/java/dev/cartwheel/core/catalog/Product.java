package dev.cartwheel.core.catalog;

import dev.cartwheel.core.money.Money;
import java.util.Objects;

/**
 * A catalog entry with its stock counters. Conservation: the units ever stocked equal
 * {@code available + reserved + sold}; released units return to {@code available}.
 */
public record Product(String sku, String name, Money price, long available, long reserved, long sold) {

    public Product {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(price, "price");
        if (available < 0 || reserved < 0 || sold < 0) {
            throw new IllegalArgumentException("stock counters are never negative");
        }
    }
}
