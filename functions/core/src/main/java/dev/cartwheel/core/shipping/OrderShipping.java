package dev.cartwheel.core.shipping;

import java.util.Objects;

/**
 * How an order ships, frozen at checkout: the method chosen (its id and name then) and where to (the country and the
 * region). Not personal data on its own: this is what order events carry; the full address lives apart.
 *
 * @param region the address's region code, else {@code null}
 */
public record OrderShipping(String methodId, String methodName, String country, String region, int minDays, int maxDays) {

    public OrderShipping {
        Objects.requireNonNull(methodId, "methodId");
        Objects.requireNonNull(methodName, "methodName");
        Objects.requireNonNull(country, "country");
    }
}
