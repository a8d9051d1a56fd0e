package dev.cartwheel.core.testing;

import dev.cartwheel.core.email.EmailClaims;
import dev.cartwheel.core.email.EmailType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * E-mail claims in memory, with the conditional update of the DynamoDB claims: a claim succeeds on a new (order, type,
 * occurrence) or on one whose SENDING lease ran out; a SENT one is {@code ALREADY_SENT}, a leased one
 * {@code HELD_BY_ANOTHER}.
 */
public final class InMemoryEmailClaims implements EmailClaims {

    private record Claim(boolean sent, Instant leaseUntil, String messageId) {
    }

    private final Map<String, Claim> claims = new HashMap<>();

    @Override
    public synchronized Outcome claim(String orderId, EmailType type, String occurrence, Instant now, Instant leaseUntil) {
        String key = key(orderId, type, occurrence);
        Claim claim = claims.get(key);
        if (claim == null || (!claim.sent() && claim.leaseUntil().isBefore(now))) {
            claims.put(key, new Claim(false, leaseUntil, null));
            return Outcome.CLAIMED;
        }
        return claim.sent() ? Outcome.ALREADY_SENT : Outcome.HELD_BY_ANOTHER;
    }

    @Override
    public synchronized void markSent(String orderId, EmailType type, String occurrence, String messageId, Instant at) {
        claims.put(key(orderId, type, occurrence), new Claim(true, at, messageId));
    }

    /** Whether the e-mail was marked sent. */
    public synchronized boolean isSent(String orderId, EmailType type, String occurrence) {
        Claim claim = claims.get(key(orderId, type, occurrence));
        return claim != null && claim.sent();
    }

    private static String key(String orderId, EmailType type, String occurrence) {
        return orderId + "#" + type + (occurrence == null || occurrence.isEmpty() ? "" : "#" + occurrence);
    }
}
