package dev.cartwheel.core.events;

import dev.cartwheel.core.order.Order;
import java.util.Objects;

/**
 * One write to an order as the table's change stream reports it.
 *
 * @param position where the write is in the stream (its sequence number), to report a failure from
 * @param before   the order before the write, {@code null} for the write that created it
 * @param after    the order after the write
 */
public record OrderChange(String position, Order before, Order after) {

    public OrderChange {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(after, "after");
    }
}
