package dev.cartwheel.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local cloud started with {@code --parameter-overrides CaptureOn=fulfilment}: the real jars over HTTP hold the
 * payment until the warehouse records the shipment, then capture it, and the customer gets the confirmation at once
 * and the shipping notice when it ships.
 */
class CaptureOnFulfilmentIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of(System.getProperty("cartwheel.root", "../..")).toAbsolutePath().normalize();
    static final List<String> logs = new CopyOnWriteArrayList<>();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static LocalCloud cloud;

    /** A cloud of its own: CaptureOn is a template parameter, and every other test expects the default (capture at once). */
    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(LocalCloudConfig.defaults(ROOT.resolve("template.yaml")).withPort(0).withPrewarm(false)
                .withParameterOverrides(Map.of("CaptureOn", "fulfilment")).withFunctionLog(logs::add));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cloud != null) {
            cloud.close();
        }
        Files.write(Path.of("target/capture-on-fulfilment-it.log"), logs);
    }

    @Test
    void theOrderWaitsAuthorizedAndConfirmed_untilTheWarehouseShipsIt_thenItIsCapturedOnceAndFulfilled() throws Exception {
        // GIVEN an order placed through the API
        String customer = cloud.token("hana", "hana@example.com", "orders/read orders/write");
        String warehouse = cloud.adminToken("warehouse-1", "warehouse@example.com", "orders/read orders/admin");
        HttpResponse<String> placed = send(HttpRequest.newBuilder(uri("/orders")).header("Authorization", "Bearer " + customer)
                .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"items\":[{\"sku\":\"COFFEE-BEANS-1KG\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}")));
        String orderId = JSON.readTree(placed.body()).path("orderId").asText();

        // WHEN it has been authorized and confirmed, and the warehouse then ships it
        JsonNode waiting = awaitOrder(customer, orderId, "AUTHORIZED", mails -> mails.size() == 1);
        boolean capturedWhileWaiting = intent(orderId).path("amount_received").asLong() != 0;
        List<JsonNode> mailsWhileWaiting = mails(orderId);
        HttpResponse<String> fulfilment = send(HttpRequest.newBuilder(uri("/orders/" + orderId + "/fulfilment"))
                .header("Authorization", "Bearer " + warehouse).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"trackingNumber\":\"1Z999AA10123456784\"}")));
        JsonNode shipped = awaitOrder(customer, orderId, "FULFILLED", mails -> mails.size() == 2);

        // THEN
        assertThat(placed.statusCode()).isEqualTo(202);
        assertThat(waiting.path("capture").asText()).isEqualTo("fulfilment");
        assertThat(capturedWhileWaiting).as("nothing captured before the shipment").isFalse();
        assertThat(mailsWhileWaiting).singleElement().satisfies(m -> {
            assertThat(m.path("subject").asText()).isEqualTo("Your order is confirmed (" + orderId + ")");
            assertThat(m.path("text").asText()).contains("when your order ships");
        });
        assertThat(fulfilment.statusCode()).as(fulfilment.body()).isEqualTo(202);
        List<String> statuses = new ArrayList<>();
        shipped.path("history").forEach(h -> statuses.add(h.path("status").asText()));
        assertThat(statuses).containsExactly("PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED", "FULFILLED");
        assertThat(shipped.path("fulfilment").path("trackingNumber").asText()).isEqualTo("1Z999AA10123456784");
        assertThat(intent(orderId).path("amount_received").asLong()).as("captured once, the order's total")
                .isEqualTo(shipped.path("total").path("amount").asLong());
        assertThat(intent(orderId).path("status").asText()).isEqualTo("succeeded");
        SharedLocalCloud.awaitQueuesDrained(cloud); // every e-mail the order caused has been sent, a duplicate too
        assertThat(mails(orderId)).extracting(m -> m.path("subject").asText()).containsExactlyInAnyOrder(
                "Your order is confirmed (" + orderId + ")", "Your order is on its way (" + orderId + ")");
    }

    /** Stripe's PaymentIntent of the order, as Stripe has it now. */
    private static JsonNode intent(String orderId) {
        List<JsonNode> intents = cloud.paymentProvider().orElseThrow().simulator().paymentIntentsOfOrder(orderId);
        assertThat(intents).hasSize(1);
        return intents.getFirst();
    }

    private static List<JsonNode> mails(String orderId) {
        List<JsonNode> mails = new ArrayList<>();
        cloud.mail().forEach(m -> {
            if (DemoRun.mentions(m, orderId)) {
                mails.add(m);
            }
        });
        return mails;
    }

    /** Waits until the order is in {@code status} and its e-mails satisfy {@code mailsReady}. */
    private static JsonNode awaitOrder(String token, String orderId, String status,
                                       java.util.function.Predicate<List<JsonNode>> mailsReady) {
        return await("order " + orderId + " " + status + " with its e-mails").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> JSON.readTree(send(HttpRequest.newBuilder(uri("/orders/" + orderId))
                                .header("Authorization", "Bearer " + token)).body()),
                        order -> order.path("status").asText().equals(status) && mailsReady.test(mails(orderId)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return cloud.apiUrl().resolve(path);
    }
}
