package dev.cartwheel.core.refund;

import dev.cartwheel.core.money.Money;

/** What an admin asks to refund: an amount of the order's currency and a reason. */
public record RefundRequest(Money amount, String reason) {
}
