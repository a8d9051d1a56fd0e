package dev.cartwheel.core.webhook;

import java.util.Objects;

/**
 * A verified provider notification about a payment of an order.
 *
 * @param eventId the provider's event id, the same for every retry of one notification
 * @param type    the provider's event type, e.g. {@code payment.succeeded}
 */
public record PaymentWebhook(String eventId, String type, String orderId) {

    /** The types that concern an order's payment; the provider sends others, which are acknowledged and ignored. */
    public static final java.util.Set<String> HANDLED_TYPES = java.util.Set.of(
            "payment.succeeded", "payment.failed", "payment.refunded");

    public PaymentWebhook {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
    }

    public boolean isHandled() {
        return HANDLED_TYPES.contains(type) && orderId != null;
    }

    /** Whether it says the payment was authorized or captured ({@code payment.succeeded}). */
    public boolean announcesSuccess() {
        return "payment.succeeded".equals(type);
    }
}
