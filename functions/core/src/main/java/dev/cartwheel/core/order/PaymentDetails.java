package dev.cartwheel.core.order;

import java.util.Objects;

/** What Cartwheel keeps of a payment: the provider's id, the card brand and last four digits. Never a card number. */
public record PaymentDetails(String paymentId, String brand, String last4) {

    public PaymentDetails {
        Objects.requireNonNull(paymentId, "paymentId");
        Objects.requireNonNull(brand, "brand");
        Objects.requireNonNull(last4, "last4");
        if (!last4.matches("[0-9]{4}")) {
            throw new IllegalArgumentException("last4 must be four digits");
        }
    }
}
