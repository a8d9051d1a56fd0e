package dev.cartwheel.core.pricing;

import dev.cartwheel.core.money.Money;
import java.util.List;
import java.util.Objects;

/**
 * What an order costs, frozen at checkout. {@code subtotal} and {@code shipping} are net in both pricing modes, so that
 * {@code subtotal + shipping + tax == total} always, and the breakdown's taxes add up to {@code tax}. With gross prices
 * ({@code pricesIncludeTax}) the total is what the catalog and shipping prices said; with net prices the tax is added.
 */
public record OrderPricing(boolean pricesIncludeTax, Money subtotal, Money shipping, Money tax, List<TaxLine> breakdown,
                           Money total) {

    public OrderPricing {
        Objects.requireNonNull(subtotal, "subtotal");
        Objects.requireNonNull(shipping, "shipping");
        Objects.requireNonNull(tax, "tax");
        Objects.requireNonNull(total, "total");
        breakdown = List.copyOf(breakdown);
        if (!subtotal.plus(shipping).plus(tax).equals(total)) {
            throw new IllegalArgumentException("subtotal + shipping + tax must equal the total");
        }
        Money taxes = breakdown.stream().map(TaxLine::tax).reduce(Money.zero(tax.currency()), Money::plus);
        if (!taxes.equals(tax)) {
            throw new IllegalArgumentException("the tax breakdown must add up to the tax");
        }
    }
}
