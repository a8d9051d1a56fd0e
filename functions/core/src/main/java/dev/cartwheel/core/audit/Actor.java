package dev.cartwheel.core.audit;

import java.util.Objects;

/**
 * Who did something to an order or to the stock: a person or client, named by the {@code sub} claim of the token
 * that called the API (an admin, the warehouse, the customer). Recorded with what they did and when, shown to admins,
 * written to logs as this id only: never their e-mail address, which is personal data and may change.
 *
 * <p>Reusable by every audited action (refunds, fulfilments, cancellations, stock adjustments). A change made by
 * Cartwheel itself (a step, the reconciler, the payment provider's webhook) has no actor.
 *
 * @param sub the token's subject: stable, opaque, never an e-mail address
 */
public record Actor(String sub) {

    /** Longer subjects are refused: a token claim, not free text. */
    public static final int MAX_SUB_LENGTH = 256;

    public Actor {
        Objects.requireNonNull(sub, "sub");
        if (sub.isBlank() || sub.length() > MAX_SUB_LENGTH || sub.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("an actor's sub is 1 to " + MAX_SUB_LENGTH + " printable characters");
        }
    }

    @Override
    public String toString() {
        return sub;
    }
}
