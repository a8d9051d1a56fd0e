package dev.cartwheel.core.catalog;

import dev.cartwheel.core.money.Money;
import java.util.Objects;

/**
 * A catalog entry with its stock counters. Conservation: the units ever stocked equal
 * {@code available + reserved + sold}; released units return to {@code available}.
 *
 * @param taxCategory the product's tax category ({@code books}: a reduced rate where one is set), else {@code null}
 */
public record Product(String sku, String name, Money price, long available, long reserved, long sold, String taxCategory) {

    public Product {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(price, "price");
        if (available < 0 || reserved < 0 || sold < 0) {
            throw new IllegalArgumentException("stock counters are never negative");
        }
    }

    /** A product of no particular tax category (the standard rate). */
    public Product(String sku, String name, Money price, long available, long reserved, long sold) {
        this(sku, name, price, available, reserved, sold, null);
    }
}
