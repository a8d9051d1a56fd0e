package dev.cartwheel.core.order;

import dev.cartwheel.core.payment.NextAction;
import java.util.Objects;
import java.util.Optional;

/**
 * What Cartwheel keeps of a payment: the provider's id, the card brand and last four digits, and while the payment
 * waits for the customer (3-D Secure) what they must do. Never a card number.
 */
public record PaymentDetails(String paymentId, String brand, String last4, NextAction nextAction) {

    public PaymentDetails {
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(brand, "brand");
        Objects.requireNonNull(last4, "last4");
        if (!last4.matches("[0-9]{4}")) {
            throw new IllegalArgumentException("last4 must be four digits");
        }
    }

    public PaymentDetails(String paymentId, String brand, String last4) {
        this(paymentId, brand, last4, null);
    }

    /** What the customer must still do before the provider decides, if anything. */
    public Optional<NextAction> findNextAction() {
        return Optional.ofNullable(nextAction);
    }
}
