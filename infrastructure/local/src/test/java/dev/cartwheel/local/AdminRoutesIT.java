package dev.cartwheel.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin routes over HTTP, through the local cloud's JWT authorizer, against the real admin.jar: an admin needs
 * the route's scope and the template's AdminGroup in cognito:groups; catalog edits need the product's ETag; stock
 * moves only through idempotent, ledgered adjustments that never take it below zero. On the shared local cloud.
 */
@ExtendWith(SharedLocalCloud.class)
class AdminRoutesIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static LocalCloud cloud;

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

    static HttpRequest.Builder put(String sku, String token, String body) {
        return HttpRequest.newBuilder(uri("/products/" + sku)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body));
    }

    static HttpRequest.Builder adjust(String sku, String token, String key, String body) {
        return HttpRequest.newBuilder(uri("/products/" + sku + "/stock-adjustments")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void anAdminRouteNeedsTheScopeAndTheAdminGroup_aScopeAloneIs403AndChangesNothing() throws Exception {
        String product = "{\"name\":\"Knock box\",\"price\":{\"amount\":900,\"currency\":\"USD\"}}";
        String sku = "KNOCK-BOX-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        // no order may be reserving cups while the test compares their stock before and after
        SharedLocalCloud.awaitQueuesDrained(cloud);
        long cupsBefore = JSON.readTree(send(HttpRequest.newBuilder(uri("/products/ESPRESSO-CUP"))).body()).path("available").asLong();
        // a storefront client that may ask for the admin scope, but a user outside the admin group
        String scopeOnly = cloud.token("mallory", "mallory@example.com", "orders/read orders/write orders/admin inventory/admin");
        String otherGroup = cloud.token("mallory", "mallory@example.com", "inventory/admin orders/admin", List.of("staff", "cartwheel-admins"));
        String admin = cloud.adminToken("ops", "ops@example.com", "inventory/admin");

        HttpResponse<String> byScope = send(put(sku, scopeOnly, product).header("If-None-Match", "*"));
        HttpResponse<String> byOtherGroup = send(put(sku, otherGroup, product).header("If-None-Match", "*"));
        HttpResponse<String> adjustByScope = send(adjust("ESPRESSO-CUP", scopeOnly, "key-" + UUID.randomUUID(),
                "{\"delta\":1000,\"reason\":\"free cups\"}"));
        HttpResponse<String> refundByScope = send(HttpRequest.newBuilder(uri("/orders/ord_00000000-0000-4000-8000-000000000001/refunds"))
                .header("Authorization", "Bearer " + scopeOnly).header("Content-Type", "application/json")
                .header("Idempotency-Key", "key-" + UUID.randomUUID())
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":{\"amount\":100,\"currency\":\"USD\"},\"reason\":\"x\"}")));
        HttpResponse<String> missing = send(HttpRequest.newBuilder(uri("/products/" + sku)));
        HttpResponse<String> cups = send(HttpRequest.newBuilder(uri("/products/ESPRESSO-CUP")));
        HttpResponse<String> byAdmin = send(put(sku, admin, product).header("If-None-Match", "*"));

        for (HttpResponse<String> refused : List.of(byScope, byOtherGroup, adjustByScope, refundByScope)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(refused.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(refused.body()).path("type").asText()).endsWith("/forbidden");
            assertThat(JSON.readTree(refused.body()).path("detail").asText()).contains("cartwheel-admin");
        }
        assertThat(missing.statusCode()).as("nothing was created").isEqualTo(404);
        assertThat(JSON.readTree(cups.body()).path("available").asLong()).as("no stock was added").isEqualTo(cupsBefore);
        assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(201);
    }

    @Test
    void aCatalogEditNeedsTheCurrentETag_andStockMovesOnlyThroughLedgeredAdjustments() throws Exception {
        String admin = cloud.adminToken("ops-7", "ops@example.com", "inventory/admin");
        String sku = "TAMPER-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String v1 = "{\"name\":\"Tamper\",\"price\":{\"amount\":3000,\"currency\":\"USD\"}}";
        String v2 = "{\"name\":\"Tamper, steel\",\"price\":{\"amount\":3200,\"currency\":\"USD\"},\"maxPerOrder\":2}";

        // created without stock, at ETag "1"
        HttpResponse<String> created = send(put(sku, admin, v1).header("If-None-Match", "*"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("etag")).hasValue("\"1\"");
        assertThat(JSON.readTree(created.body()).path("available").asLong()).isZero();
        assertThat(send(put(sku, admin, v1).header("If-None-Match", "*")).statusCode()).as("it exists").isEqualTo(412);

        // no If-Match: 428; the stock is not PUT's to set
        HttpResponse<String> blind = send(put(sku, admin, v2));
        assertThat(blind.statusCode()).isEqualTo(428);
        assertThat(JSON.readTree(blind.body()).path("type").asText()).endsWith("/precondition-required");
        HttpResponse<String> setsStock = send(put(sku, admin, "{\"name\":\"Tamper\",\"price\":{\"amount\":3000,\"currency\":\"USD\"},"
                + "\"available\":40}").header("If-Match", "\"1\""));
        assertThat(setsStock.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(setsStock.body()).path("field").asText()).isEqualTo("/available");

        // stock in: +10, replayed once, then -4; -7 would go below zero
        String key = "delivery-" + UUID.randomUUID();
        HttpResponse<String> in = send(adjust(sku, admin, key, "{\"delta\":10,\"reason\":\"delivery\"}"));
        HttpResponse<String> replay = send(adjust(sku, admin, key, "{\"delta\":10,\"reason\":\"delivery\"}"));
        HttpResponse<String> reused = send(adjust(sku, admin, key, "{\"delta\":11,\"reason\":\"delivery\"}"));
        HttpResponse<String> out = send(adjust(sku, admin, "breakage-" + UUID.randomUUID(), "{\"delta\":-4,\"reason\":\"broken\"}"));
        HttpResponse<String> tooMany = send(adjust(sku, admin, "loss-" + UUID.randomUUID(), "{\"delta\":-7,\"reason\":\"lost\"}"));
        HttpResponse<String> noKey = send(HttpRequest.newBuilder(uri("/products/" + sku + "/stock-adjustments"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"delta\":1,\"reason\":\"x\"}")));
        assertThat(in.statusCode()).as(in.body()).isEqualTo(201);
        assertThat(replay.statusCode()).isEqualTo(201);
        assertThat(replay.headers().firstValue("idempotent-replayed")).hasValue("true");
        assertThat(reused.statusCode()).isEqualTo(409);
        assertThat(out.statusCode()).as(out.body()).isEqualTo(201);
        assertThat(JSON.readTree(out.body()).path("product").path("available").asLong()).isEqualTo(6);
        assertThat(tooMany.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(tooMany.body()).path("type").asText()).endsWith("/insufficient-stock");
        assertThat(noKey.statusCode()).isEqualTo(400);

        // the stock changes did not move the ETag; the edit at "1" moves it to "2", a second edit at "1" is stale
        HttpResponse<String> read = send(HttpRequest.newBuilder(uri("/products/" + sku)));
        assertThat(read.headers().firstValue("etag")).hasValue("\"1\"");
        assertThat(JSON.readTree(read.body()).path("available").asLong()).isEqualTo(6);
        HttpResponse<String> edited = send(put(sku, admin, v2).header("If-Match", "\"1\""));
        HttpResponse<String> stale = send(put(sku, admin, v1).header("If-Match", "\"1\""));
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        assertThat(edited.headers().firstValue("etag")).hasValue("\"2\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        JsonNode now = JSON.readTree(send(HttpRequest.newBuilder(uri("/products/" + sku))).body());
        assertThat(now.path("name").asText()).isEqualTo("Tamper, steel");
        assertThat(now.path("maxPerOrder").asInt()).isEqualTo(2);
        assertThat(now.path("available").asLong()).as("the edit kept the stock").isEqualTo(6);

        // the ledger: who (the admin's sub, never an e-mail address), when, how many, why
        JsonNode ledger = JSON.readTree(send(HttpRequest.newBuilder(uri("/products/" + sku + "/stock-adjustments"))
                .header("Authorization", "Bearer " + admin)).body());
        assertThat(ledger.path("items").findValuesAsText("delta")).containsExactly("10", "-4");
        assertThat(ledger.path("items").findValuesAsText("actor")).containsOnly("ops-7");
        assertThat(ledger.toString()).doesNotContain("ops@example.com");
    }
}
