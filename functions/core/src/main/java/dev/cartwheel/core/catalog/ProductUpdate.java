package dev.cartwheel.core.catalog;

import dev.cartwheel.core.money.Money;
import java.util.Objects;

/**
 * An administrator's create-or-update of a product: name, price, the stock available for sale and its tax category
 * ({@code null}: none, the standard rate).
 */
public record ProductUpdate(String sku, String name, Money price, long available, String taxCategory) {

    public ProductUpdate {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(price, "price");
        if (available < 0) {
            throw new IllegalArgumentException("available must not be negative");
        }
    }

    public ProductUpdate(String sku, String name, Money price, long available) {
        this(sku, name, price, available, null);
    }
}
