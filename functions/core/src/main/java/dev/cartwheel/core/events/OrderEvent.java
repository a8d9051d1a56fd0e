package dev.cartwheel.core.events;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.OrderStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One change of an order as published to other systems. Delivery is at least once: {@link #eventId} is the same
 * for every copy of one change, and {@link #version} (the order's version after the change, increasing with every
 * write) tells the order in which changes happened. Free text (a cancellation or refund reason) and personal data
 * (the e-mail address) are left out: consumers read the order through the API if they need more.
 *
 * @param eventId   {@code orderId:version:type}: the same for a redelivered copy, unique otherwise
 * @param amount    what the event is about: the order total, or for {@link OrderEventType#REFUNDED} the refund
 * @param refunded  what has been refunded of the order so far
 * @param unavailableSkus the SKUs that were short, for {@link OrderEventType#REJECTED}; else empty
 * @param refundId  the provider's refund id of a {@link OrderEventType#REFUNDED} event, else {@code null}
 * @param capture   when the order's payment is captured. A warehouse picks an order captured on authorization on
 *                  {@code order.confirmed} and one captured on fulfilment on {@code order.authorized}, asks to ship it
 *                  ({@code POST /orders/{orderId}/fulfilment}), and ships it only on {@code order.fulfilled}, which
 *                  follows a capture in both modes ({@code order.payment_failed}: the capture was refused, never ship)
 * @param shippingCountry where the order ships (ISO 3166-1 alpha-2), {@code null} for orders placed before addresses;
 *                  never the address itself (personal data: a consumer needing it calls {@code GET /admin/orders})
 * @param shippingMethod the id of the order's shipping method, else {@code null}
 */
public record OrderEvent(
        String eventId,
        OrderEventType type,
        String orderId,
        String customerId,
        OrderStatus status,
        long version,
        Money total,
        Money amount,
        Money refunded,
        List<Line> lines,
        List<String> unavailableSkus,
        String refundId,
        CapturePolicy capture,
        String correlationId,
        Instant occurredAt,
        String shippingCountry,
        String shippingMethod) {

    /** A line of the order: what a warehouse needs to pick it. */
    public record Line(String sku, int quantity) {
    }

    /** The schema version of the event's detail; bumped only for incompatible changes. */
    public static final int SCHEMA_VERSION = 1;

    /** The event source on the bus. */
    public static final String SOURCE = "cartwheel.orders";

    public OrderEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(refunded, "refunded");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        lines = List.copyOf(lines);
        unavailableSkus = List.copyOf(unavailableSkus);
    }
}
