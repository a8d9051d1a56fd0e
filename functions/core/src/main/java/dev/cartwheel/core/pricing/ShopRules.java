package dev.cartwheel.core.pricing;

import dev.cartwheel.core.shipping.ShippingMethod;
import dev.cartwheel.core.tax.CountryTaxRates;
import java.util.List;
import java.util.Optional;

/** Port: the shop's shipping methods and tax rates, set by admins, read at checkout (and frozen on the order there). */
public interface ShopRules {

    /** The shipping methods and {@code country}'s tax rates, read together (one call). */
    CheckoutRules forCheckout(String country);

    /** Every shipping method, in id order. */
    List<ShippingMethod> shippingMethods();

    /** Creates or replaces the method with this id. */
    void putShippingMethod(ShippingMethod method);

    Optional<CountryTaxRates> findTaxRates(String country);

    /** Creates or replaces the country's rates. */
    void putTaxRates(CountryTaxRates rates);
}
