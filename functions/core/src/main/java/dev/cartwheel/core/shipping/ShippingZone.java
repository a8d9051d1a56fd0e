package dev.cartwheel.core.shipping;

import dev.cartwheel.core.money.Money;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** A set of countries a shipping method charges one price for. */
public record ShippingZone(String name, Set<String> countries, Money price) {

    public ShippingZone {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(price, "price");
        countries = java.util.Collections.unmodifiableSet(new TreeSet<>(countries));
        if (countries.isEmpty()) {
            throw new IllegalArgumentException("a zone has at least one country");
        }
    }
}
