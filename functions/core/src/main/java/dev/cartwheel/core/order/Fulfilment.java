package dev.cartwheel.core.order;

import java.time.Instant;
import java.util.Objects;

/**
 * An admin's record that the order is fulfilled (handed to the carrier).
 *
 * @param trackingNumber the carrier's tracking number, if the admin gave one, else {@code null}
 */
public record Fulfilment(String trackingNumber, Instant recordedAt) {

    public Fulfilment {
        Objects.requireNonNull(recordedAt, "recordedAt");
    }
}
