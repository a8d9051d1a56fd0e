package dev.cartwheel.core.pricing;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.tax.AppliedRate;
import dev.cartwheel.core.tax.TaxRate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Taxes an order's lines and its shipping charge by {@link Rounding}'s one rule and totals them. Pure arithmetic on
 * integer minor units: no I/O, no floating point.
 */
public final class OrderPricer {

    private OrderPricer() {
    }

    /** The lines with their tax, and the order's pricing. */
    public record Priced(List<OrderLine> lines, OrderPricing pricing) {
    }

    /** A line to price: its catalog amounts and the rate chosen for it. */
    public record Item(OrderLine line, AppliedRate rate) {
    }

    /**
     * @param shippingCharge the shipping method's charge, in the catalog's terms (net or gross), zero when free
     * @param shippingRate   the rate shipping is taxed at (the destination's standard rate)
     */
    public static Priced price(List<Item> items, Money shippingCharge, AppliedRate shippingRate, PricingMode mode) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("an order has at least one line");
        }
        String currency = items.getFirst().line().unitPrice().currency();
        Money zero = Money.zero(currency);
        Map<String, Money[]> byRate = new LinkedHashMap<>();
        Map<String, AppliedRate> rates = new LinkedHashMap<>();
        List<OrderLine> lines = new ArrayList<>();
        Money subtotal = zero;
        for (Item item : items) {
            Money amount = item.line().lineTotal();
            Money tax = tax(amount, item.rate().rate(), mode);
            Money net = mode.includesTax() ? amount.minus(tax) : amount;
            lines.add(item.line().withTax(item.rate(), tax));
            subtotal = subtotal.plus(net);
            add(byRate, rates, item.rate(), net, tax, zero);
        }
        Objects.requireNonNull(shippingRate, "shippingRate");
        Money shippingTax = tax(shippingCharge, shippingRate.rate(), mode);
        Money shippingNet = mode.includesTax() ? shippingCharge.minus(shippingTax) : shippingCharge;
        if (shippingCharge.amount() > 0) {
            add(byRate, rates, shippingRate, shippingNet, shippingTax, zero);
        }
        List<TaxLine> breakdown = new ArrayList<>();
        Money tax = zero;
        for (Map.Entry<String, Money[]> entry : byRate.entrySet()) {
            AppliedRate rate = rates.get(entry.getKey());
            breakdown.add(new TaxLine(rate.category(), rate.rate(), entry.getValue()[0], entry.getValue()[1]));
            tax = tax.plus(entry.getValue()[1]);
        }
        Money total = subtotal.plus(shippingNet).plus(tax);
        return new Priced(lines, new OrderPricing(mode.includesTax(), subtotal, shippingNet, tax, breakdown, total));
    }

    /** The tax of one amount (a line or the shipping charge) at one rate, rounded once, half up. */
    public static Money tax(Money amount, TaxRate rate, PricingMode mode) {
        long numerator = Math.multiplyExact(amount.amount(), rate.partsPerMillion());
        long denominator = mode.includesTax() ? TaxRate.ONE + rate.partsPerMillion() : TaxRate.ONE;
        return new Money(Rounding.divideHalfUp(numerator, denominator), amount.currency());
    }

    private static void add(Map<String, Money[]> byRate, Map<String, AppliedRate> rates, AppliedRate rate, Money net,
                            Money tax, Money zero) {
        String key = rate.category() + "@" + rate.rate().partsPerMillion();
        rates.putIfAbsent(key, rate);
        Money[] sums = byRate.computeIfAbsent(key, k -> new Money[] {zero, zero});
        sums[0] = sums[0].plus(net);
        sums[1] = sums[1].plus(tax);
    }
}
