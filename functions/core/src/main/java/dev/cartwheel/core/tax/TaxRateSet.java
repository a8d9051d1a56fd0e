package dev.cartwheel.core.tax;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The rates of one country or region: the standard rate, and reduced (or zero) rates per product tax category
 * ({@code books}). A product whose category has no rate here pays the standard rate.
 */
public record TaxRateSet(TaxRate standard, Map<String, TaxRate> categories) {

    public TaxRateSet {
        Objects.requireNonNull(standard, "standard");
        categories = java.util.Collections.unmodifiableMap(new TreeMap<>(categories));
    }

    /** The rate of a product of {@code category} ({@code null}: no category, the standard rate), and its category name. */
    public AppliedRate rateFor(String category) {
        if (category != null && categories.containsKey(category)) {
            return new AppliedRate(category, categories.get(category));
        }
        return new AppliedRate(AppliedRate.STANDARD, standard);
    }
}
