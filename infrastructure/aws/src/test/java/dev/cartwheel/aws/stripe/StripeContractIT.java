package dev.cartwheel.aws.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.webhook.PaymentWebhook;
import dev.cartwheel.emulators.stripe.StripeSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Stripe simulator answers with Stripe's shapes, and the adapter reads Stripe's real objects. Stripe's published
 * example objects (test resource {@code stripe/fixtures.json}, from stripe/openapi, MIT) are the reference: every
 * field of the fixture is in the simulator's object, with the same JSON type wherever both are non-null (Stripe's
 * fields are nullable). {@code error} and {@code search_result}, which the fixtures lack, are held against the shapes
 * of Stripe's API reference.
 */
class StripeContractIT {

    private static StripeSimulator stripe;
    private static JsonNode fixtures;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws IOException {
        stripe = StripeSimulator.start();
        try (InputStream in = StripeContractIT.class.getResourceAsStream("/stripe/fixtures.json")) {
            fixtures = Json.mapper().readTree(in);
        }
    }

    @AfterAll
    static void stop() {
        stripe.close();
    }

    // ---------------------------------------------------------------------------------------------- the simulator

    @Test
    void paymentIntents_inEveryStateTheAdapterReads_haveStripesFields() throws Exception {
        List<JsonNode> intents = new ArrayList<>();
        intents.add(post("/v1/payment_intents", intentForm("pm_card_visa"), 200)); // requires_capture
        JsonNode pending = post("/v1/payment_intents", intentForm("pm_card_authenticationRequired"), 200);
        intents.add(pending); // requires_action, next_action
        JsonNode declined = post("/v1/payment_intents", intentForm("pm_card_chargeDeclined"), 402);
        intents.add(declined.get("error").get("payment_intent")); // requires_payment_method, last_payment_error
        String held = intents.getFirst().get("id").asText();
        intents.add(post("/v1/payment_intents/" + held + "/capture", "amount_to_capture=1000", 200)); // succeeded
        String other = post("/v1/payment_intents", intentForm("pm_card_mastercard"), 200).get("id").asText();
        intents.add(post("/v1/payment_intents/" + other + "/cancel", "", 200)); // canceled
        intents.add(get("/v1/payment_intents/" + pending.get("id").asText() + "?expand%5B%5D=payment_method"));

        assertThat(intents).extracting(i -> i.get("status").asText()).containsExactly("requires_capture",
                "requires_action", "requires_payment_method", "succeeded", "canceled", "requires_action");
        for (JsonNode intent : intents) {
            assertShape("payment_intent", intent);
        }
        assertShape("payment_method", intents.getLast().get("payment_method"));
    }

    @Test
    void refundsEventsListsAndSearchResults_haveStripesFields() throws Exception {
        String orderId = "ord_" + UUID.randomUUID();
        JsonNode intent = post("/v1/payment_intents", intentForm("pm_card_visa").replace("ord_contract", orderId), 200);
        post("/v1/payment_intents/" + intent.get("id").asText() + "/capture", "", 200);
        JsonNode refund = post("/v1/refunds", "payment_intent=" + intent.get("id").asText() + "&amount=300&metadata%5Border_id%5D=" + orderId, 200);
        assertShape("refund", refund);

        JsonNode list = get("/v1/refunds?payment_intent=" + intent.get("id").asText());
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("data").isArray()).isTrue();
        assertThat(list.get("has_more").isBoolean()).isTrue();
        assertThat(list.get("url").isTextual()).isTrue();
        assertShape("refund", list.get("data").get(0));

        JsonNode search = get("/v1/payment_intents/search?query=" + java.net.URLEncoder.encode(
                "metadata['order_id']:'" + orderId + "'", java.nio.charset.StandardCharsets.UTF_8));
        assertThat(search.get("object").asText()).isEqualTo("search_result");
        assertThat(search.get("data")).hasSize(1);
        assertThat(search.get("has_more").isBoolean()).isTrue();
        assertThat(search.get("url").asText()).isEqualTo("/v1/payment_intents/search");
        assertThat(search.has("next_page")).isTrue();
        assertShape("payment_intent", search.get("data").get(0));

