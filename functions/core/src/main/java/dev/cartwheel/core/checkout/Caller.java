package dev.cartwheel.core.checkout;

import java.util.Objects;
import java.util.Set;

/** The authenticated customer, from the verified token's claims only. */
public record Caller(String customerId, String email, Set<String> scopes) {

    public Caller {
        Objects.requireNonNull(customerId, "customerId");
        scopes = Set.copyOf(scopes);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
