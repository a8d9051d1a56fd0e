package dev.cartwheel.core.payment;

import java.util.Objects;

/** The provider's answer to an authorization: approved with a payment id, or declined with a code. */
public record Authorization(boolean approved, String paymentId, String brand, String last4, String declineCode) {

    public Authorization {
        if (approved) {
            Objects.requireNonNull(paymentId, "paymentId");
        } else {
            Objects.requireNonNull(declineCode, "declineCode");
        }
    }

    public static Authorization approved(String paymentId, String brand, String last4) {
        return new Authorization(true, paymentId, brand, last4, null);
    }

    public static Authorization declined(String declineCode) {
        return new Authorization(false, null, null, null, declineCode);
    }
}