        List<JsonNode> events = new ArrayList<>();
        stripe.webhookSink((body, signature) -> {
            events.add(Json.mapper().readTree(body));
            return 200;
        });
        stripe.deliverWebhooks(orderId);
        assertThat(events).extracting(e -> e.get("type").asText()).contains("payment_intent.amount_capturable_updated",
                "payment_intent.succeeded", "charge.refunded", "refund.created");
        for (JsonNode event : events) {
            assertShape("event", event);
            JsonNode object = event.get("data").get("object");
            assertShape(object.get("object").asText(), object);
        }
    }

    @Test
    void errors_haveStripesShape() throws Exception {
        JsonNode card = post("/v1/payment_intents", intentForm("pm_card_chargeDeclinedInsufficientFunds"), 402).get("error");
        assertThat(card.get("type").asText()).isEqualTo("card_error");
        assertThat(card.get("code").asText()).isEqualTo("card_declined");
        assertThat(card.get("decline_code").asText()).isEqualTo("insufficient_funds");
        assertThat(card.get("message").isTextual()).isTrue();
        assertThat(card.get("doc_url").isTextual()).isTrue();
        assertThat(card.get("charge").asText()).startsWith("ch_");
        assertShape("payment_method", card.get("payment_method"));

        JsonNode invalid = post("/v1/payment_intents", "amount=abc&currency=usd", 400).get("error");
        assertThat(invalid.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(invalid.get("param").asText()).isEqualTo("amount");
        JsonNode unknown = post("/v1/payment_intents", intentForm("pm_card_visa") + "&colour=red", 400).get("error");
        assertThat(unknown.get("code").asText()).isEqualTo("parameter_unknown");

        HttpResponse<String> unauthenticated = HTTP.send(HttpRequest.newBuilder(stripe.baseUrl().resolve("/v1/refunds"))
                .header("Authorization", "Bearer sk_test_wrong").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unauthenticated.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(unauthenticated.body()).get("error").get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(unauthenticated.body()).doesNotContain("sk_test_wrong");
    }

    @Test
    void idempotency_replaysTheSameRequest_andRefusesTheSameKeyWithOtherParameters() throws Exception {
        String key = "ord_" + UUID.randomUUID() + ":authorize";
        HttpResponse<String> first = send("/v1/payment_intents", intentForm("pm_card_visa"), key);
        HttpResponse<String> again = send("/v1/payment_intents", intentForm("pm_card_visa"), key);
        HttpResponse<String> other = send("/v1/payment_intents", intentForm("pm_card_mastercard"), key);

        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readTree(other.body()).get("error").get("type").asText()).isEqualTo("idempotency_error");
    }

    // ---------------------------------------------------------------------------------------------- the adapter

    @Test
    void theAdapterReadsStripesRealObjects() {
        ObjectNode intent = (ObjectNode) fixtures.get("payment_intent").deepCopy();
        assertThat(StripePaymentGateway.authorization(intent).outcome()).isEqualTo(Authorization.Outcome.DECLINED);

        intent.put("status", "requires_capture");
        assertThat(StripePaymentGateway.authorization(intent))
                .isEqualTo(Authorization.approved("pi_1PgafyB7WZ01zgkWSjxsAJo3", "card", "0000"));
        intent.set("payment_method", fixtures.get("payment_method"));
        assertThat(StripePaymentGateway.authorization(intent))
                .isEqualTo(Authorization.approved("pi_1PgafyB7WZ01zgkWSjxsAJo3", "visa", "4242"));

        intent.put("status", "requires_action");
        Authorization pending = StripePaymentGateway.authorization(intent);
        assertThat(pending.pending()).isTrue();
        assertThat(pending.nextAction().clientSecret()).isEqualTo("pi_1PgafyB7WZ01zgkWSjxsAJo3_secret_Dm43xiq1k0ywrRRjDoi8y1gkM");
        assertThat(pending.nextAction().type()).isEqualTo("type");

        intent.put("status", "succeeded").put("amount_received", 1099).put("latest_charge", "ch_1PgafuB7WZ01zgkWXYmPNZs8");
        assertThat(StripePaymentGateway.capture(intent).amount()).isEqualTo(new Money(1099, "USD"));
        assertThat(StripePaymentGateway.capture(intent).captureId()).isEqualTo("ch_1PgafuB7WZ01zgkWXYmPNZs8");

        assertThat(StripePaymentGateway.refund(fixtures.get("refund"), "pi_1")).as("a refund made under no key of ours")
                .isEqualTo(new dev.cartwheel.core.payment.Refund("re_1Pgc72B7WZ01zgkWqPvrRrPE", "pi_1", new Money(100, "USD"), null));
        ObjectNode ours = (ObjectNode) fixtures.get("refund").deepCopy();
        ours.putObject("metadata").put("order_id", "ord_1").put("idempotency_key", "ord_1:refund:k1");
        assertThat(StripePaymentGateway.refund(ours, "pi_1").idempotencyKey()).isEqualTo("ord_1:refund:k1");
    }

    @Test
    void theEventsReadmeTellsAShopToEnable_areExactlyTheOnesTheWebhookActsOn() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../../README.md"));
        // the list of step 2 ("... with the events `a`, `b` ... and put its signing secret ..."), not its notes
        String step = readme.substring(readme.indexOf("with the events", readme.indexOf("2. In Stripe's dashboard")),
                readme.indexOf("and put its signing secret"));
        List<String> enabled = java.util.regex.Pattern.compile("`([a-z_]+\\.[a-z_]+)`").matcher(step).results()
                .map(m -> m.group(1)).toList();

        assertThat(enabled).containsExactlyInAnyOrderElementsOf(StripeEvents.HANDLED.keySet());
    }

    @Test
    void theWebhookReadsStripesRealEvents() {
        ObjectNode event = (ObjectNode) fixtures.get("event").deepCopy();
        assertThat(StripeEvents.parse(event.toString())).isEqualTo(new PaymentWebhook("evt_1Pgc76B7WZ01zgkWwyRHS12y",
                "plan.created", null)); // not about a payment: ignored

        ObjectNode charge = (ObjectNode) fixtures.get("charge").deepCopy();
        String orderId = "ord_" + UUID.randomUUID();
        ((ObjectNode) charge.get("metadata")).put("order_id", orderId);
        event.put("type", "charge.refunded");
        ((ObjectNode) event.get("data")).set("object", charge);
        assertThat(StripeEvents.parse(event.toString())).isEqualTo(new PaymentWebhook("evt_1Pgc76B7WZ01zgkWwyRHS12y",
                "payment.refunded", orderId));

        ObjectNode intent = (ObjectNode) fixtures.get("payment_intent").deepCopy();
        ((ObjectNode) intent.get("metadata")).put("order_id", orderId);
        event.put("type", "payment_intent.amount_capturable_updated");
        ((ObjectNode) event.get("data")).set("object", intent);
        assertThat(StripeEvents.parse(event.toString()).isHandled()).isTrue();
        assertThat(StripeEvents.parse(event.toString()).type()).isEqualTo("payment.succeeded");

        // the capture's own event is not news to Cartwheel, which captured: acknowledged and ignored
        intent.put("status", "succeeded");
        event.put("type", "payment_intent.succeeded");
        assertThat(StripeEvents.parse(event.toString()).isHandled()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** Every field of Stripe's example object is in {@code actual}, with the fixture's JSON type where both have a value. */
    private static void assertShape(String type, JsonNode actual) {
        JsonNode fixture = fixtures.get(type);
        assertThat(fixture).as("a fixture for %s", type).isNotNull();
        assertThat(actual.get("object").asText()).isEqualTo(type);
        Iterator<Map.Entry<String, JsonNode>> fields = fixture.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            assertThat(actual.has(field.getKey())).as("%s.%s in %s", type, field.getKey(), actual).isTrue();
            JsonNode value = actual.get(field.getKey());
            if (!value.isNull() && !field.getValue().isNull()) {
                assertThat(value.getNodeType()).as("type of %s.%s", type, field.getKey())
                        .isEqualTo(field.getValue().getNodeType());
            }
        }
    }

    private static String intentForm(String paymentMethod) {
        return "amount=2500&currency=usd&payment_method=" + paymentMethod + "&payment_method_types%5B%5D=card&confirm=true"
                + "&capture_method=manual&metadata%5Border_id%5D=ord_contract";
    }

    private static JsonNode post(String path, String form, int status) throws Exception {
        HttpResponse<String> response = send(path, form, "key-" + UUID.randomUUID());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return Json.mapper().readTree(response.body());
    }

    private static HttpResponse<String> send(String path, String form, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stripe.baseUrl().resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + stripe.apiKey()).header("Idempotency-Key", key)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String pathAndQuery) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stripe.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + stripe.apiKey()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }
}
