package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartwheel.local.api.HttpApiGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge defences of issue 12 over HTTP, against the real template and function jars in a local cloud:
 * the template's route throttles as API Gateway applies them (item 3: 429 problem+json with Retry-After, before the
 * authorizer and the function, a bucket per route), and the console's own defences (item 12: Host allow-list against
 * DNS rebinding, same-origin POSTs only, no Authorization header in what it records).
 *
 * <p>The limits are made small through parameter overrides, with a rate so low (one token per 1000 s) that no bucket
 * refills while the test runs: the counts below do not depend on timing.
 */
class EdgeDefencesIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of(System.getProperty("cartwheel.root", "../..")).toAbsolutePath().normalize();
    static final String PROBLEMS = "https://cartwheel.dev/problems/";
    static final List<String> logs = new CopyOnWriteArrayList<>();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static LocalCloud cloud;

    /**
     * A cloud of its own: its route limits are so small that every other test sharing it would be throttled (429)
     * after a few requests.
     */
    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(LocalCloudConfig.defaults(ROOT.resolve("template.yaml")).withPort(0).withPrewarm(false)
                .withFunctionLog(logs::add).withParameterOverrides(Map.of(
                        "ApiThrottlingBurstLimit", "3", "ApiThrottlingRateLimit", "0.001",
                        "ProductsThrottlingBurstLimit", "2", "ProductsThrottlingRateLimit", "0.001",
                        "WebhookThrottlingBurstLimit", "1", "WebhookThrottlingRateLimit", "0.001")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cloud != null) {
            cloud.close();
        }
        Files.write(Path.of("target/edge-defences-it.log"), logs);
    }

    static URI uri(String path) {
        return cloud.apiUrl().resolve(path);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertThrottled(HttpResponse<String> r, String routeKey) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        long retryAfter = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 3600L);
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.path("type").asText()).isEqualTo(PROBLEMS + "throttled");
        assertThat(problem.path("status").asInt()).isEqualTo(429);
        assertThat(problem.path("detail").asText()).contains(routeKey);
    }

    // ------------------------------------------------------------------ item 3: route throttles

    @Test
    void thePublicProductsRoute_isThrottledByItsOwnTighterRouteSettings_andAThrottledRequestNeverReachesTheFunction()
            throws Exception {
        int before = cloud.lambda().pool("CatalogFunction").invocations();
        // its own burst is 2, tighter than the default 3
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> ok = send(HttpRequest.newBuilder(uri("/products")).GET());
            assertThat(ok.statusCode()).as("request " + (i + 1) + ": " + ok.body()).isEqualTo(200);
        }
        assertThrottled(send(HttpRequest.newBuilder(uri("/products")).GET()), "GET /products");
        assertThrottled(send(HttpRequest.newBuilder(uri("/products")).GET()), "GET /products");
        assertThat(cloud.lambda().pool("CatalogFunction").invocations()).isEqualTo(before + 2);
        assertThat(cloud.gateway().throttledCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theWebhookRoute_isThrottledByItsOwnRouteSettings() throws Exception {
        HttpRequest.Builder garbage = HttpRequest.newBuilder(uri("/webhooks/payments")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"not\":\"signed\"}"));
        HttpResponse<String> first = send(garbage);
        assertThat(first.statusCode()).as(first.body()).isBetween(400, 401);
        assertThrottled(send(garbage), "POST /webhooks/payments");
    }

    @Test
    void everyOtherRoute_hasADefaultBucketOfItsOwn_andTheThrottleComesBeforeTheAuthorizer() throws Exception {
        String token = cloud.token("thea", "thea@example.com", "orders/read orders/write");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> ok = send(HttpRequest.newBuilder(uri("/orders")).header("Authorization", "Bearer " + token));
            assertThat(ok.statusCode()).as("request " + (i + 1) + ": " + ok.body()).isEqualTo(200);
        }
        assertThrottled(send(HttpRequest.newBuilder(uri("/orders")).header("Authorization", "Bearer " + token)), "GET /orders");
        // without a token too: a flood of unauthenticated requests is refused before the authorizer works on it
        assertThrottled(send(HttpRequest.newBuilder(uri("/orders"))), "GET /orders");
        // another route has a bucket of its own
        HttpResponse<String> other = send(HttpRequest.newBuilder(uri("/orders/ord_none")).header("Authorization", "Bearer " + token));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ item 12: the console

    @Test
    void theConsole_answersOnlyLoopbackHosts() throws Exception {
        int port = cloud.gateway().port();
        assertThat(rawStatus("GET", "/_local/api/functions", Map.of("Host", "127.0.0.1:" + port))).isEqualTo(200);
        assertThat(rawStatus("GET", "/_local/api/functions", Map.of("Host", "localhost:" + port))).isEqualTo(200);
        assertThat(rawStatus("GET", "/_local/api/functions", Map.of("Host", "localhost"))).isEqualTo(200);
        // DNS rebinding: a page of evil.example, its name now resolving to 127.0.0.1, still sends its own Host
        assertThat(rawStatus("GET", "/_local/api/functions", Map.of("Host", "evil.example:" + port))).isEqualTo(403);
        assertThat(rawStatus("GET", "/_local/", Map.of("Host", "evil.example"))).isEqualTo(403);
        assertThat(rawStatus("GET", "/_local/api/orders", Map.of("Host", "127.0.0.1.evil.example:" + port))).isEqualTo(403);
        assertThat(rawStatus("GET", "/_local/api/orders", Map.of("Host", "localhost:80@evil.example"))).isEqualTo(403);
    }

    @Test
    void theConsole_refusesCrossOriginRedrives_andARefusedOneMovesNothing() throws Exception {
        String dlq = cloud.provisioned().name("EmailDeadLetterQueue");
        String dlqUrl = cloud.provisioned().queueUrl("EmailDeadLetterQueue");
        cloud.sqs().sendMessage(r -> r.queueUrl(dlqUrl).messageBody("{\"parked\":\"by EdgeDefencesIT\"}"));
        URI redrive = uri("/_local/api/queues/" + dlq + "/redrive");
        String self = "http://127.0.0.1:" + cloud.gateway().port();

        HttpResponse<String> crossOrigin = send(HttpRequest.newBuilder(redrive).header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(crossOrigin.statusCode()).as(crossOrigin.body()).isEqualTo(403);
        assertThat(crossOrigin.headers().firstValue("content-type")).hasValue("application/problem+json");
        HttpResponse<String> crossSite = send(HttpRequest.newBuilder(redrive).header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(crossSite.statusCode()).as(crossSite.body()).isEqualTo(403);
        HttpResponse<String> nullOrigin = send(HttpRequest.newBuilder(redrive).header("Origin", "null")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(nullOrigin.statusCode()).as(nullOrigin.body()).isEqualTo(403);
        HttpResponse<String> otherPort = send(HttpRequest.newBuilder(redrive).header("Origin", "http://127.0.0.1:1")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(otherPort.statusCode()).as(otherPort.body()).isEqualTo(403);
        assertThat(visible(dlqUrl)).as("the refused redrives moved nothing").isEqualTo(1);

        // the console's own page: same origin
        HttpResponse<String> own = send(HttpRequest.newBuilder(redrive).header("Origin", self).header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(JSON.readTree(own.body()).path("moved").asInt()).isEqualTo(1);
        assertThat(visible(dlqUrl)).isZero();
    }

    @Test
    void theEventsTheConsoleShows_carryNoAuthorizationHeader() throws Exception {
        String token = cloud.token("ursula", "ursula@example.com", "orders/read");
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/orders/ord_redaction-probe")).header("Authorization", "Bearer " + token));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);

        HttpResponse<String> events = send(HttpRequest.newBuilder(uri("/_local/api/http-events")));
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.body()).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
        JsonNode recorded = null;
        for (JsonNode e : JSON.readTree(events.body())) {
            if (e.path("rawPath").asText().equals("/orders/ord_redaction-probe")) {
                recorded = e;
            }
        }
        assertThat(recorded).as("the request was recorded").isNotNull();
        assertThat(recorded.path("headers").path("authorization").asText()).isEqualTo(HttpApiGateway.REDACTED);
        // the verified claims (who called) remain visible
        assertThat(recorded.path("requestContext").path("authorizer").path("jwt").path("claims").path("sub").asText())
                .isEqualTo("ursula");
    }

    // ------------------------------------------------------------------ helpers

    static int visible(String queueUrl) {
        return Integer.parseInt(cloud.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    /** A request with exactly these headers (java.net.http does not let a client set Host). */
    static int rawStatus(String method, String path, Map<String, String> headers) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), cloud.gateway().port())) {
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String statusLine = response.lines().findFirst().orElseThrow(() -> new AssertionError("no response"));
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }
}
