package dev.cartwheel.core.shipping;

import dev.cartwheel.core.money.Money;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A way to ship, priced per zone (a country is in at most one zone of a method), optionally free when the goods cost
 * at least {@code freeAbove}. Prices are in the catalog's terms: net, or gross when {@code PricesIncludeTax=true}.
 *
 * @param freeAbove shipping is free when the goods (catalog prices times quantities) reach this amount; else {@code null}
 * @param minDays   the delivery estimate in business days, from {@code minDays} to {@code maxDays}
 */
public record ShippingMethod(String id, String name, List<ShippingZone> zones, Money freeAbove, int minDays, int maxDays) {

    public ShippingMethod {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        zones = List.copyOf(zones);
        if (zones.isEmpty()) {
            throw new IllegalArgumentException("a shipping method has at least one zone");
        }
        if (minDays < 0 || maxDays < minDays) {
            throw new IllegalArgumentException("the delivery estimate is 0 <= minDays <= maxDays");
        }
    }

    /** The zone that holds {@code country}, if this method ships there. */
    public Optional<ShippingZone> zoneOf(String country) {
        return zones.stream().filter(zone -> zone.countries().contains(country)).findFirst();
    }

    public boolean shipsTo(String country) {
        return zoneOf(country).isPresent();
    }

    public Optional<Money> findFreeAbove() {
        return Optional.ofNullable(freeAbove);
    }

    /**
     * What shipping to {@code country} costs for goods worth {@code goods}: the zone's price, or zero at or above the
     * free-shipping threshold.
     *
     * @throws IllegalArgumentException if the method does not ship there
     */
    public Money chargeFor(String country, Money goods) {
        ShippingZone zone = zoneOf(country)
                .orElseThrow(() -> new IllegalArgumentException(id + " does not ship to " + country));
        if (freeAbove != null && freeAbove.currency().equals(goods.currency()) && goods.amount() >= freeAbove.amount()) {
            return Money.zero(zone.price().currency());
        }
        return zone.price();
    }
}
