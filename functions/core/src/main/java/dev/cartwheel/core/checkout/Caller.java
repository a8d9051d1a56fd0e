package dev.cartwheel.core.checkout;

import dev.cartwheel.core.audit.Actor;
import java.util.Objects;
import java.util.Set;

/**
 * The authenticated caller, from the verified token's claims only: {@code sub}, {@code email}, the {@code scope}s,
 * the {@code cognito:groups} and whether the token says the e-mail address is unverified
 * ({@code email_verified: false}; a token without that claim is not taken as unverified).
 */
public record Caller(String customerId, String email, Set<String> scopes, Set<String> groups, boolean emailUnverified) {

    public Caller {
        Objects.requireNonNull(customerId, "customerId");
        scopes = Set.copyOf(scopes);
        groups = Set.copyOf(groups);
    }

    /** A caller in no group whose e-mail address is not known to be unverified. */
    public Caller(String customerId, String email, Set<String> scopes) {
        this(customerId, email, scopes, Set.of(), false);
    }

    /** The caller as the actor of what they do (their {@code sub}, never their e-mail address). */
    public Actor actor() {
        return new Actor(customerId);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
