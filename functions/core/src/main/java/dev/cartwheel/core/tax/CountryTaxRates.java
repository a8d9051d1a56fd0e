package dev.cartwheel.core.tax;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The tax rates of a country, with optional per-region sets ({@code US}: the states' sales tax, {@code CA}: GST or
 * HST per province). An address whose region has a set pays that set's rates; any other address the country's.
 */
public record CountryTaxRates(String country, TaxRateSet rates, Map<String, TaxRateSet> regions) {

    public CountryTaxRates {
        Objects.requireNonNull(country, "country");
        Objects.requireNonNull(rates, "rates");
        regions = java.util.Collections.unmodifiableMap(new TreeMap<>(regions));
    }

    /** No tax: a country the shop ships to without a rate configured (an export, zero-rated). */
    public static CountryTaxRates zeroRated(String country) {
        return new CountryTaxRates(country, new TaxRateSet(TaxRate.ZERO, Map.of()), Map.of());
    }

    /** The set that applies to an address in {@code region} ({@code null}: none given). */
    public TaxRateSet forRegion(String region) {
        return region != null && regions.containsKey(region) ? regions.get(region) : rates;
    }
}
