package dev.cartwheel.core.order;

import java.util.List;
import java.util.Objects;

/**
 * A status change to persist atomically: the order as read ({@code before}), the order to write
 * ({@code after}) and the stock movements that go with it. Stores apply it only if the stored
 * order still has {@code before}'s version, so two racing writers cannot both win.
 */
public record OrderTransition(Order before, Order after, List<StockMovement> movements) {

    public OrderTransition {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        movements = List.copyOf(movements);
        if (!before.orderId().equals(after.orderId()) || after.version() <= before.version()) {
            throw new IllegalArgumentException("a transition moves one order forward");
        }
    }
}
