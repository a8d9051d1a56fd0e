package dev.cartwheel.core.pricing;

import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.INVALID_FIELD;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.shipping.AddressValidator;
import dev.cartwheel.core.shipping.ShippingMethod;
import dev.cartwheel.core.shipping.ShippingZone;
import dev.cartwheel.core.tax.CountryTaxRates;
import dev.cartwheel.core.tax.TaxRateSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shop's shipping methods and tax rates: the public list of methods to a country, and the admins' writes
 * ({@code PUT /shipping-methods/{id}}, {@code PUT /tax-rates/{country}}). A write is checked whole before it is stored;
 * orders already placed keep the prices and rates frozen on them.
 */
public final class ShopRulesService {

    public static final Pattern METHOD_ID = Pattern.compile("^[a-z0-9][a-z0-9-]{0,31}$");
    public static final Pattern TAX_CATEGORY = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");
    /** The subdivision part of an ISO 3166-2 code: {@code CA} (California), {@code ON}, {@code BY}. */
    public static final Pattern REGION = Pattern.compile("^[A-Z0-9]{1,3}$");

    private final ShopRules rules;

    public ShopRulesService(ShopRules rules) {
        this.rules = rules;
    }

    /** A method that ships to a country, with its price there. */
    public record Offer(ShippingMethod method, Money price) {
    }

    /** The methods that ship to {@code country}, in id order, each with its price there. */
    public List<Offer> methodsTo(String country) {
        String code = requireCountry(country, "country");
        List<Offer> offers = new ArrayList<>();
        for (ShippingMethod method : rules.shippingMethods()) {
            method.zoneOf(code).ifPresent(zone -> offers.add(new Offer(method, zone.price())));
        }
        return offers;
    }

    /** Stores the method (creating or replacing it) once its zones and prices make sense. */
    public ShippingMethod putShippingMethod(ShippingMethod method) {
        if (!METHOD_ID.matcher(method.id()).matches()) {
            throw invalid("id", "a shipping method id must match " + METHOD_ID.pattern());
        }
        Set<String> seen = new HashSet<>();
        String currency = null;
        for (int z = 0; z < method.zones().size(); z++) {
            ShippingZone zone = method.zones().get(z);
            for (String country : zone.countries()) {
                requireCountry(country, "/zones/" + z + "/countries");
                if (!seen.add(country)) {
                    throw invalid("/zones/" + z + "/countries", country + " is in two zones of this method");
                }
            }
            if (currency != null && !currency.equals(zone.price().currency())) {
                throw invalid("/zones/" + z + "/price/currency", "every zone of a method is priced in one currency");
            }
            currency = zone.price().currency();
        }
        if (method.freeAbove() != null && !method.freeAbove().currency().equals(currency)) {
            throw invalid("/freeAbove/currency", "freeAbove is in the currency of the zones' prices");
        }
        rules.putShippingMethod(method);
        return method;
    }

    /** Stores the country's rates (creating or replacing them) once its codes make sense. */
    public CountryTaxRates putTaxRates(CountryTaxRates rates) {
        requireCountry(rates.country(), "country");
        checkCategories(rates.rates(), "/categories");
        rates.regions().forEach((region, set) -> {
            if (!REGION.matcher(region).matches()) {
                throw invalid("/regions", "a region is the subdivision part of its ISO 3166-2 code, e.g. CA or ON");
            }
            checkCategories(set, "/regions/" + region + "/categories");
        });
        rules.putTaxRates(rates);
        return rates;
    }

    private static void checkCategories(TaxRateSet set, String at) {
        set.categories().keySet().forEach(category -> {
            if (!TAX_CATEGORY.matcher(category).matches()) {
                throw invalid(at, "a tax category must match " + TAX_CATEGORY.pattern());
            }
        });
    }

    /** The country code, or a problem naming {@code field}. */
    public static String requireCountry(String country, String field) {
        if (!AddressValidator.isCountry(country)) {
            throw invalid(field, "country must be an ISO 3166-1 alpha-2 code in upper case, e.g. US or DE");
        }
        return country;
    }

    private static InvalidRequestException invalid(String field, String detail) {
        return new InvalidRequestException(INVALID_FIELD, field, detail);
    }
}
