package dev.cartwheel.core.order;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.tax.AppliedRate;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of an order, priced from the catalog at checkout, with the tax rate and the tax frozen then.
 *
 * @param unitPrice   the catalog price, net or gross as the shop's {@code PricesIncludeTax} says
 * @param taxCategory the product's tax category ({@code books}), else {@code null}
 * @param rate        the rate applied, else {@code null} (orders placed before taxes existed)
 * @param tax         the line's tax, rounded once ({@link dev.cartwheel.core.pricing.Rounding}), else {@code null}
 */
public record OrderLine(String sku, String name, int quantity, Money unitPrice, String taxCategory, AppliedRate rate,
                        Money tax) {

    public OrderLine {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unitPrice, "unitPrice");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be positive");
        }
    }

    /** A line without tax (before checkout taxes it, or an order placed before taxes existed). */
    public OrderLine(String sku, String name, int quantity, Money unitPrice) {
        this(sku, name, quantity, unitPrice, null, null, null);
    }

    /** The catalog price times the quantity (net or gross as the shop's prices are). */
    public Money lineTotal() {
        return unitPrice.times(quantity);
    }

    public OrderLine withTax(AppliedRate appliedRate, Money lineTax) {
        return new OrderLine(sku, name, quantity, unitPrice, taxCategory, appliedRate, lineTax);
    }

    public Optional<Money> findTax() {
        return Optional.ofNullable(tax);
    }
}
