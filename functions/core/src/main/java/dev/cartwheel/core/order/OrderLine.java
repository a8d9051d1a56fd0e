package dev.cartwheel.core.order;

import dev.cartwheel.core.money.Money;
import java.util.Objects;

/** One line of an order, priced from the catalog at checkout. */
public record OrderLine(String sku, String name, int quantity, Money unitPrice) {

    public OrderLine {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unitPrice, "unitPrice");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be positive");
        }
    }

    public Money lineTotal() {
        return unitPrice.times(quantity);
    }
}
