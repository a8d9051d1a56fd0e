package dev.cartwheel.core.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.shipping.ShippingMethod;
import dev.cartwheel.core.shipping.ShippingZone;
import dev.cartwheel.core.tax.AppliedRate;
import dev.cartwheel.core.tax.TaxRate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tax and shipping arithmetic: worked examples, the rounding rule on awkward amounts, and property tests over
 * seeded random orders (a failure prints its seed and case, so it can be replayed).
 */
class OrderPricerTest {

    static final long SEED = 20261207L;
    static final int CASES = 5_000;
    static final AppliedRate DE_STANDARD = new AppliedRate("standard", TaxRate.ofPercent("19"));
    static final AppliedRate DE_BOOKS = new AppliedRate("books", TaxRate.ofPercent("7"));

    static OrderPricer.Item item(String sku, int quantity, long unit, AppliedRate rate) {
        return new OrderPricer.Item(new OrderLine(sku, sku, quantity, new Money(unit, "EUR")), rate);
    }

    static Money eur(long amount) {
        return new Money(amount, "EUR");
    }

    @Test
    void netPricesGetTheTaxAddedPerLineAndOnShipping() {
        // 2 x 12.50 at 19% = 25.00 + 4.75; a book 9.99 at 7% = 0.6993 -> 0.70; shipping 4.90 at 19% = 0.931 -> 0.93
        OrderPricer.Priced priced = OrderPricer.price(List.of(item("CUP", 2, 1250, DE_STANDARD), item("BOOK", 1, 999, DE_BOOKS)),
                eur(490), DE_STANDARD, PricingMode.NET);
        OrderPricing p = priced.pricing();
        assertThat(priced.lines()).extracting(line -> line.tax().amount()).containsExactly(475L, 70L);
        assertThat(p.subtotal()).isEqualTo(eur(3499));
        assertThat(p.shipping()).isEqualTo(eur(490));
        assertThat(p.tax()).isEqualTo(eur(475 + 70 + 93));
        assertThat(p.total()).isEqualTo(eur(3499 + 490 + 638));
        assertThat(p.breakdown()).containsExactly(
                new TaxLine("standard", TaxRate.ofPercent("19"), eur(2500 + 490), eur(475 + 93)),
                new TaxLine("books", TaxRate.ofPercent("7"), eur(999), eur(70)));
        assertThat(p.pricesIncludeTax()).isFalse();
    }

    @Test
    void grossPricesHaveTheTaxWorkedOutOfThem() {
        // 11.90 gross at 19%: 1190 * 19 / 119 = 190 exactly; a book 10.70 at 7%: 1070 * 7 / 107 = 70
        OrderPricer.Priced priced = OrderPricer.price(List.of(item("CUP", 1, 1190, DE_STANDARD), item("BOOK", 1, 1070, DE_BOOKS)),
                eur(595), DE_STANDARD, PricingMode.GROSS);
        OrderPricing p = priced.pricing();
        assertThat(p.total()).as("the customer pays the gross prices").isEqualTo(eur(1190 + 1070 + 595));
        assertThat(p.tax()).isEqualTo(eur(190 + 70 + 95));
        assertThat(p.subtotal()).isEqualTo(eur(1000 + 1000));
        assertThat(p.shipping()).isEqualTo(eur(500));
        assertThat(p.pricesIncludeTax()).isTrue();
    }

    @ParameterizedTest(name = "{0} at {1}% ({2}) -> {3}")
    @CsvSource({
            // amount, rate, mode, tax: halves round up, just below a half rounds down
            "50, 1, NET, 1",             // 0.5 -> 1
            "49, 1, NET, 0",             // 0.49 -> 0
            "150, 1, NET, 2",            // 1.5 -> 2
            "1000, 8.875, NET, 89",      // 88.75 -> 89
            "2, 25, NET, 1",             // 0.5 -> 1
            "1, 49.9999, NET, 0",        // 0.499999 -> 0
            "1, 50, NET, 1",             // 0.5 -> 1
            "999, 7, NET, 70",           // 69.93 -> 70
            "333, 19, NET, 63",          // 63.27 -> 63
            "0, 19, NET, 0",
            "1, 100, NET, 1",
            "119, 19, GROSS, 19",        // 119 * 19 / 119 = 19 exactly
            "1, 19, GROSS, 0",           // 0.1596 -> 0
            "3, 20, GROSS, 1",           // 0.5 -> 1 (3 * 20 / 120)
            "9, 20, GROSS, 2",           // 1.5 -> 2
            "7, 16.6667, GROSS, 1",      // 0.99999 -> 1
            "1999, 5.5, GROSS, 104",     // 104.2180 -> 104
            "100, 0, GROSS, 0",
            "100, 100, GROSS, 50"})
    void theRoundingRuleOnAwkwardAmounts(long amount, String rate, PricingMode mode, long tax) {
        assertThat(OrderPricer.tax(eur(amount), TaxRate.ofPercent(rate), mode)).isEqualTo(eur(tax));
    }

