package dev.cartwheel.core.payment;

import dev.cartwheel.core.money.Money;

/** A captured amount with the provider's capture id. */
public record Capture(String captureId, String paymentId, Money amount) {
}
