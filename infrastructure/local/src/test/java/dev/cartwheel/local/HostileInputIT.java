package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.local.esm.SqsEventSourceMapping;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile input and auth against the real HTTP API of a running local cloud (the real template, the real function
 * jars): a table of bad requests, each with its status and a problem naming the offending field, then proof that
 * none of them wrote an order or an idempotency record, sent a message or an e-mail. Then the customer isolation:
 * another customer's order is 404, lists never mix customers, the customer id never comes from the body or a header.
 *
 * <p>On the shared local cloud; each test stands alone. Mallory sends the bad requests; Alice has two real orders
 * (so there is something to steal and an Idempotency-Key to reuse); Bob tries to read them.
 */
@ExtendWith(SharedLocalCloud.class)
class HostileInputIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROBLEMS = "https://cartwheel.dev/problems/";
    static final String GOOD_ITEMS = "[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1}]";
    static final String SHIPPING = "\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"";
    static final String GOOD = "{\"items\":" + GOOD_ITEMS + ",\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}";
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    static LocalCloud cloud;
    static String run;
    static String mallory;
    static String alice;
    static String bob;
    static String malloryToken;
    static String aliceToken;
    static String bobToken;
    static String aliceKey;
    static List<String> aliceOrders = new ArrayList<>();
    static String aliceCursor;

    /** What the table must leave untouched. */
    record Baseline(long orders, long idempotencyRecords, long inventoryMessages, int inventoryInvocations, int emails) {
    }

    @BeforeAll
    static void aliceHasTwoOrders(LocalCloud shared) throws Exception {
        cloud = shared;
        run = UUID.randomUUID().toString().substring(0, 8);
        mallory = "mallory-" + run;
        alice = "alice-" + run;
        bob = "bob-" + run;
        malloryToken = cloud.token(mallory, mallory + "@example.com", "orders/read orders/write");
        aliceToken = cloud.token(alice, alice + "@example.com", "orders/read orders/write");
        bobToken = cloud.token(bob, bob + "@example.com", "orders/read orders/write");

        // GIVEN Alice's two orders, finished
        aliceKey = "alice-key-" + UUID.randomUUID();
        aliceOrders.add(place(aliceToken, aliceKey, GOOD, Map.of()));
        aliceOrders.add(place(aliceToken, UUID.randomUUID().toString(),
                "{\"items\":[{\"sku\":\"MILK-JUG\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}", Map.of()));
        for (String id : aliceOrders) {
            awaitFinal(aliceToken, id);
        }
        JsonNode page = JSON.readTree(send(get("/orders?limit=1", aliceToken)).body());
        aliceCursor = page.path("nextCursor").asText(null);
        assertThat(aliceCursor).as("a cursor of Alice's, page 1 of 2: " + page).isNotBlank();
    }

    // ------------------------------------------------------------------ the table

    /**
     * One bad request and what the API must answer: {@code type} null for the gateway's own 401/403; {@code field} the
     * problem's field, or (problems without one, and "at /pointer" for bodies that are not JSON) text its detail holds.
     */
    record Case(String name, String method, String path, String token, Map<String, String> headers, byte[] body,
                int status, String type, String field) {

        boolean byGateway() {
            return type == null;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case post(String name, String body, int status, String type, String field) {
        return post(name, body.getBytes(StandardCharsets.UTF_8), status, type, field);
    }

    static Case post(String name, byte[] body, int status, String type, String field) {
        return new Case(name, "POST", "/orders", malloryToken, Map.of("Idempotency-Key", UUID.randomUUID().toString(),
                "Content-Type", "application/json"), body, status, type, field);
    }

    static Case with(Case c, String header, String value) {
        Map<String, String> h = new LinkedHashMap<>(c.headers());
        if (value == null) {
            h.remove(header);
        } else {
            h.put(header, value);
        }
        return new Case(c.name(), c.method(), c.path(), c.token(), h, c.body(), c.status(), c.type(), c.field());
    }

    static Case as(Case c, String token) {
        return new Case(c.name(), c.method(), c.path(), token, c.headers(), c.body(), c.status(), c.type(), c.field());
    }

    static Case getAs(String name, String path, String token, int status, String type, String field) {
        return new Case(name, "GET", path, token, Map.of(), null, status, type, field);
    }

    static final String ADDRESS = "{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\","
            + "\"postalCode\":\"62701\",\"country\":\"US\"}";
    /** A method an attacker would like: free, everywhere. */
    static final String FREE_EVERYWHERE = "{\"name\":\"Free\",\"zones\":[{\"name\":\"all\",\"countries\":[\"US\",\"BR\"],"
            + "\"price\":{\"amount\":0,\"currency\":\"USD\"}}],\"deliveryEstimate\":{\"minDays\":1,\"maxDays\":1}}";

    /** A good order to {@code address} (JSON) by {@code method} (JSON). */
    static String ship(String address, String method) {
        return "{\"items\":" + GOOD_ITEMS + ",\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":" + address
                + ",\"shippingMethod\":" + method + "}";
    }

    /** The good address with one field set to {@code rawJsonString} (JSON string content, escapes allowed). */
    static String address(String field, String rawJsonString) {
        ObjectNode node;
        try {
            node = (ObjectNode) JSON.readTree(ADDRESS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        StringBuilder out = new StringBuilder("{");
        java.util.Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        boolean replaced = false;
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String value = e.getKey().equals(field) ? rawJsonString : e.getValue().asText();
            replaced |= e.getKey().equals(field);
            out.append(out.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":\"").append(value).append('"');
        }
        if (!replaced) {
            out.append(",\"").append(field).append("\":\"").append(rawJsonString).append('"');
        }
        return out.append('}').toString();
    }

    static Case put(String name, String path, String token, String body, int status, String type, String field) {
        return new Case(name, body == null ? "GET" : "PUT", path, token, body == null ? Map.of() : Map.of("Content-Type", "application/json"),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), status, type, field);
    }

    static String order(String items, String paymentToken) {
        return "{\"items\":" + items + ",\"paymentToken\":" + paymentToken + "," + SHIPPING + "}";
    }

    static String item(String sku, String quantity) {
        return "[{\"sku\":" + sku + ",\"quantity\":" + quantity + "}]";
    }

    static byte[] concat(String a, byte[] middle, String b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(b.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static List<Case> cases() throws Exception {
        List<Case> t = new ArrayList<>();
        // ---- not JSON, or not an object
        t.add(post("truncated JSON", "{\"items\":[{\"sku\":\"ESPRESSO-CUP\"", 400, "malformed-json", "body"));
        t.add(post("not JSON at all", "items=ESPRESSO-CUP&quantity=1", 400, "malformed-json", "body"));
        t.add(post("empty body", "", 400, "malformed-json", "body"));
        t.add(post("a JSON array", "[" + GOOD + "]", 400, "malformed-json", "body"));
        t.add(post("JSON null", "null", 400, "malformed-json", "body"));
        t.add(post("a JSON string", "\"" + GOOD.replace("\"", "\\\"") + "\"", 400, "malformed-json", "body"));
        t.add(post("single quotes", GOOD.replace('"', '\''), 400, "malformed-json", "body"));
        t.add(post("a comment", "{/* free */\"items\":" + GOOD_ITEMS + ",\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}", 400, "malformed-json", "body"));
        t.add(post("two documents", GOOD + GOOD, 400, "malformed-json", "body"));
        t.add(post("NaN quantity", order(item("\"ESPRESSO-CUP\"", "NaN"), "\"pm_card_visa\""), 400, "malformed-json", "body"));
        t.add(post("items twice (duplicate key)", "{\"items\":[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1}],\"items\":"
                + item("\"LIMITED-GRINDER\"", "100") + ",\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}", 400, "malformed-json", "at /items"));
        // ---- wrong types
        t.add(post("quantity as a string", order(item("\"ESPRESSO-CUP\"", "\"2\""), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity as a float", order(item("\"ESPRESSO-CUP\"", "2.5"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity 1.0", order(item("\"ESPRESSO-CUP\"", "1.0"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity as a boolean", order(item("\"ESPRESSO-CUP\"", "true"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity null", order(item("\"ESPRESSO-CUP\"", "null"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity as an object", order(item("\"ESPRESSO-CUP\"", "{\"value\":1}"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("sku as a number", order(item("42", "1"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/sku"));
        t.add(post("sku null", order(item("null", "1"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/sku"));
        t.add(post("items as an object", order("{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1}", "\"pm_card_visa\""), 400, "invalid-field", "/items"));
        t.add(post("items as a string", order("\"ESPRESSO-CUP\"", "\"pm_card_visa\""), 400, "invalid-field", "/items"));
        t.add(post("items missing", "{\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}", 400, "invalid-field", "/items"));
        t.add(post("a line that is a string", order("[\"ESPRESSO-CUP\"]", "\"pm_card_visa\""), 400, "invalid-field", "/items/0"));
        t.add(post("a line that is null", order("[null]", "\"pm_card_visa\""), 400, "invalid-field", "/items/0"));
        t.add(post("paymentToken as a number", order(GOOD_ITEMS, "4242"), 400, "invalid-field", "/paymentToken"));
        t.add(post("paymentToken as an array", order(GOOD_ITEMS, "[\"pm_card_visa\"]"), 400, "invalid-field", "/paymentToken"));
        t.add(post("paymentToken missing", "{\"items\":" + GOOD_ITEMS + "}", 400, "invalid-field", "/paymentToken"));
        t.add(post("paymentToken with markup", order(GOOD_ITEMS, "\"<script>tok</script>\""), 400, "invalid-field", "/paymentToken"));
        // ---- huge numbers and out-of-range quantities
        t.add(post("quantity past int range", order(item("\"ESPRESSO-CUP\"", "2147483648"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity of 40 digits", order(item("\"ESPRESSO-CUP\"", "1" + "0".repeat(39)), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity 1e400", order(item("\"ESPRESSO-CUP\"", "1e400"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity -1", order(item("\"ESPRESSO-CUP\"", "-1"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity 0", order(item("\"ESPRESSO-CUP\"", "0"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity 101", order(item("\"ESPRESSO-CUP\"", "101"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        t.add(post("quantity -2147483648", order(item("\"ESPRESSO-CUP\"", "-2147483648"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/quantity"));
        // ---- lines
        t.add(post("no lines", order("[]", "\"pm_card_visa\""), 400, "invalid-field", "/items"));
        t.add(post("51 lines", order(IntStream.rangeClosed(1, 51).mapToObj(i -> "{\"sku\":\"SKU-" + i + "\",\"quantity\":1}")
                .collect(Collectors.joining(",", "[", "]")), "\"pm_card_visa\""), 400, "invalid-field", "/items"));
        t.add(post("the same sku twice", order("[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1},{\"sku\":\"ESPRESSO-CUP\",\"quantity\":2}]",
                "\"pm_card_visa\""), 400, "invalid-field", "/items/1/sku"));
        t.add(post("an unknown sku", order("[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1},{\"sku\":\"NOT-IN-CATALOG\",\"quantity\":1}]",
                "\"pm_card_visa\""), 422, "unknown-sku", "/items/1/sku"));
        t.add(post("17 KiB body", GOOD + " ".repeat(17 * 1024), 413, "body-too-large", "body"));
        // ---- fields the server sets
        t.add(post("a unit price", order("[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1,\"price\":{\"amount\":1,\"currency\":\"USD\"}}]",
                "\"pm_card_visa\""), 400, "unknown-field", "/items/0/price"));
        t.add(post("a price", GOOD.replace("{\"items\"", "{\"price\":1,\"items\""), 400, "unknown-field", "/price"));
        t.add(post("a total", GOOD.replace("{\"items\"", "{\"total\":{\"amount\":1,\"currency\":\"USD\"},\"items\""), 400, "unknown-field", "/total"));
        t.add(post("a status", GOOD.replace("{\"items\"", "{\"status\":\"PAID\",\"items\""), 400, "unknown-field", "/status"));
        t.add(post("a customerId", GOOD.replace("{\"items\"", "{\"customerId\":\"" + alice + "\",\"items\""), 400, "unknown-field", "/customerId"));
        t.add(post("an email", GOOD.replace("{\"items\"", "{\"email\":\"victim@example.com\",\"items\""), 400, "unknown-field", "/email"));
        t.add(post("an orderId", GOOD.replace("{\"items\"", "{\"orderId\":\"" + aliceOrders.getFirst() + "\",\"items\""), 400, "unknown-field", "/orderId"));
        // ---- the shipping address and method
        t.add(post("no shippingAddress", "{\"items\":" + GOOD_ITEMS + ",\"paymentToken\":\"pm_card_visa\",\"shippingMethod\":\"standard\"}",
                400, "invalid-field", "/shippingAddress"));
        t.add(post("shippingAddress as a string", ship("\"12 Main Street, Springfield\"", "\"standard\""), 400, "invalid-field", "/shippingAddress"));
        t.add(post("shippingAddress as an array", ship("[\"Ada\"]", "\"standard\""), 400, "invalid-field", "/shippingAddress"));
        t.add(post("a NUL in the name", ship(address("name", "Ada\\u0000Lovelace"), "\"standard\""), 400, "invalid-field", "/shippingAddress/name"));
        t.add(post("CR/LF and a header in the name", ship(address("name", "Ada\\r\\nBcc: everyone@example.com"), "\"standard\""), 400,
                "invalid-field", "/shippingAddress/name"));
        t.add(post("a bidi override in line1", ship(address("line1", "12 Main \u202eteertS"), "\"standard\""), 400, "invalid-field",
                "/shippingAddress/line1"));
        t.add(post("a zero-width space in the city", ship(address("city", "Spring\u200bfield"), "\"standard\""), 400, "invalid-field",
                "/shippingAddress/city"));
        t.add(post("an ESC in line2", ship(address("line2", "Flat \\u001b[31m2"), "\"standard\""), 400, "invalid-field", "/shippingAddress/line2"));
        t.add(post("a name of 101 letters", ship(address("name", "\u00e9".repeat(101)), "\"standard\""), 400, "invalid-field",
                "/shippingAddress/name"));
        t.add(post("a city of 65 letters", ship(address("city", "x".repeat(65)), "\"standard\""), 400, "invalid-field", "/shippingAddress/city"));
        t.add(post("a line1 of 15000 characters", ship(address("line1", "x".repeat(15_000)), "\"standard\""), 400, "invalid-field",
                "/shippingAddress/line1"));
        t.add(post("a blank line1", ship(address("line1", "   "), "\"standard\""), 400, "invalid-field", "/shippingAddress/line1"));
        t.add(post("a US postal code of letters", ship(address("postalCode", "ABCDE"), "\"standard\""), 400, "invalid-field",
                "/shippingAddress/postalCode"));
        t.add(post("a postal code with markup", ship(address("postalCode", "<b>62701</b>"), "\"standard\""), 400, "invalid-field",
                "/shippingAddress/postalCode"));
        t.add(post("a country in lower case", ship(address("country", "us"), "\"standard\""), 400, "invalid-field", "/shippingAddress/country"));
        t.add(post("a country that does not exist", ship(address("country", "XX"), "\"standard\""), 400, "invalid-field",
                "/shippingAddress/country"));
        t.add(post("a country as a number", ship(ADDRESS.replace("\"country\":\"US\"", "\"country\":840"), "\"standard\""), 400,
                "invalid-field", "/shippingAddress/country"));
        t.add(post("a country the shop does not ship to", ship(ADDRESS.replace("\"postalCode\":\"62701\",\"country\":\"US\"",
                "\"postalCode\":\"01310-100\",\"country\":\"BR\""), "\"standard\""), 400, "not-shipped-to", "/shippingAddress/country"));
        t.add(post("a phone with letters", ship(address("phone", "call me maybe"), "\"standard\""), 400, "invalid-field", "/shippingAddress/phone"));
        t.add(post("an unknown address field", ship(ADDRESS.replace("{\"name\"", "{\"zip\":\"62701\",\"name\""), "\"standard\""), 400,
                "unknown-field", "/shippingAddress/zip"));
        t.add(post("a customerId in the address", ship(ADDRESS.replace("{\"name\"", "{\"customerId\":\"" + alice + "\",\"name\""),
                "\"standard\""), 400, "unknown-field", "/shippingAddress/customerId"));
        t.add(post("no shippingMethod", "{\"items\":" + GOOD_ITEMS + ",\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":" + ADDRESS + "}",
                400, "invalid-field", "/shippingMethod"));
        t.add(post("an unknown shippingMethod", ship(ADDRESS, "\"teleport\""), 400, "unknown-shipping-method", "/shippingMethod"));
        t.add(post("a method that does not go there", ship(ADDRESS.replace("\"postalCode\":\"62701\",\"country\":\"US\"",
                "\"postalCode\":\"2000\",\"country\":\"AU\""), "\"standard\""), 400, "unknown-shipping-method", "/shippingMethod"));
        t.add(post("a shippingMethod with markup", ship(ADDRESS, "\"<script>standard</script>\""), 400, "invalid-field", "/shippingMethod"));
        t.add(post("a shippingMethod as a number", ship(ADDRESS, "1"), 400, "invalid-field", "/shippingMethod"));
        t.add(post("a shippingMethod as an object", ship(ADDRESS, "{\"id\":\"standard\",\"price\":0}"), 400, "invalid-field", "/shippingMethod"));
        t.add(post("a shipping price", GOOD.replace("{\"items\"", "{\"shipping\":{\"amount\":0,\"currency\":\"USD\"},\"items\""), 400,
                "unknown-field", "/shipping"));
        t.add(post("a tax", GOOD.replace("{\"items\"", "{\"tax\":{\"amount\":0,\"currency\":\"USD\"},\"items\""), 400,
                "unknown-field", "/tax"));
        // ---- the admin routes of shipping, tax and the fulfilment queue, with a customer's token or none
        t.add(getAs("a customer reads the fulfilment queue", "/admin/orders?status=CONFIRMED", malloryToken, 403, null, null));
        t.add(getAs("no token on the fulfilment queue", "/admin/orders?status=CONFIRMED", null, 401, null, null));
        t.add(put("a customer sets a shipping method", "/shipping-methods/standard", malloryToken, FREE_EVERYWHERE, 403, null, null));
        t.add(put("no token on a shipping method", "/shipping-methods/standard", null, FREE_EVERYWHERE, 401, null, null));
        t.add(put("a customer sets a tax rate", "/tax-rates/US", malloryToken, "{\"standard\":\"0\"}", 403, null, null));
        t.add(put("no token on a tax rate", "/tax-rates/US", null, "{\"standard\":\"0\"}", 401, null, null));
        t.add(put("an orders admin sets a tax rate", "/tax-rates/US", cloud.token(mallory, mallory + "@example.com", "orders/admin"),
                "{\"standard\":\"0\"}", 403, null, null));
        // the scope passes API Gateway; AdminFunction refuses a caller outside the admin group
        t.add(put("an inventory admin outside the admin group sets a tax rate", "/tax-rates/US",
                cloud.token(mallory, mallory + "@example.com", "inventory/admin"), "{\"standard\":\"0\"}", 403, "forbidden",
                "cartwheel-admin"));
        t.add(getAs("an orders admin outside the admin group reads the queue", "/admin/orders?status=CONFIRMED",
                cloud.token(mallory, mallory + "@example.com", "orders/read orders/admin"), 403, "forbidden", "cartwheel-admin"));
        t.add(put("an inventory admin reads the queue", "/admin/orders?status=CONFIRMED",
                cloud.token(mallory, mallory + "@example.com", "inventory/admin"), null, 403, null, null));
        t.add(getAs("shipping methods to a country that does not exist", "/shipping-methods?country=XX", null, 400, "invalid-field", "country"));
        t.add(getAs("shipping methods without a country", "/shipping-methods", null, 400, "invalid-field", "country"));
        // ---- card data
        t.add(post("a cardNumber field", GOOD.replace("{\"items\"", "{\"cardNumber\":\"4242424242424242\",\"items\""), 400,
                "card-data-rejected", "/cardNumber"));
        t.add(post("a cvc field", GOOD.replace("{\"items\"", "{\"cvc\":\"123\",\"items\""), 400, "card-data-rejected", "/cvc"));
        t.add(post("a card number as the token", order(GOOD_ITEMS, "\"4242 4242 4242 4242\""), 400, "card-data-rejected", "/paymentToken"));
        // ---- the token's email claim reaches an e-mail header
        t.add(as(post("CR/LF in the email claim", GOOD, 400, "missing-claim", "email"),
                token(mallory, mallory + "@example.com\r\nBcc: everyone@example.com")));
        t.add(as(post("LF in the email claim", GOOD, 400, "missing-claim", "email"),
                token(mallory, "mallory\n@example.com")));
        t.add(as(post("NUL in the email claim", GOOD, 400, "missing-claim", "email"),
                token(mallory, mallory + "@example.com\u0000.evil.example")));
        t.add(as(post("no email claim", GOOD, 400, "missing-claim", "email"), token(mallory, null)));
        t.add(as(post("two addresses in the email claim", GOOD, 400, "missing-claim", "email"),
                token(mallory, mallory + "@example.com,everyone@example.com")));
        // ---- Idempotency-Key
        t.add(with(post("no Idempotency-Key", GOOD, 400, "missing-header", "Idempotency-Key"), "Idempotency-Key", null));
        t.add(with(post("Idempotency-Key of 7 characters", GOOD, 400, "invalid-header", "Idempotency-Key"), "Idempotency-Key", "abcdefg"));
        t.add(with(post("Idempotency-Key of 256 characters", GOOD, 400, "invalid-header", "Idempotency-Key"), "Idempotency-Key", "k".repeat(256)));
        t.add(with(post("Idempotency-Key with spaces", GOOD, 400, "invalid-header", "Idempotency-Key"), "Idempotency-Key", "key with spaces"));
        t.add(with(post("Idempotency-Key not ASCII", GOOD, 400, "invalid-header", "Idempotency-Key"), "Idempotency-Key", "schl\u00fcssel-12345"));
        t.add(as(with(post("Alice's Idempotency-Key reused with another body", order(item("\"ESPRESSO-CUP\"", "2"), "\"pm_card_visa\""),
                409, "idempotency-key-reused", "Idempotency-Key"), "Idempotency-Key", aliceKey), aliceToken));
        // ---- nesting
        t.add(post("items nested 20 arrays deep", order("[".repeat(20) + "]".repeat(20), "\"pm_card_visa\""), 400, "malformed-json",
                "at /items/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0"));
        t.add(post("an unknown field nested 1000 objects deep", "{\"x\":" + "{\"x\":".repeat(999) + "1" + "}".repeat(1000),
                400, "malformed-json", "at /x/x/x/x/x/x/x/x/x/x/x/x/x/x/x"));
        // ---- unicode
        t.add(post("sku with an accented letter", order(item("\"\u00c9SPRESSO-CUP\"", "1"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/sku"));
        t.add(post("sku with a right-to-left override", order(item("\"\u202ePUC-OSSERPSE\"", "1"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/sku"));
        t.add(post("sku with an emoji", order(item("\"\u2615-CUP\"", "1"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/sku"));
        t.add(post("sku in full-width letters", order(item("\"\uff25\uff33\uff30\uff32\uff25\uff33\uff33\uff2f-\uff23\uff35\uff30\"", "1"),
                "\"pm_card_visa\""), 400, "invalid-field", "/items/0/sku"));
        t.add(post("sku with a zero-width space", order(item("\"ESPRESSO\u200b-CUP\"", "1"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/sku"));
        t.add(post("sku with an escaped lone surrogate", order(item("\"ESPRESSO-\\ud800\"", "1"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/sku"));
        t.add(post("sku with an overlong UTF-8 slash", concat("{\"items\":[{\"sku\":\"ESPRESSO", new byte[] {(byte) 0xC0, (byte) 0xAF},
                "CUP\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}"), 400, "invalid-field", "/items/0/sku"));
        t.add(post("sku of 33 characters", order(item("\"" + "A".repeat(33) + "\"", "1"), "\"pm_card_visa\""), 400, "invalid-field", "/items/0/sku"));
        t.add(post("paymentToken with a NUL", order(GOOD_ITEMS, "\"pm_card_visa\\u0000\""), 400, "invalid-field", "/paymentToken"));
        t.add(post("items spelt with a Cyrillic i", "{\"\u0456tems\":" + GOOD_ITEMS + ",\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}", 400,
                "unknown-field", "/\u0456tems"));
        // ---- tokens the authorizer refuses before anything runs
        t.add(as(post("alg none token", GOOD, 401, null, null), algNone(claims(mallory))));
        t.add(as(post("HS256 token keyed with the public key", GOOD, 401, null, null), hs256(claims(mallory))));
        t.add(as(post("token with Alice as sub and Mallory's signature", GOOD, 401, null, null),
                swapPayload(malloryToken, claims(alice))));
        t.add(as(post("token without signature", GOOD, 401, null, null), malloryToken.substring(0, malloryToken.lastIndexOf('.') + 1)));
        t.add(new Case("token in the query string", "POST", "/orders?access_token=" + malloryToken, null,
                Map.of("Idempotency-Key", UUID.randomUUID().toString(), "Content-Type", "application/json"),
                GOOD.getBytes(StandardCharsets.UTF_8), 401, null, null));
        t.add(as(post("a read-only token", GOOD, 403, null, null), cloud.token(mallory, mallory + "@example.com", "orders/read")));
        // ---- other customers' orders
        t.add(getAs("Bob reads Alice's order", "/orders/" + aliceOrders.getFirst(), bobToken, 404, "not-found", aliceOrders.getFirst()));
        t.add(getAs("Mallory reads Alice's order", "/orders/" + aliceOrders.get(1), malloryToken, 404, "not-found", aliceOrders.get(1)));
        t.add(getAs("Bob pages with Alice's cursor", "/orders?limit=1&cursor=" + java.net.URLEncoder.encode(aliceCursor, StandardCharsets.UTF_8),
                bobToken, 400, "invalid-cursor", "cursor"));
        t.add(getAs("an order id with a quote", "/orders/ord_'%20OR%20'1'='1", bobToken, 404, "not-found", "ord_' OR '1'='1"));
        t.add(getAs("limit 0", "/orders?limit=0", malloryToken, 400, "invalid-field", "limit"));
        t.add(getAs("limit 1000", "/orders?limit=1000", malloryToken, 400, "invalid-field", "limit"));
        t.add(getAs("limit not a number", "/orders?limit=ten", malloryToken, 400, "invalid-field", "limit"));
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBadRequestGetsItsStatusAndAProblemNamingTheField(Case c) throws Exception {
        // GIVEN
        var checkout = cloud.lambda().pool("CheckoutFunction");
        int invocations = checkout.invocations();
        // WHEN
        RawResponse r = send(c);
        // THEN
        assertThat(r.statusCode()).as(c.name() + ": " + r.body()).isEqualTo(c.status());
        String contentType = r.contentType();
        if (c.byGateway()) {
            assertThat(contentType).isEqualTo("application/json");
            assertThat(r.body()).isEqualTo(c.status() == 401 ? "{\"message\":\"Unauthorized\"}" : "{\"message\":\"Forbidden\"}");
            assertThat(checkout.invocations()).as("the function must not run").isEqualTo(invocations);
            return;
        }
        assertThat(contentType).as(c.name()).isEqualTo("application/problem+json");
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.path("type").asText()).as(c.name() + ": " + p).isEqualTo(PROBLEMS + c.type());
        assertThat(p.path("title").asText()).as(c.name()).isNotBlank();
        assertThat(p.path("status").asInt()).as(c.name()).isEqualTo(c.status());
        assertThat(p.path("detail").asText()).as(c.name()).isNotBlank();
        if (c.field().startsWith("at ")) {
            // not JSON: the problem is the body's, its detail says where the document breaks
            assertThat(p.path("field").asText()).as(c.name() + ": " + p).isEqualTo("body");
            assertThat(p.path("detail").asText()).as(c.name() + ": " + p).contains(c.field());
        } else if (p.has("field")) {
            assertThat(p.path("field").asText()).as(c.name() + ": " + p).isEqualTo(c.field());
        } else {
            assertThat(p.path("detail").asText()).as(c.name() + ": " + p).contains(c.field());
        }
        // a problem never echoes card data or an injected header
        assertThat(r.body()).doesNotContain("4242424242424242", "4242 4242 4242 4242", "Bcc:", "\\r\\n");
    }

    @Test
    void theBadRequestsWroteNothingAndSentNothing() throws Exception {
        // GIVEN a quiet cloud: nothing in flight, and what it holds now
        SharedLocalCloud.awaitQueuesDrained(cloud);
        Baseline before = baseline();

        // WHEN every bad request of the table is sent, and refused
        for (Case c : cases()) {
            assertThat(send(c).statusCode()).as(c.name()).isEqualTo(c.status());
        }
        // and anything they might have sent has been handled
        SharedLocalCloud.awaitQueuesDrained(cloud);

        // THEN no order and no idempotency record for Mallory, through the API and in DynamoDB
        JsonNode list = JSON.readTree(send(get("/orders", malloryToken)).body());
        assertThat(list.path("items")).as(list.toString()).isEmpty();
        String ordersTable = cloud.provisioned().tableName("OrdersTable");
        int mallorysOrders = cloud.dynamoDb().query(q -> q.tableName(ordersTable).indexName("byCustomer")
                .keyConditionExpression("customerId = :c").expressionAttributeValues(Map.of(":c", AttributeValue.fromS(mallory)))).count();
        assertThat(mallorysOrders).isZero();
        List<Map<String, AttributeValue>> records = scan("IdempotencyTable");
        assertThat(records).noneMatch(i -> i.toString().contains(mallory));
        assertThat(scan("OrdersTable")).noneMatch(i -> i.toString().contains(mallory) || i.toString().contains("victim@")
                || i.toString().contains("everyone@"));
        Baseline after = baseline();
        assertThat(after.orders()).as("orders table").isEqualTo(before.orders());
        assertThat(after.idempotencyRecords()).as("idempotency table").isEqualTo(before.idempotencyRecords());
        // AND Alice still has exactly her two orders (the reused key created nothing)
        JsonNode alices = JSON.readTree(send(get("/orders", aliceToken)).body()).path("items");
        assertThat(alices.findValuesAsText("orderId")).containsExactlyInAnyOrderElementsOf(aliceOrders);

        // AND nothing reached the inventory queue: not waiting in it, not in flight, not consumed since the baseline
        var depth = cloud.sqs().getQueueAttributes(r -> r.queueUrl(cloud.provisioned().queueUrl("InventoryQueue"))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        assertThat(depth.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).isEqualTo("0");
        assertThat(depth.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).isEqualTo("0");
        assertThat(after.inventoryMessages()).as("messages the inventory mapping consumed").isEqualTo(before.inventoryMessages());
        assertThat(after.inventoryInvocations()).as("InventoryFunction invocations").isEqualTo(before.inventoryInvocations());

        // AND no e-mail: the SES capture endpoint holds nothing new, nothing for Mallory or an injected address
        JsonNode captured = captured();
        assertThat(captured.size()).isEqualTo(before.emails());
        assertThat(captured.toString()).doesNotContain(mallory, "everyone@example.com", "evil.example");
    }

    // ------------------------------------------------------------------ isolation

    @Test
    void anotherCustomersOrderIsNotFoundExactlyLikeAnOrderThatDoesNotExist() throws Exception {
        // WHEN
        HttpResponse<String> stolen = send(get("/orders/" + aliceOrders.getFirst(), bobToken));
        String missingId = "ord_" + UUID.randomUUID();
        HttpResponse<String> missing = send(get("/orders/" + missingId, bobToken));
        // THEN the two answers differ only by the id asked for
        assertThat(stolen.statusCode()).isEqualTo(404);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(stolen.body().replace(aliceOrders.getFirst(), "ID")).isEqualTo(missing.body().replace(missingId, "ID"));
        assertThat(stolen.body()).doesNotContain(alice, "ESPRESSO", "CONFIRMED");
        // AND Alice does see it
        assertThat(send(get("/orders/" + aliceOrders.getFirst(), aliceToken)).statusCode()).isEqualTo(200);
    }

    @Test
    void theCustomerIsTheTokensSubjectNeverAHeaderOrTheQuery() throws Exception {
        // WHEN Bob places an order claiming to be Alice in headers and the query string
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/orders?customerId=" + alice + "&sub=" + alice))
                .header("Authorization", "Bearer " + bobToken).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("X-Customer-Id", alice).header("X-Amzn-Oidc-Identity", alice).header("X-User", alice)
                .header("X-Forwarded-User", alice).header("From", alice + "@example.com")
                .POST(HttpRequest.BodyPublishers.ofString(GOOD)));
        // THEN the order is Bob's
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String bobsOrder = JSON.readTree(r.body()).path("orderId").asText();
        assertThat(send(get("/orders/" + bobsOrder, bobToken)).statusCode()).isEqualTo(200);
        assertThat(send(get("/orders/" + bobsOrder, aliceToken)).statusCode()).isEqualTo(404);
        var item = cloud.dynamoDb().getItem(g -> g.tableName(cloud.provisioned().tableName("OrdersTable"))
                .key(Map.of("orderId", AttributeValue.fromS(bobsOrder))).consistentRead(true)).item();
        assertThat(item.get("customerId").s()).isEqualTo(bob);
        assertThat(item.get("email").s()).isEqualTo(bob + "@example.com");

        // AND each customer's list holds exactly their own orders, whatever the query says
        assertThat(orderIds(send(get("/orders?customerId=" + alice, bobToken)))).containsExactly(bobsOrder);
        assertThat(orderIds(send(get("/orders?limit=100", aliceToken)))).containsExactlyInAnyOrderElementsOf(aliceOrders);
        assertThat(orderIds(send(get("/orders?customerId=" + bob, malloryToken)))).isEmpty();
        // AND Alice's second page (her cursor, her token) is hers too
        assertThat(orderIds(send(get("/orders?limit=1&cursor=" + java.net.URLEncoder.encode(aliceCursor, StandardCharsets.UTF_8),
                aliceToken)))).hasSize(1).isSubsetOf(aliceOrders);
    }

    // ------------------------------------------------------------------ helpers

    static List<String> orderIds(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("items").findValuesAsText("orderId");
    }

    static Baseline baseline() throws Exception {
        SqsEventSourceMapping inventory = cloud.mappings().stream().filter(m -> m.functionName().equals("InventoryFunction"))
                .findFirst().orElseThrow();
        return new Baseline(scan("OrdersTable").size(), scan("IdempotencyTable").size(),
                inventory.deletedMessages() + inventory.failedMessages(),
                cloud.lambda().pool("InventoryFunction").invocations(), captured().size());
    }

    static List<Map<String, AttributeValue>> scan(String logicalId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        cloud.dynamoDb().scanPaginator(s -> s.tableName(cloud.provisioned().tableName(logicalId)).consistentRead(true))
                .items().forEach(items::add);
        return items;
    }

    /** The SES capture server's {@code GET /_captured}: every e-mail the functions sent. */
    static JsonNode captured() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(cloud.endpoints().ses().resolve("/_captured")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode all = JSON.readTree(r.body());
        assertThat(all.isArray()).isTrue();
        return all;
    }

    static URI uri(String path) {
        return cloud.apiUrl().resolve(path);
    }

    static HttpRequest.Builder get(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer to a request sent over a raw socket. */
    record RawResponse(int statusCode, String contentType, String body) {
    }

    /**
     * Sends a case as a well-behaved client would: a request the stage's throttle refused (429 {@code throttled},
     * answered before the authorizer or the function run, so nothing happened) is sent again after its Retry-After.
     * The table is more POSTs than the route's burst; the throttle itself is EdgeDefencesIT's.
     */
    static RawResponse send(Case c) throws Exception {
        for (int attempt = 1; ; attempt++) {
            RawResponse r = sendOnce(c);
            if (r.statusCode() != 429 || !r.body().contains(PROBLEMS + "throttled") || attempt == 5) {
                return r;
            }
            Thread.sleep(1_000);
        }
    }

    static RawResponse sendOnce(Case c) throws Exception {
        boolean nonAscii = c.headers().values().stream().anyMatch(v -> v.chars().anyMatch(ch -> ch > 0x7E));
        if (nonAscii) {
            return sendRaw(c);
        }
        HttpResponse<String> r = sendWithClient(c);
        return new RawResponse(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
    }

    /**
     * Java's HttpClient writes a header value's non-ASCII characters as '?': a raw HTTP/1.1 request sends them as the
     * UTF-8 bytes a real client would.
     */
    static RawResponse sendRaw(Case c) throws Exception {
        byte[] body = c.body() == null ? new byte[0] : c.body();
        StringBuilder head = new StringBuilder(c.method() + " " + c.path() + " HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(cloud.apiUrl().getPort()).append("\r\n")
                .append("Connection: close\r\n").append("Content-Length: ").append(body.length).append("\r\n");
        if (c.token() != null) {
            head.append("Authorization: Bearer ").append(c.token()).append("\r\n");
        }
        c.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", cloud.apiUrl().getPort())) {
            socket.setSoTimeout(60_000);
            var out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = response.indexOf("\r\n\r\n");
            String[] lines = response.substring(0, split).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String contentType = java.util.Arrays.stream(lines).filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:"))
                    .map(l -> l.substring("content-type:".length()).trim()).findFirst().orElse("");
            return new RawResponse(status, contentType, response.substring(split + 4));
        }
    }

    static HttpResponse<String> sendWithClient(Case c) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(c.path()));
        if (c.token() != null) {
            b.header("Authorization", "Bearer " + c.token());
        }
        c.headers().forEach(b::header);
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        return send(b);
    }

    static String place(String token, String key, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/orders")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<String> r = send(b);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).path("orderId").asText();
    }

    static void awaitFinal(String token, String orderId) {
        JsonNode order = await("order " + orderId + " in a final status").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(send(get("/orders/" + orderId, token)).body()),
                        o -> DemoRun.FINAL.contains(o.path("status").asText()));
        assertThat(order.path("status").asText()).isEqualTo("CONFIRMED");
    }

    // ------------------------------------------------------------------ tokens

    static Map<String, Object> claims(String subject) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", subject);
        c.put("email", subject + "@example.com");
        c.put("scope", "orders/read orders/write");
        c.put("iss", cloud.issuer());
        c.put("aud", cloud.audience());
        c.put("iat", now);
        c.put("exp", now + 3600);
        return c;
    }

    /** A token the local issuer really signed, with this email claim (none if null). */
    static String token(String subject, String email) {
        Map<String, Object> c = claims(subject);
        if (email == null) {
            c.remove("email");
        } else {
            c.put("email", email);
        }
        return cloud.authority().sign(c);
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String algNone(Map<String, Object> claims) throws Exception {
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(JSON.writeValueAsString(claims)) + ".";
    }

    /** The classic key confusion: HMAC over the token keyed with the issuer's public key (its JWKS). */
    static String hs256(Map<String, Object> claims) throws Exception {
        ObjectNode header = JSON.createObjectNode().put("alg", "HS256").put("typ", "JWT").put("kid", cloud.authority().kid());
        String signingInput = b64(header.toString()) + "." + b64(JSON.writeValueAsString(claims));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(cloud.authority().jwks().toString().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    static String swapPayload(String token, Map<String, Object> claims) throws Exception {
        String[] parts = token.split("\\.");
        return parts[0] + "." + b64(JSON.writeValueAsString(claims)) + "." + parts[2];
    }
}
