package dev.cartwheel.core.testing;

import dev.cartwheel.core.pricing.CheckoutRules;
import dev.cartwheel.core.pricing.ShopRules;
import dev.cartwheel.core.shipping.ShippingMethod;
import dev.cartwheel.core.tax.CountryTaxRates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The shop's shipping methods and tax rates in memory. */
public final class InMemoryShopRules implements ShopRules {

    private final Map<String, ShippingMethod> methods = new HashMap<>();
    private final Map<String, CountryTaxRates> rates = new HashMap<>();

    @Override
    public synchronized CheckoutRules forCheckout(String country) {
        return new CheckoutRules(shippingMethods(), rates.get(country));
    }

    @Override
    public synchronized List<ShippingMethod> shippingMethods() {
        List<ShippingMethod> all = new ArrayList<>(methods.values());
        all.sort(Comparator.comparing(ShippingMethod::id));
        return all;
    }

    @Override
    public synchronized void putShippingMethod(ShippingMethod method) {
        methods.put(method.id(), method);
    }

    @Override
    public synchronized Optional<CountryTaxRates> findTaxRates(String country) {
        return Optional.ofNullable(rates.get(country));
    }

    @Override
    public synchronized void putTaxRates(CountryTaxRates countryRates) {
        rates.put(countryRates.country(), countryRates);
    }
}
