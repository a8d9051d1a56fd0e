package dev.cartwheel.core.pricing;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.tax.TaxRate;
import java.util.Objects;

/** One entry of an order's tax breakdown: what was taxed at one rate (net) and the tax, a sum of rounded amounts. */
public record TaxLine(String category, TaxRate rate, Money taxable, Money tax) {

    public TaxLine {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(taxable, "taxable");
        Objects.requireNonNull(tax, "tax");
    }
}
