package dev.cartwheel.core.order;

import java.util.List;
import java.util.Optional;

/** A page of order summaries and the opaque cursor of the next one ({@code null} on the last page). */
public record OrderPage(List<OrderSummary> items, String nextCursor) {

    public OrderPage {
        items = List.copyOf(items);
    }

    public Optional<String> findNextCursor() {
        return Optional.ofNullable(nextCursor);
    }
}
