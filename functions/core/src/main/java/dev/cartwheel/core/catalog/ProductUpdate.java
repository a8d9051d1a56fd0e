package dev.cartwheel.core.catalog;

import dev.cartwheel.core.money.Money;
import java.util.Objects;

/** An administrator's create-or-update of a product: name, price and the stock available for sale. */
public record ProductUpdate(String sku, String name, Money price, long available) {

    public ProductUpdate {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(price, "price");
        if (available < 0) {
            throw new IllegalArgumentException("available must not be negative");
        }
    }
}
