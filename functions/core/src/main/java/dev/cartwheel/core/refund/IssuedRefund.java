package dev.cartwheel.core.refund;

import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.RefundRecord;

/** The order after a refund and the refund's record; {@code replayed} when the key had already been used. */
public record IssuedRefund(Order order, RefundRecord refund, boolean replayed) {
}
