package dev.cartwheel.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.shipping.ShippingMethod;
import dev.cartwheel.core.shipping.ShippingZone;
import dev.cartwheel.core.tax.CountryTaxRates;
import dev.cartwheel.core.testing.InMemoryShopRules;
import dev.cartwheel.core.tax.TaxRate;
import dev.cartwheel.core.tax.TaxRateSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The admins' writes of shipping methods and tax rates are checked whole, and refused ones store nothing. */
class ShopRulesServiceTest {

    static Money usd(long amount) {
        return new Money(amount, "USD");
    }

    static ShippingZone zone(long price, String... countries) {
        return new ShippingZone("zone", Set.of(countries), usd(price));
    }

    @Test
    void methodsToACountry_areThoseWithAZoneHoldingIt_withThatZonesPrice() {
        InMemoryShopRules rules = new InMemoryShopRules();
        ShopRulesService service = new ShopRulesService(rules);
        service.putShippingMethod(new ShippingMethod("standard", "Standard", List.of(zone(599, "US"), zone(1999, "DE", "FR")),
                usd(5000), 3, 7));
        service.putShippingMethod(new ShippingMethod("express", "Express", List.of(zone(1999, "US")), null, 1, 2));

        assertThat(service.methodsTo("DE")).extracting(offer -> offer.method().id() + "=" + offer.price().amount())
                .containsExactly("standard=1999");
        assertThat(service.methodsTo("US")).extracting(offer -> offer.method().id()).containsExactly("express", "standard");
        assertThat(service.methodsTo("BR")).isEmpty();
        assertThat(rules.forCheckout("DE").shipsTo("DE")).isTrue();
        assertThat(rules.forCheckout("BR").shipsTo("BR")).isFalse();
        assertThatThrownBy(() -> service.methodsTo("de")).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.field()).isEqualTo("country"));
        assertThatThrownBy(() -> service.methodsTo(null)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aMethodThatDoesNotMakeSense_isRefused_andNothingIsStored() {
        InMemoryShopRules rules = new InMemoryShopRules();
        ShopRulesService service = new ShopRulesService(rules);
        assertRefused(() -> service.putShippingMethod(new ShippingMethod("standard", "S", List.of(zone(1, "US"), zone(2, "US", "DE")),
                null, 1, 2)), "/zones/1/countries");
        assertRefused(() -> service.putShippingMethod(new ShippingMethod("standard", "S", List.of(zone(1, "XX")), null, 1, 2)),
                "/zones/0/countries");
        assertRefused(() -> service.putShippingMethod(new ShippingMethod("standard", "S", List.of(zone(1, "US"),
                new ShippingZone("eu", Set.of("DE"), new Money(2, "EUR"))), null, 1, 2)), "/zones/1/price/currency");
        assertRefused(() -> service.putShippingMethod(new ShippingMethod("standard", "S", List.of(zone(1, "US")),
                new Money(5000, "EUR"), 1, 2)), "/freeAbove/currency");
        assertRefused(() -> service.putShippingMethod(new ShippingMethod("Standard!", "S", List.of(zone(1, "US")), null, 1, 2)), "id");
        assertThat(rules.shippingMethods()).isEmpty();
        assertThatThrownBy(() -> new ShippingMethod("standard", "S", List.of(zone(1, "US")), null, 3, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void taxRates_chooseTheRegionThenTheCategory_andBadCodesAreRefused() {
        InMemoryShopRules rules = new InMemoryShopRules();
        ShopRulesService service = new ShopRulesService(rules);
        service.putTaxRates(new CountryTaxRates("US", new TaxRateSet(TaxRate.ZERO, Map.of()),
                Map.of("CA", new TaxRateSet(TaxRate.ofPercent("7.25"), Map.of()))));
        service.putTaxRates(new CountryTaxRates("DE", new TaxRateSet(TaxRate.ofPercent("19"), Map.of("books", TaxRate.ofPercent("7"))),
                Map.of()));

        CountryTaxRates us = rules.findTaxRates("US").orElseThrow();
        assertThat(us.forRegion("CA").rateFor(null).rate().percent()).isEqualTo("7.25");
        assertThat(us.forRegion("NY").rateFor("books").rate().percent()).isEqualTo("0");
        assertThat(us.forRegion(null).rateFor(null).category()).isEqualTo("standard");
        CountryTaxRates de = rules.findTaxRates("DE").orElseThrow();
        assertThat(de.forRegion("BY").rateFor("books")).satisfies(rate -> {
            assertThat(rate.category()).isEqualTo("books");
            assertThat(rate.rate().percent()).isEqualTo("7");
        });
        assertThat(de.forRegion(null).rateFor("toys").category()).as("no such category: standard").isEqualTo("standard");
        assertThat(CountryTaxRates.zeroRated("BR").forRegion(null).rateFor("books").rate()).isEqualTo(TaxRate.ZERO);

        assertRefused(() -> service.putTaxRates(new CountryTaxRates("XX", new TaxRateSet(TaxRate.ZERO, Map.of()), Map.of())), "country");
        assertRefused(() -> service.putTaxRates(new CountryTaxRates("FR", new TaxRateSet(TaxRate.ZERO,
                Map.of("Books!", TaxRate.ZERO)), Map.of())), "/categories");
        assertRefused(() -> service.putTaxRates(new CountryTaxRates("FR", new TaxRateSet(TaxRate.ZERO, Map.of()),
                Map.of("île", new TaxRateSet(TaxRate.ZERO, Map.of())))), "/regions");
        assertThat(rules.findTaxRates("US")).isPresent();
        assertThat(rules.findTaxRates("DE")).isPresent();
    }

    static void assertRefused(Runnable write, String field) {
        assertThatThrownBy(write::run).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.field()).isEqualTo(field));
    }
}
