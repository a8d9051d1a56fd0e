package dev.cartwheel.core.catalog;

import java.util.List;
import java.util.Optional;

/** A page of products and the opaque cursor of the next one ({@code null} on the last page). */
public record ProductPage(List<Product> items, String nextCursor) {

    public ProductPage {
        items = List.copyOf(items);
    }

    public Optional<String> findNextCursor() {
        return Optional.ofNullable(nextCursor);
    }
}
