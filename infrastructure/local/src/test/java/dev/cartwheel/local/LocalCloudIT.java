package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.local.api.JwtAuthority;
import dev.cartwheel.local.provider.LocalStripe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import dev.cartwheel.emulators.stripe.StripeSimulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real template and the real function jars in the local cloud, over HTTP: the end-to-end flow, the JWT
 * authorizer, the payment provider's signed webhooks, the fidelity of the HTTP API event against the sample events in
 * events/, and the console in headless Chromium. On the shared local cloud.
 */
@ExtendWith(SharedLocalCloud.class)
class LocalCloudIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = SharedLocalCloud.ROOT;
    static LocalCloud cloud;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void useTheSharedCloud(LocalCloud shared) {
        cloud = shared;
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(String path) {
        return cloud.apiUrl().resolve(path);
    }

    static String placeOrder(String token, String body) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/orders")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).path("orderId").asText();
    }

    static JsonNode order(String token, String orderId) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(uri("/orders/" + orderId)).header("Authorization", "Bearer " + token)).body());
    }

    static JsonNode awaitFinal(String token, String orderId) {
        return await("order " + orderId + " in a final status").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> order(token, orderId), order -> DemoRun.FINAL.contains(order.path("status").asText()));
    }

    // ------------------------------------------------------------------ end to end

    @Test
    void theFirstFunctionBehindTheApi_startedAheadOfTheServices_isAdoptedAsPlanned() {
        // GIVEN the shared cloud, prewarmed: the first of the functions behind the HTTP API (CheckoutFunction) was
        // started while the emulators started, from its environment planned ahead (names, endpoints)
        // THEN the planned environment was the real one: its pool adopted it (else it would have been stopped)
        assertThat(cloud.lambda().pool("CheckoutFunction").startedAhead()).isTrue();
        // AND functions on a queue are not started ahead (their mappings need the queues' ARNs)
        assertThat(cloud.lambda().pool("InventoryFunction").startedAhead()).isFalse();
    }

    @Test
    void theDemo_endsItsFiveOrdersAsExpected_withTheirEmails_aPartialRefund_andThe3dsOrderPaidByWebhookThenShipped() throws Exception {
        // the demo compares each product's stock with what it read before its orders: nothing else may be in flight
        SharedLocalCloud.awaitQueuesDrained(cloud);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoRun demo = new DemoRun(cloud, new PrintStream(out, true, StandardCharsets.UTF_8));
        // correctness, not speed: a bound as generous as DemoIT's, so that a loaded machine does not fail it
        boolean ok = demo.run(Duration.ofSeconds(240));
        System.out.println(out.toString(StandardCharsets.UTF_8));
        assertThat(demo.problems()).isEmpty();
        assertThat(ok).isTrue();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("status CONFIRMED (expected CONFIRMED)", "status REJECTED (expected REJECTED)",
                "status PAYMENT_FAILED (expected PAYMENT_FAILED)", "status CANCELLED (expected CANCELLED)", "refunded ",
                "PAYMENT_PENDING", "webhook payment_intent.amount_capturable_updated", "status FULFILLED (expected FULFILLED)");
    }

    // ------------------------------------------------------------------ the payment provider's webhooks

    @Test
    void anAsynchronouslyAuthorizedOrderIsConfirmedByTheProvidersSignedWebhook() throws Exception {
        // GIVEN an order paid with a card that needs 3-D Secure
        String token = cloud.token("grace", "grace@example.com", "orders/read orders/write");
        String orderId = placeOrder(token,
                "{\"items\":[{\"sku\":\"COFFEE-BEANS-1KG\",\"quantity\":1}],\"paymentToken\":\"pm_card_authenticationRequired\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}");

        // WHEN the customer authenticates at the Stripe simulator, which POSTs its signed webhook to the API
        JsonNode order = awaitFinal(token, orderId);

        // THEN the order waited in PAYMENT_PENDING for the provider, then went on to CONFIRMED
        List<String> statuses = new ArrayList<>();
        order.path("history").forEach(h -> statuses.add(h.path("status").asText()));
        assertThat(order.path("status").asText()).as(order.toString()).isEqualTo("CONFIRMED");
        assertThat(statuses).containsSubsequence("RESERVED", "PAYMENT_PENDING", "AUTHORIZED", "PAID", "CONFIRMED");

        // AND Stripe's webhooks went through the API's public route to the webhook function; the decision was forwarded
        var deliveries = cloud.paymentProvider().orElseThrow().deliveries(orderId);
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d.eventId()).startsWith("evt_");
            assertThat(d.status()).isEqualTo(200);
        });
        assertThat(deliveries).extracting(d -> d.type()).as("only the events the endpoint is registered for")
                .isNotEmpty().allMatch(LocalStripe.WEBHOOK_EVENTS::contains);
        assertThat(deliveries).filteredOn(d -> d.type().equals("payment_intent.amount_capturable_updated")).singleElement()
                .satisfies(d -> assertThat(JSON.readTree(d.response()).path("outcome").asText()).isEqualTo("FORWARDED"));
        // AND the capture the payment step made itself brought no webhook (the endpoint is not registered for it)
        assertThat(deliveries).extracting(d -> d.type()).doesNotContain("payment_intent.succeeded");
        JsonNode event = recordedEvent("POST /webhooks/payments");
        assertThat(event.path("headers").path("stripe-signature").asText()).matches("t=\\d+,v1=[0-9a-f]{64}");
        assertThat(event.path("requestContext").has("authorizer")).isFalse();
        assertThat(cloud.webhooks()).anySatisfy(w -> assertThat(w.path("orderId").asText()).isEqualTo(orderId));

        // AND Stripe has it captured, and the customer got exactly one confirmation e-mail
        assertThat(cloud.paymentProvider().orElseThrow().simulator().paymentIntentsOfOrder(orderId)).singleElement()
                .satisfies(intent -> assertThat(intent.path("status").asText()).isEqualTo("succeeded"));
        SharedLocalCloud.awaitQueuesDrained(cloud); // every e-mail the order caused has been sent, a duplicate too
        List<JsonNode> mails = new ArrayList<>();
        cloud.mail().forEach(m -> {
            if (DemoRun.mentions(m, orderId)) {
                mails.add(m);
            }
        });
        assertThat(mails).singleElement().satisfies(m -> assertThat(m.path("to").toString()).contains("grace@example.com"));
    }

    @Test
    void aWebhookWithABadSignatureGets401AndAWellSignedOneIsAccepted() throws Exception {
        // GIVEN the signing secret the local cloud registered with its Stripe (put in the template's secret)
        String secret = cloud.secretsManager().getSecretValue(r -> r.secretId(
                cloud.provisioned().secretArn("PaymentWebhookSecret"))).secretString();
        assertThat(secret).isEqualTo(cloud.paymentProvider().orElseThrow().simulator().webhookSecret());
        var webhook = cloud.lambda().pool("PaymentWebhookFunction");
        String body = "{\"id\":\"evt_" + UUID.randomUUID().toString().replace("-", "") + "\",\"object\":\"event\","
                + "\"type\":\"charge.dispute.created\",\"created\":" + Instant.now().getEpochSecond()
                + ",\"data\":{\"object\":{\"metadata\":{\"order_id\":\"ord_" + UUID.randomUUID() + "\"}}}}";
        long now = Instant.now().getEpochSecond();
        Map<String, String> signatures = new LinkedHashMap<>();
        signatures.put("wrong secret", "t=" + now + ",v1=" + StripeSimulator.sign(now + "." + body, "whsec_not_the_secret"));
        signatures.put("tampered body", "t=" + now + ",v1=" + StripeSimulator.sign(now + "." + body.replace("dispute", "refund"), secret));
        signatures.put("ten minutes old", "t=" + (now - 600) + ",v1=" + StripeSimulator.sign((now - 600) + "." + body, secret));
        signatures.put("garbage", "t=abc,v1=zz");
        signatures.put("a timestamp beyond any date", "t=99999999999999999,v1=" + StripeSimulator.sign("99999999999999999." + body, secret));
        int before = webhook.invocations();

        // WHEN each is POSTed to the public route, and one without a signature
        for (var e : signatures.entrySet()) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/webhooks/payments")).header("Content-Type", "application/json")
                    .header("Stripe-Signature", e.getValue()).POST(HttpRequest.BodyPublishers.ofString(body)));
            // THEN the function refuses it
            assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(401);
        }
        HttpResponse<String> unsigned = send(HttpRequest.newBuilder(uri("/webhooks/payments")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(webhook.invocations()).as("the function itself refused them").isGreaterThanOrEqualTo(before + signatures.size() + 1);

        // AND the same body signed with the secret now is accepted (an event type Cartwheel ignores)
        HttpResponse<String> good = send(HttpRequest.newBuilder(uri("/webhooks/payments")).header("Content-Type", "application/json")
                .header("Stripe-Signature", "t=" + now + ",v1=" + StripeSimulator.sign(now + "." + body, secret))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
        assertThat(JSON.readTree(good.body()).path("outcome").asText()).isEqualTo("IGNORED");
    }

    @Test
    void theConsolesThreeDSecureAction_refusesAnOrderWithNothingToAuthenticate() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/_local/api/orders/ord_" + UUID.randomUUID()
                + "/authenticate?outcome=succeed")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(JSON.readTree(r.body()).path("message").asText()).contains("waits for 3-D Secure");
    }

    // ------------------------------------------------------------------ the JWT authorizer

    @Test
    void missingExpiredWrongAudienceOrForeignTokensGet401AndTheFunctionDoesNotRun() throws Exception {
        var checkout = cloud.lambda().pool("CheckoutFunction");
        String body = "{\"items\":[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}";
        long now = Instant.now().getEpochSecond();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", cloud.authority().sign(claims(cloud.issuer(), cloud.audience(), now - 3600, now - 60)));
        tokens.put("wrong audience", cloud.authority().sign(claims(cloud.issuer(), "someone-else", now, now + 3600)));
        tokens.put("wrong issuer", cloud.authority().sign(claims("https://evil.example", cloud.audience(), now, now + 3600)));
        tokens.put("foreign key", JwtAuthority.ephemeral().sign(claims(cloud.issuer(), cloud.audience(), now, now + 3600)));
        tokens.put("garbage", "not.a.jwt");
        int before = checkout.invocations();
        HttpResponse<String> none = send(HttpRequest.newBuilder(uri("/orders")).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
        for (var e : tokens.entrySet()) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/orders")).header("Authorization", "Bearer " + e.getValue())
                    .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(401);
            assertThat(r.body()).as(e.getKey()).isEqualTo("{\"message\":\"Unauthorized\"}");
        }
        HttpResponse<String> list = send(HttpRequest.newBuilder(uri("/orders")));
        assertThat(list.statusCode()).isEqualTo(401);
        assertThat(checkout.invocations()).isEqualTo(before);
    }

    @Test
    void aTokenWithoutTheRoutesScopeGets403AndTheFunctionDoesNotRun() throws Exception {
        var checkout = cloud.lambda().pool("CheckoutFunction");
        var catalog = cloud.lambda().pool("AdminFunction");
        int before = checkout.invocations();
        int catalogBefore = catalog.invocations();
        String readOnly = cloud.token("dave", "dave@example.com", "orders/read");
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/orders")).header("Authorization", "Bearer " + readOnly)
                .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"items\":[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}")));
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(post.body()).isEqualTo("{\"message\":\"Forbidden\"}");
        String customer = cloud.token("dave", "dave@example.com", "orders/read orders/write");
        String sku = "NEW-THING-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri("/products/" + sku)).header("Authorization", "Bearer " + customer)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"price\":{\"amount\":1,\"currency\":\"USD\"},\"available\":1}")));
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(checkout.invocations()).isEqualTo(before);
        assertThat(catalog.invocations()).isEqualTo(catalogBefore);
        // the read scope is enough for GET /orders, and GET /products is public
        HttpResponse<String> list = send(HttpRequest.newBuilder(uri("/orders")).header("Authorization", "Bearer " + readOnly));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/products"))).statusCode()).isEqualTo(200);
        assertThat(checkout.invocations()).isEqualTo(before + 1);
        // and an admin (the scope and the admin group) may create a product
        String admin = cloud.adminToken("ops", "ops@example.com", "inventory/admin");
        HttpResponse<String> adminPut = send(HttpRequest.newBuilder(uri("/products/" + sku)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"New thing\",\"price\":{\"amount\":100,\"currency\":\"USD\"}}")));
        assertThat(adminPut.statusCode()).as(adminPut.body()).isEqualTo(201);
    }

    static Map<String, Object> claims(String iss, String aud, long iat, long exp) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", "mallory");
        c.put("email", "mallory@example.com");
        c.put("scope", "orders/read orders/write");
        c.put("iss", iss);
        c.put("aud", aud);
        c.put("exp", exp);
        c.put("iat", iat);
        return c;
    }

    // ------------------------------------------------------------------ fidelity of the HTTP API event

    /** Values that differ per request (ids, times, the client's address, the host): compared by presence only. */
    static final Set<String> VARIABLE = Set.of(
            "requestContext.requestId", "requestContext.time", "requestContext.timeEpoch", "requestContext.apiId",
            "requestContext.accountId", "requestContext.domainName", "requestContext.domainPrefix", "requestContext.http.sourceIp",
            "headers.host", "headers.x-forwarded-for", "headers.x-forwarded-port", "headers.x-forwarded-proto", "headers.authorization",
            "requestContext.authorizer.jwt.claims.exp", "requestContext.authorizer.jwt.claims.iat");
    /** Headers API Gateway adds to every request that the hand-written samples leave out. */
    static final Set<String> GATEWAY_HEADERS = Set.of("headers.x-amzn-trace-id", "headers.content-length");

    static List<String> differences(JsonNode expected, JsonNode actual, String path) {
        List<String> out = new ArrayList<>();
        if (expected.isObject() && actual.isObject()) {
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                String p = path.isEmpty() ? k : path + "." + k;
                if (!actual.has(k)) {
                    out.add("missing " + p);
                } else if (!VARIABLE.contains(p)) {
                    out.addAll(differences(expected.get(k), actual.get(k), p));
                }
            }
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                String p = path.isEmpty() ? k : path + "." + k;
                if (!expected.has(k) && !GATEWAY_HEADERS.contains(p)) {
                    out.add("unexpected " + p + " = " + actual.get(k));
                }
            }
        } else if (!expected.equals(actual)) {
            out.add(path + ": expected " + expected + " but was " + actual);
        }
        return out;
    }

    static JsonNode recordedEvent(String routeKey) {
        for (JsonNode e : cloud.httpEvents()) {
            if (e.path("routeKey").asText().equals(routeKey)) {
                return e;
            }
        }
        throw new AssertionError("no event recorded for " + routeKey);
    }

    @Test
    void thePostOrderEventEqualsTheSampleEventFieldForField() throws Exception {
        JsonNode sample = JSON.readTree(ROOT.resolve("events/checkout-post-order.json").toFile());
        JsonNode sampleClaims = sample.path("requestContext").path("authorizer").path("jwt").path("claims");
        Map<String, Object> claims = new LinkedHashMap<>();
        long now = Instant.now().getEpochSecond();
        sampleClaims.properties().forEach(e -> claims.put(e.getKey(), e.getValue().asText()));
        claims.put("exp", now + 3600);
        claims.put("iat", now);
        claims.put("iss", cloud.issuer());
        claims.put("aud", cloud.audience());
        String token = cloud.authority().sign(claims);
        JsonNode h = sample.path("headers");
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(sample.path("rawPath").asText()))
                .header("accept", h.path("accept").asText()).header("content-type", h.path("content-type").asText())
                .header("user-agent", h.path("user-agent").asText()).header("authorization", "Bearer " + token)
                .header("idempotency-key", h.path("idempotency-key").asText())
                .POST(HttpRequest.BodyPublishers.ofString(sample.path("body").asText())));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode actual = recordedEvent("POST /orders");
        assertThat(differences(sample, actual, "")).isEmpty();
        assertThat(actual.path("headers").path("content-length").asText()).isEqualTo(
                Integer.toString(sample.path("body").asText().getBytes(StandardCharsets.UTF_8).length));
        awaitFinal(token, JSON.readTree(r.body()).path("orderId").asText());
    }

    @Test
    void theListProductsEventEqualsTheSampleEventFieldForField() throws Exception {
        JsonNode sample = JSON.readTree(ROOT.resolve("events/catalog-list-products.json").toFile());
        JsonNode h = sample.path("headers");
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(sample.path("rawPath").asText()))
                .header("accept", h.path("accept").asText()).header("content-type", h.path("content-type").asText())
                .header("user-agent", h.path("user-agent").asText()).GET());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode actual = recordedEvent("GET /products");
        assertThat(differences(sample, actual, "")).isEmpty();
        assertThat(actual.has("body")).isFalse();
        assertThat(actual.path("requestContext").has("authorizer")).isFalse();
    }

    @Test
    void pathAndQueryParametersCookiesAndNotFoundAsApiGatewayHasThem() throws Exception {
        String token = cloud.token("erin", "erin@example.com", "orders/read");
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/orders/ord_does-not-exist?x=1&y=a%20b&x=2"))
                .header("Authorization", "Bearer " + token).header("Cookie", "c1=v1; c2=v2"));
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode e = recordedEvent("GET /orders/{orderId}");
        assertThat(e.path("pathParameters").path("orderId").asText()).isEqualTo("ord_does-not-exist");
        assertThat(e.path("rawQueryString").asText()).isEqualTo("x=1&y=a%20b&x=2");
        assertThat(e.path("queryStringParameters").path("x").asText()).isEqualTo("1,2");
        assertThat(e.path("queryStringParameters").path("y").asText()).isEqualTo("a b");
        assertThat(e.path("cookies")).hasSize(2);
        assertThat(e.path("headers").has("cookie")).isFalse();
        assertThat(e.path("requestContext").path("authorizer").path("jwt").path("claims").path("sub").asText()).isEqualTo("erin");
        assertThat(e.path("requestContext").path("authorizer").path("jwt").path("claims").path("exp").isTextual()).isTrue();
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(uri("/nowhere")));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"message\":\"Not Found\"}");
    }

    // ------------------------------------------------------------------ the console in headless Chromium

    @Test
    void theConsoleShowsAPlacedOrderAndItsEmail() throws Exception {
        String token = cloud.token("frank", "frank@example.com", "orders/read orders/write");
        String orderId = placeOrder(token, "{\"items\":[{\"sku\":\"MILK-JUG\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}");
        assertThat(awaitFinal(token, orderId).path("status").asText()).isEqualTo("CONFIRMED");

        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            ChromeDriver driver = chromium.driver();
            driver.get(cloud.apiUrl() + "/_local/");
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            wait.until(d -> !d.findElements(By.cssSelector("tr.order[data-order-id='" + orderId + "']")).isEmpty());
            String row = driver.findElement(By.cssSelector("tr.order[data-order-id='" + orderId + "']")).getText();
            assertThat(row).contains(orderId).contains("CONFIRMED").contains("frank").contains("PENDING").contains("PAID");
            // the breakdown: 18.00 + 5.99 standard shipping to the US, no region so no sales tax
            assertThat(row).contains("subtotal 18.00 USD", "shipping 5.99 USD", "Standard to US", "tax 0.00 USD", "total 23.99 USD");
            // and the fulfilment queue holds the confirmed order
            wait.until(d -> !d.findElements(By.cssSelector("tr.queued[data-order-id='" + orderId + "']")).isEmpty());
            assertThat(driver.findElement(By.cssSelector("tr.queued[data-order-id='" + orderId + "']")).getText())
                    .contains("1 x MILK-JUG", "Standard to US", "23.99 USD");
            wait.until(d -> d.findElements(By.cssSelector("#mailbox .subject")).stream().anyMatch(s -> s.getText().contains(orderId)));
            String mailbox = driver.findElement(By.id("mailbox")).getText();
            assertThat(mailbox).contains("frank@example.com");
            assertThat(driver.findElements(By.cssSelector("#mailbox iframe"))).isNotEmpty();
            assertThat(driver.findElement(By.id("queues")).getText()).contains("InventoryDeadLetterQueue");
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Path target = Path.of("target/console-screenshot.png");
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(target)).isGreaterThan(10_000);
        }
    }

    @Test
    void theIssuerPublishesItsKeys() throws Exception {
        HttpResponse<String> jwks = send(HttpRequest.newBuilder(uri("/_local/issuer/.well-known/jwks.json")));
        ObjectNode set = (ObjectNode) JSON.readTree(jwks.body());
        assertThat(set.path("keys").get(0).path("kid").asText()).isEqualTo(cloud.authority().kid());
        assertThat(set.path("keys").get(0).path("kty").asText()).isEqualTo("RSA");
    }
}
