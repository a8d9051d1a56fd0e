package dev.cartwheel.aws.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.payment.Capture;
import dev.cartwheel.core.payment.NextAction;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentProviderException;
import dev.cartwheel.core.payment.PaymentRejectedException;
import dev.cartwheel.core.payment.Refund;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The payment port on Stripe's PaymentIntents API, with manual capture:
 * <ul>
 *   <li>authorize: {@code POST /v1/payment_intents} ({@code amount}, {@code currency}, {@code payment_method} = the
 *   order's {@code pm_...}, {@code confirm=true}, {@code capture_method=manual}, {@code metadata[order_id]}) under
 *   {@code <orderId>:authorize}. {@code requires_capture} is approved, {@code requires_action} (3-D Secure) pending
 *   with the {@link NextAction} the storefront finishes with Stripe.js, a card error or
 *   {@code requires_payment_method} declined with Stripe's {@code decline_code}.</li>
 *   <li>capture ({@code /capture}, {@code amount_to_capture}), void ({@code /cancel}), refund ({@code POST /v1/refunds}
 *   with {@code metadata[idempotency_key]}), each under its own key; an error that no retry can fix (a capture of a
 *   canceled or expired authorization, a refund beyond what is left, an invalid request) is a
 *   {@link PaymentRejectedException} with Stripe's code.</li>
 *   <li>the lookups: a payment whose id the order recorded by {@code GET /v1/payment_intents/:id} (current); an
 *   order's PaymentIntent whose id was never recorded by {@code GET /v1/payment_intents/search} on
 *   {@code metadata['order_id']}, then read by id for its state now (the search index lags behind writes by up to a
 *   minute); refunds by {@code GET /v1/refunds?payment_intent=} (a list: current). A lookup never replays a POST:
 *   replaying a key that was never used would make the authorization it looks for.</li>
 * </ul>
 * Transient failures (no answer, 409, 429, 5xx) are retried by {@link StripeClient} and then become a
 * {@link PaymentProviderException}.
 */
public final class StripePaymentGateway implements PaymentGateway {

    /** Order ids as Cartwheel makes them: safe inside a search query's quotes. */
    private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    /** Refund states in which the money is (or is being) given back. */
    private static final Set<String> REFUND_MADE = Set.of("succeeded", "pending", "requires_action");

    private final StripeClient stripe;

    public StripePaymentGateway(StripeClient stripe) {
        this.stripe = stripe;
    }

    /**
     * The gateway as template.yaml configures a function: Stripe at {@code STRIPE_API_BASE}, the API key read from
     * the Secrets Manager secret {@code STRIPE_API_KEY_SECRET_ARN} on first use (cached for five minutes, so a
     * rotated key is picked up), never from the environment.
     */
    public static StripePaymentGateway compose(dev.cartwheel.aws.AwsClientSettings settings) {
        return compose(settings, StripeClient.Settings.defaults());
    }

    public static StripePaymentGateway compose(dev.cartwheel.aws.AwsClientSettings settings, StripeClient.Settings client) {
        StripeApiKey key = new StripeApiKey(settings, settings.require("STRIPE_API_KEY_SECRET_ARN"), java.time.Clock.systemUTC());
        return new StripePaymentGateway(new StripeClient(java.net.URI.create(settings.require("STRIPE_API_BASE")), key,
                client, dev.cartwheel.aws.json.Json.mapper()));
    }

    @Override
    public Authorization authorize(String idempotencyKey, String paymentToken, Money amount) {
        List<Map.Entry<String, String>> form = List.of(
                Map.entry("amount", Long.toString(amount.amount())),
                Map.entry("currency", amount.currency().toLowerCase(Locale.ROOT)),
                Map.entry("payment_method", paymentToken),
                Map.entry("payment_method_types[]", "card"),
                Map.entry("confirm", "true"),
                Map.entry("capture_method", "manual"),
                Map.entry("metadata[order_id]", orderIdOf(idempotencyKey)),
                Map.entry("expand[]", "payment_method"));
        StripeClient.Answer answer;
        try {
            answer = stripe.post("/v1/payment_intents", form, idempotencyKey);
        } catch (StripeApiException e) {
            if ("card_error".equals(e.type())) {
                return Authorization.declined(e.reason());
            }
            if ("payment_method".equals(StripeClient.text(e.error(), "param"))) {
                // not a payment method Stripe knows (or one already used up): the customer's to fix, like a decline
                return Authorization.declined(e.reason());
            }
            throw rejected(e);
        }
        JsonNode intent = answer.body();
        if (answer.replayed() && !"requires_payment_method".equals(StripeClient.text(intent, "status"))) {
            // a replay shows the intent as it was then; the customer may have authenticated since
            intent = retrieve(intent.path("id").asText());
        }
        return authorization(intent);
    }

    @Override
    public Capture capture(String idempotencyKey, String paymentId, Money amount) {
        JsonNode intent;
        try {
            intent = stripe.post("/v1/payment_intents/" + id(paymentId) + "/capture", List.of(
                    Map.entry("amount_to_capture", Long.toString(amount.amount()))), idempotencyKey).body();
        } catch (StripeApiException e) {
            throw rejected(e);
        }
        if (!"succeeded".equals(StripeClient.text(intent, "status"))) {
            throw new PaymentProviderException("Stripe left " + paymentId + " in " + StripeClient.text(intent, "status")
                    + " after a capture");
        }
        return capture(intent);
    }

    @Override
    public void voidAuthorization(String idempotencyKey, String paymentId) {
        try {
            stripe.post("/v1/payment_intents/" + id(paymentId) + "/cancel", List.of(), idempotencyKey);
        } catch (StripeApiException e) {
            // canceled already (Stripe, the dashboard, an earlier void under another key): the hold is gone, as asked
            if ("payment_intent_unexpected_state".equals(e.code())
                    && "canceled".equals(StripeClient.text(retrieve(paymentId), "status"))) {
                return;
            }
            throw rejected(e);
        }
    }

    @Override
    public Refund refund(String idempotencyKey, String paymentId, Money amount) {
        JsonNode refund;
        try {
            refund = stripe.post("/v1/refunds", List.of(
                    Map.entry("payment_intent", id(paymentId)),
                    Map.entry("amount", Long.toString(amount.amount())),
                    Map.entry("metadata[order_id]", orderIdOf(idempotencyKey)),
                    Map.entry("metadata[idempotency_key]", idempotencyKey)), idempotencyKey).body();
        } catch (StripeApiException e) {
            throw rejected(e);
        }
        if (!REFUND_MADE.contains(StripeClient.text(refund, "status"))) {
            throw new PaymentRejectedException("refund_" + StripeClient.text(refund, "status"),
                    "Stripe did not make the refund: " + StripeClient.text(refund, "failure_reason"));
        }
        return refund(refund, paymentId);
    }

    @Override
    public Optional<Authorization> findAuthorization(String idempotencyKey) {
        return findIntent(orderIdOf(idempotencyKey)).map(StripePaymentGateway::authorization);
    }

    @Override
    public Authorization authorizationOf(String paymentId) {
        return authorization(retrieve(paymentId));
    }

    @Override
    public Optional<Capture> findCaptureOf(String paymentId) {
        return Optional.of(retrieve(paymentId))
                .filter(intent -> intent.path("amount_received").asLong() > 0)
                .map(StripePaymentGateway::capture);
    }

    @Override
    public List<Refund> findRefunds(String paymentId) {
        return refundObjects(id(paymentId)).stream()
                .filter(r -> REFUND_MADE.contains(StripeClient.text(r, "status")))
                .map(r -> refund(r, paymentId)).toList();
    }

    // ---------------------------------------------------------------------------------------------- reading Stripe

    /**
     * The PaymentIntent of an order as it is now: found by its {@code metadata[order_id]} with Stripe's search, then
     * read by its id, since the search index lags behind writes (an intent can show there in an older state, or not
     * yet at all: the one window a lookup by key can miss, which is why callers that know the id use it).
     */
    Optional<JsonNode> findIntent(String orderId) {
        JsonNode result = stripe.get("/v1/payment_intents/search", List.of(
                Map.entry("query", "metadata['order_id']:'" + orderId + "'"),
                Map.entry("limit", "10"),
                Map.entry("expand[]", "data.payment_method")));
        List<JsonNode> found = new ArrayList<>();
        result.path("data").forEach(intent -> {
            if (orderId.equals(intent.path("metadata").path("order_id").asText(null))) {
                found.add(intent);
            }
        });
        // one per order (its authorize key is fixed); the newest if ever more
        return found.stream().max(Comparator.comparingLong(intent -> intent.path("created").asLong()))
                .map(intent -> retrieve(intent.path("id").asText()));
    }

    private JsonNode retrieve(String paymentId) {
        try {
            return stripe.get("/v1/payment_intents/" + id(paymentId), List.of(Map.entry("expand[]", "payment_method")));
        } catch (StripeApiException e) {
            throw rejected(e);
        }
    }

    private List<JsonNode> refundObjects(String paymentIntentId) {
        List<JsonNode> refunds = new ArrayList<>();
        String after = null;
        do {
            List<Map.Entry<String, String>> query = new ArrayList<>(List.of(
                    Map.entry("payment_intent", paymentIntentId), Map.entry("limit", "100")));
            if (after != null) {
                query.add(Map.entry("starting_after", after));
            }
            JsonNode page = stripe.get("/v1/refunds", query);
            page.path("data").forEach(refunds::add);
            after = page.path("has_more").asBoolean(false) && !refunds.isEmpty()
                    ? refunds.getLast().path("id").asText() : null;
        } while (after != null);
        return refunds;
    }

    // ---------------------------------------------------------------------------------------------- mapping

    static Authorization authorization(JsonNode intent) {
        String id = intent.path("id").asText();
        JsonNode card = intent.path("payment_method").path("card");
        String brand = card.path("brand").asText("card");
        String last4 = card.path("last4").asText("");
        if (!last4.matches("[0-9]{4}")) {
            last4 = "0000"; // the payment method was not expanded (or is not a card): nothing better to show
        }
        String status = StripeClient.text(intent, "status");
        return switch (status == null ? "" : status) {
            case "requires_capture", "succeeded" -> Authorization.approved(id, brand, last4);
            case "requires_action", "requires_confirmation" -> {
                String type = intent.path("next_action").path("type").asText("use_stripe_sdk");
                String secret = StripeClient.text(intent, "client_secret");
                yield secret == null ? Authorization.pending(id, brand, last4)
                        : Authorization.pending(id, brand, last4, new NextAction(type, secret));
            }
            case "processing" -> Authorization.pending(id, brand, last4);
            case "requires_payment_method" -> {
                JsonNode error = intent.path("last_payment_error");
                String code = StripeClient.text(error, "decline_code");
                if (code == null) {
                    code = StripeClient.text(error, "code");
                }
                yield Authorization.declined(code == null ? "authentication_failed" : code);
            }
            // canceled after the card was authorized (voided): reported as the hold it was, so a compensation that
            // settles again voids again, which Stripe answers as done; canceled before (3-D Secure abandoned, a
            // decline): there never was a hold
            case "canceled" -> !intent.path("latest_charge").isNull() && !intent.path("latest_charge").isMissingNode()
                    && (intent.path("last_payment_error").isNull() || intent.path("last_payment_error").isMissingNode())
                    ? Authorization.approved(id, brand, last4) : Authorization.declined("canceled");
            default -> throw new PaymentProviderException("unknown PaymentIntent status " + status);
        };
    }

    static Capture capture(JsonNode intent) {
        JsonNode charge = intent.path("latest_charge");
        String chargeId = charge.isObject() ? charge.path("id").asText() : charge.asText(intent.path("id").asText());
        return new Capture(chargeId, intent.path("id").asText(),
                new Money(intent.path("amount_received").asLong(), currency(intent)));
    }

    static Refund refund(JsonNode refund, String paymentId) {
        return new Refund(refund.path("id").asText(), paymentId, new Money(refund.path("amount").asLong(), currency(refund)),
                refund.path("metadata").path("idempotency_key").asText(null));
    }

    private static String currency(JsonNode object) {
        return object.path("currency").asText().toUpperCase(Locale.ROOT);
    }

    private static PaymentRejectedException rejected(StripeApiException e) {
        return new PaymentRejectedException(e.reason(), e.getMessage());
    }

    /** {@code ord_1} of {@code ord_1:authorize} (keys are {@code orderId:operation}). */
    static String orderIdOf(String idempotencyKey) {
        int colon = idempotencyKey.indexOf(':');
        String orderId = colon < 0 ? idempotencyKey : idempotencyKey.substring(0, colon);
        if (!ORDER_ID.matcher(orderId).matches()) {
            throw new IllegalArgumentException("not an order id: " + orderId);
        }
        return orderId;
    }

    /** A Stripe object id, checked before it goes into a URL path. */
    private static String id(String stripeId) {
        if (stripeId == null || !ORDER_ID.matcher(stripeId).matches()) {
            throw new IllegalArgumentException("not a Stripe id: " + stripeId);
        }
        return stripeId;
    }
}
