package dev.cartwheel.core.checkout;

import dev.cartwheel.core.audit.Actor;
import java.util.Objects;
import java.util.Set;

/** The authenticated customer, from the verified token's claims only. */
public record Caller(String customerId, String email, Set<String> scopes) {

    public Caller {
        Objects.requireNonNull(customerId, "customerId");
        scopes = Set.copyOf(scopes);
    }

    /** The caller as the actor of what they do (their {@code sub}, never their e-mail address). */
    public Actor actor() {
        return new Actor(customerId);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
