package dev.cartwheel.core.order;

import java.util.List;
import java.util.Optional;

/** A page of whole orders in one status, oldest first, and the opaque cursor of the next ({@code null} on the last). */
public record StatusPage(List<Order> items, String nextCursor) {

    public StatusPage {
        items = List.copyOf(items);
    }

    public Optional<String> findNextCursor() {
        return Optional.ofNullable(nextCursor);
    }
}
