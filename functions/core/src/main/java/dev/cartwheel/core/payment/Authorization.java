package dev.cartwheel.core.payment;

import java.util.Objects;

/**
 * The provider's answer to an authorization: approved with a payment id, declined with a code, or pending with a
 * payment id (the provider decides later and says so through its webhook), possibly with a {@link NextAction} the
 * customer must take first.
 */
public record Authorization(Outcome outcome, String paymentId, String brand, String last4, String declineCode,
                            NextAction nextAction) {

    public enum Outcome { APPROVED, DECLINED, PENDING }

    public Authorization {
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.DECLINED) {
            Objects.requireNonNull(declineCode, "declineCode");
        } else {
            Objects.requireNonNull(paymentId, "paymentId");
        }
    }

    public static Authorization approved(String paymentId, String brand, String last4) {
        return new Authorization(Outcome.APPROVED, paymentId, brand, last4, null, null);
    }

    public static Authorization declined(String declineCode) {
        return new Authorization(Outcome.DECLINED, null, null, null, declineCode, null);
    }

    public static Authorization pending(String paymentId, String brand, String last4) {
        return new Authorization(Outcome.PENDING, paymentId, brand, last4, null, null);
    }

    /** Pending until the customer does {@code nextAction} (e.g. authenticates with 3-D Secure). */
    public static Authorization pending(String paymentId, String brand, String last4, NextAction nextAction) {
        return new Authorization(Outcome.PENDING, paymentId, brand, last4, null, nextAction);
    }

    public boolean approved() {
        return outcome == Outcome.APPROVED;
    }

    public boolean pending() {
        return outcome == Outcome.PENDING;
    }

    /** Approved or still pending: a hold that a cancellation or expiry must void. */
    public boolean holdsFunds() {
        return outcome != Outcome.DECLINED;
    }
}
