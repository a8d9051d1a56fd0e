package dev.cartwheel.aws.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.webhook.PaymentWebhook;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Stripe's webhook events ({@code {"id":"evt_...","object":"event","type":...,"data":{"object":{...}}}}) as the
 * provider-neutral {@link PaymentWebhook} the payment step acts on. The order is the object's
 * {@code metadata.order_id} (the adapter sets it on every PaymentIntent and refund; Stripe copies a PaymentIntent's
 * metadata to its charges):
 * <ul>
 *   <li>{@code payment_intent.amount_capturable_updated}: {@code payment.succeeded} (the PaymentIntent is authorized,
 *   e.g. a 3-D Secure authentication finished);</li>
 *   <li>{@code payment_intent.payment_failed}, {@code payment_intent.canceled}: {@code payment.failed};</li>
 *   <li>{@code charge.refunded}, {@code refund.updated}: {@code payment.refunded} (a dashboard refund, a refund that
 *   failed later).</li>
 * </ul>
 * Any other type, and an event about something that is not a Cartwheel order (other integrations may share the
 * Stripe account), is acknowledged and ignored. That includes {@code payment_intent.succeeded}: Cartwheel authorizes
 * with {@code capture_method=manual} and captures itself, so a capture is never news to it. The webhook is a hint:
 * the payment step asks Stripe.
 */
public final class StripeEvents {

    /** Stripe's event types Cartwheel acts on, with the neutral type each becomes. */
    public static final Map<String, String> HANDLED = Map.of(
            "payment_intent.amount_capturable_updated", "payment.succeeded",
            "payment_intent.payment_failed", "payment.failed",
            "payment_intent.canceled", "payment.failed",
            "charge.refunded", "payment.refunded",
            "refund.updated", "payment.refunded");

    /**
     * The longest event id accepted: it travels as the correlation id {@code webhook-<eventId>} of the
     * {@code PaymentUpdated} message, which the message codec caps at 128 characters.
     */
    public static final int MAX_EVENT_ID_LENGTH = 128 - "webhook-".length();

    private static final Pattern EVENT_ID = Pattern.compile("^evt_[A-Za-z0-9_]{1," + (MAX_EVENT_ID_LENGTH - 4) + "}$");
    private static final Pattern EVENT_TYPE = Pattern.compile("^[a-z_.]{1,100}$");
    private static final Pattern ORDER_ID = Pattern.compile("^ord_[0-9a-f-]{36}$");

    private StripeEvents() {
    }

    /**
     * @throws InvalidRequestException if the body is not a Stripe event (not JSON, no valid {@code id} or
     *                                 {@code type}, a handled type without {@code data.object})
     */
    public static PaymentWebhook parse(String body) {
        JsonNode event = HttpApi.parse(body, JsonNode.class);
        if (!event.isObject()) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "/", "the body must be a Stripe event object");
        }
        String id = matching(event.get("id"), EVENT_ID, "/id");
        String type = matching(event.get("type"), EVENT_TYPE, "/type");
        String neutral = HANDLED.get(type);
        if (neutral == null) {
            return new PaymentWebhook(id, type, null);
        }
        JsonNode object = event.path("data").get("object");
        if (object == null || !object.isObject()) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "/data/object", "/data/object must be an object");
        }
        JsonNode orderId = object.path("metadata").get("order_id");
        String order = orderId != null && orderId.isTextual() && ORDER_ID.matcher(orderId.asText()).matches()
                ? orderId.asText() : null;
        return new PaymentWebhook(id, neutral, order);
    }

    private static String matching(JsonNode node, Pattern pattern, String pointer) {
        if (node == null || !node.isTextual() || !pattern.matcher(node.asText()).matches()) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, pointer, pointer + " is not a Stripe " + pointer.substring(1));
        }
        return node.asText();
    }
}
