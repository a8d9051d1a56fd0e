package dev.cartwheel.core.catalog;

import dev.cartwheel.core.money.Money;
import java.util.Objects;

/**
 * An administrator's create or update of a product: name, price, the optional per-order limit (0 for none) and its
 * tax category ({@code null}: none, the standard rate). Never the stock: that moves only through stock adjustments
 * and orders.
 */
public record ProductUpdate(String sku, String name, Money price, int maxPerOrder, String taxCategory) {

    public ProductUpdate {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(price, "price");
        if (maxPerOrder < 0) {
            throw new IllegalArgumentException("maxPerOrder must not be negative");
        }
    }

    public ProductUpdate(String sku, String name, Money price, int maxPerOrder) {
        this(sku, name, price, maxPerOrder, null);
    }
}
