package dev.cartwheel.core.email;

import java.time.Instant;

/**
 * Port: the record that makes each (order, e-mail type) go out once. A sender first claims the e-mail
 * with a lease, sends it, then marks it sent. A claim whose lease ran out (the sender crashed) may be
 * taken over, which is the one window where a customer can get the same e-mail twice: the crash must
 * fall after the provider accepted the e-mail and before {@link #markSent} was written.
 */
public interface EmailClaims {

    enum Outcome { CLAIMED, ALREADY_SENT, HELD_BY_ANOTHER }

    default Outcome claim(String orderId, EmailType type, Instant now, Instant leaseUntil) {
        return claim(orderId, type, "", now, leaseUntil);
    }

    default void markSent(String orderId, EmailType type, String messageId, Instant at) {
        markSent(orderId, type, "", messageId, at);
    }

    /**
     * Claims one occurrence of an e-mail type within an order, e.g. the e-mail of one refund (its key);
     * {@code occurrence} is empty for the types sent once per order.
     */
    Outcome claim(String orderId, EmailType type, String occurrence, Instant now, Instant leaseUntil);

    void markSent(String orderId, EmailType type, String occurrence, String messageId, Instant at);
}
