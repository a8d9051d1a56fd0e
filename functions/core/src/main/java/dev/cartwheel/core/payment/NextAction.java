package dev.cartwheel.core.payment;

import java.util.Objects;

/**
 * What the customer must still do for a pending authorization before the provider decides it, e.g. a 3-D Secure
 * authentication ({@code use_stripe_sdk}, {@code redirect_to_url}) that the storefront finishes with the provider's
 * client library using {@code clientSecret}. Only ever shown to the order's owner.
 *
 * @param type         the provider's next action type
 * @param clientSecret the secret that lets the customer's browser finish this payment (and nothing else)
 */
public record NextAction(String type, String clientSecret) {

    public NextAction {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(clientSecret, "clientSecret");
    }
}
