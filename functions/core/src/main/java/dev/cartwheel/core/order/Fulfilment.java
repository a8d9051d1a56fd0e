package dev.cartwheel.core.order;

import dev.cartwheel.core.audit.Actor;
import java.time.Instant;
import java.util.Objects;

/**
 * The warehouse's (an admin's) request to ship the order. A paid order is FULFILLED with it at once; an order
 * captured on fulfilment is captured first, and is FULFILLED (ship it) only if the capture succeeds.
 *
 * @param trackingNumber the carrier's tracking number, if the admin gave one, else {@code null}
 * @param recordedBy     who recorded it; {@code null} for fulfilments recorded before actors were
 */
public record Fulfilment(String trackingNumber, Instant recordedAt, Actor recordedBy) {

    public Fulfilment {
        Objects.requireNonNull(recordedAt, "recordedAt");
    }

    public Fulfilment(String trackingNumber, Instant recordedAt) {
        this(trackingNumber, recordedAt, null);
    }
}
