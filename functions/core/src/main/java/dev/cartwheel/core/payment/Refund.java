package dev.cartwheel.core.payment;

import dev.cartwheel.core.money.Money;

/** A refunded amount with the provider's refund id. */
public record Refund(String refundId, String paymentId, Money amount) {
}
