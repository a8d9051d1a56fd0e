package dev.cartwheel.core.order;

import java.util.List;
import java.util.Optional;

/** A page of orders and the opaque cursor of the next one ({@code null} on the last page). */
public record OrderPage(List<Order> items, String nextCursor) {

    public OrderPage {
        items = List.copyOf(items);
    }

    public Optional<String> findNextCursor() {
        return Optional.ofNullable(nextCursor);
    }
}