    @Test
    void divideHalfUpAgreesWithBigDecimalHalfUp() {
        Random random = new Random(SEED);
        for (int i = 0; i < 100_000; i++) {
            long numerator = random.nextLong(0, Long.MAX_VALUE);
            long denominator = random.nextLong(1, i % 2 == 0 ? 2_000_001 : Long.MAX_VALUE);
            long expected = BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), 0, RoundingMode.HALF_UP)
                    .longValueExact();
            assertThat(Rounding.divideHalfUp(numerator, denominator)).as(numerator + " / " + denominator).isEqualTo(expected);
        }
        assertThat(Rounding.divideHalfUp(Long.MAX_VALUE, Long.MAX_VALUE - 1)).isEqualTo(1);
        assertThatThrownBy(() -> Rounding.divideHalfUp(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void taxRatesAreExactDecimalPercentages() {
        assertThat(TaxRate.ofPercent("19").partsPerMillion()).isEqualTo(190_000);
        assertThat(TaxRate.ofPercent("8.875").partsPerMillion()).isEqualTo(88_750);
        assertThat(TaxRate.ofPercent("0.0001").partsPerMillion()).isEqualTo(1);
        assertThat(TaxRate.ofPercent("100.0").percent()).isEqualTo("100");
        assertThat(TaxRate.ofPercent("7.70").percent()).isEqualTo("7.7");
        assertThat(TaxRate.ofPercent("0").percent()).isEqualTo("0");
        for (String bad : new String[] {"-1", "100.01", "101", "7.77777", "1e2", "19%", " 19", "", "NaN", "0x10", "٧"}) {
            assertThatThrownBy(() -> TaxRate.ofPercent(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shippingIsFreeAtOrAboveTheThreshold() {
        ShippingMethod standard = new ShippingMethod("standard", "Standard", List.of(
                new ShippingZone("domestic", Set.of("US"), new Money(500, "USD")),
                new ShippingZone("europe", Set.of("DE", "FR"), new Money(1500, "USD"))), new Money(5000, "USD"), 3, 5);
        assertThat(standard.chargeFor("US", new Money(4999, "USD"))).isEqualTo(new Money(500, "USD"));
        assertThat(standard.chargeFor("US", new Money(5000, "USD"))).isEqualTo(new Money(0, "USD"));
        assertThat(standard.chargeFor("DE", new Money(4999, "USD"))).isEqualTo(new Money(1500, "USD"));
        assertThat(standard.chargeFor("FR", new Money(90000, "USD"))).isEqualTo(new Money(0, "USD"));
        assertThat(standard.shipsTo("JP")).isFalse();
        assertThatThrownBy(() -> standard.chargeFor("JP", new Money(1, "USD"))).isInstanceOf(IllegalArgumentException.class);
        ShippingMethod express = new ShippingMethod("express", "Express", List.of(
                new ShippingZone("domestic", Set.of("US"), new Money(1500, "USD"))), null, 1, 2);
        assertThat(express.chargeFor("US", new Money(1_000_000, "USD"))).as("no threshold").isEqualTo(new Money(1500, "USD"));
    }

    // ------------------------------------------------------------------ properties

    static final String[] RATES = {"0", "5", "5.5", "7", "7.7", "8.875", "10", "13", "19", "20", "21", "25", "27", "33.3333", "100"};

    static AppliedRate randomRate(Random random) {
        String percent = random.nextInt(10) == 0 ? BigDecimal.valueOf(random.nextLong(0, 1_000_001), 4).toPlainString()
                : RATES[random.nextInt(RATES.length)];
        return new AppliedRate(random.nextBoolean() ? "standard" : "books", TaxRate.ofPercent(percent));
    }

    static long randomAmount(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextLong(0, 10);
            case 1 -> random.nextLong(0, 1_000);
            case 2 -> random.nextLong(0, 100_000);
            default -> random.nextLong(0, 100_000_001);
        };
    }

    @Test
    void property_thePartsAlwaysAddUpToTheTotalAndNoneIsNegative() {
        Random random = new Random(SEED);
        for (int c = 0; c < CASES; c++) {
            PricingMode mode = random.nextBoolean() ? PricingMode.NET : PricingMode.GROSS;
            List<OrderPricer.Item> items = new ArrayList<>();
            int lines = random.nextInt(1, 51);
            for (int i = 0; i < lines; i++) {
                items.add(item("SKU-" + i, random.nextInt(1, 101), randomAmount(random), randomRate(random)));
            }
            Money shipping = eur(random.nextBoolean() ? 0 : randomAmount(random));
            AppliedRate shippingRate = randomRate(random);
            String seen = "case " + c + " (seed " + SEED + "): " + mode + " " + items + " shipping " + shipping + " at " + shippingRate;

            OrderPricing p = OrderPricer.price(items, shipping, shippingRate, mode).pricing();
            List<OrderLine> taxed = OrderPricer.price(items, shipping, shippingRate, mode).lines();

            // the record itself refuses parts that do not add up; check anyway, and what they add up from
            assertThat(p.subtotal().plus(p.shipping()).plus(p.tax())).as(seen).isEqualTo(p.total());
            assertThat(p.breakdown().stream().map(TaxLine::tax).reduce(eur(0), Money::plus)).as(seen).isEqualTo(p.tax());
            assertThat(p.breakdown().stream().map(TaxLine::taxable).reduce(eur(0), Money::plus)).as(seen)
                    .isEqualTo(p.subtotal().plus(shipping.amount() > 0 ? p.shipping() : eur(0)));
            Money lineTaxes = taxed.stream().map(OrderLine::tax).reduce(eur(0), Money::plus);
            assertThat(p.tax()).as(seen).isEqualTo(lineTaxes.plus(OrderPricer.tax(shipping, shippingRate.rate(), mode)));
            // never negative (Money refuses it) and never more than the rate allows
            for (OrderLine line : taxed) {
                assertThat(line.tax().amount()).as(seen).isBetween(0L, line.lineTotal().amount());
            }
            Money catalog = taxed.stream().map(OrderLine::lineTotal).reduce(eur(0), Money::plus).plus(shipping);
            if (mode == PricingMode.GROSS) {
                assertThat(p.total()).as("gross: the customer pays the prices shown; " + seen).isEqualTo(catalog);
            } else {
                assertThat(p.subtotal().plus(p.shipping())).as("net: the prices shown are the net; " + seen).isEqualTo(catalog);
                assertThat(p.total().amount()).as(seen).isGreaterThanOrEqualTo(catalog.amount());
            }
        }
    }

    @Test
    void property_netAndGrossModesAgreeOnWhatTheCustomerPaysForTheSameGrossPrice() {
        Random random = new Random(SEED + 1);
        for (int c = 0; c < CASES; c++) {
            // a shop with net prices N and one with the gross prices G = N + tax(N) charge the same; per unit, as
            // gross prices are per unit (quantity 1 each: a gross price times a quantity is a new gross price)
            List<OrderPricer.Item> net = new ArrayList<>();
            List<OrderPricer.Item> gross = new ArrayList<>();
            int lines = random.nextInt(1, 20);
            for (int i = 0; i < lines; i++) {
                AppliedRate rate = randomRate(random);
                long unit = randomAmount(random);
                long unitGross = unit + OrderPricer.tax(eur(unit), rate.rate(), PricingMode.NET).amount();
                net.add(item("SKU-" + i, 1, unit, rate));
                gross.add(item("SKU-" + i, 1, unitGross, rate));
            }
            AppliedRate shippingRate = randomRate(random);
            long shipping = randomAmount(random);
            long shippingGross = shipping + OrderPricer.tax(eur(shipping), shippingRate.rate(), PricingMode.NET).amount();
            String seen = "case " + c + " (seed " + (SEED + 1) + "): " + net + " shipping " + shipping + " at " + shippingRate;

            OrderPricing n = OrderPricer.price(net, eur(shipping), shippingRate, PricingMode.NET).pricing();
            OrderPricing g = OrderPricer.price(gross, eur(shippingGross), shippingRate, PricingMode.GROSS).pricing();

            assertThat(g.total()).as(seen).isEqualTo(n.total());
            // the tax worked out of a gross price may differ from the tax added to the net by the rounding, at most one
            // minor unit per amount taxed
            assertThat(Math.abs(g.tax().amount() - n.tax().amount())).as(seen).isLessThanOrEqualTo(lines + 1L);
        }
    }

    @Test
    void aPricingWhosePartsDoNotAddUpCannotExist() {
        assertThatThrownBy(() -> new OrderPricing(false, eur(100), eur(10), eur(19), List.of(
                new TaxLine("standard", TaxRate.ofPercent("19"), eur(110), eur(19))), eur(130)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderPricing(false, eur(100), eur(10), eur(21), List.of(
                new TaxLine("standard", TaxRate.ofPercent("19"), eur(110), eur(19))), eur(131)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
