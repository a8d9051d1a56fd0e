package dev.cartwheel.core.pricing;

import dev.cartwheel.core.shipping.ShippingMethod;
import dev.cartwheel.core.tax.CountryTaxRates;
import java.util.List;
import java.util.Optional;

/**
 * What checkout reads for one destination country, in one call: every shipping method (to tell a country the shop does
 * not ship to from a method that does not go there) and the country's tax rates, {@code null} if none are set.
 */
public record CheckoutRules(List<ShippingMethod> methods, CountryTaxRates taxRates) {

    public CheckoutRules {
        methods = List.copyOf(methods);
    }

    public Optional<ShippingMethod> findMethod(String id) {
        return methods.stream().filter(method -> method.id().equals(id)).findFirst();
    }

    public boolean shipsTo(String country) {
        return methods.stream().anyMatch(method -> method.shipsTo(country));
    }

    public Optional<CountryTaxRates> findTaxRates() {
        return Optional.ofNullable(taxRates);
    }
}
