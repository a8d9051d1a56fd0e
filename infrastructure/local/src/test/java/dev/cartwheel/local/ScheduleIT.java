package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartwheel.local.lambda.InvocationResult;
import dev.cartwheel.local.schedule.LocalScheduler;
import dev.cartwheel.local.schedule.ScheduleRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The template's {@code Schedule} event run by the local cloud: the ReconcilerFunction is invoked by its rule with
 * EventBridge's Scheduled Event, and what it does on that schedule is real: an order stuck in PENDING (a checkout
 * that died between writing the order and sending OrderPlaced) is nudged and ends CONFIRMED. The schedule is sped up
 * with the rate override ({@code up --schedule-rate-override 2s}).
 */
class ScheduleIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final List<String> logs = new CopyOnWriteArrayList<>();
    static LocalCloud cloud;

    /**
     * A cloud of its own: the other tests run against the template's schedule (the reconciler every 5 minutes), not a
     * reconciler invoked every 2 s among their orders.
     */
    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(LocalCloudConfig.defaults(SharedLocalCloud.ROOT.resolve("template.yaml")).withPort(0)
                .withPrewarm(false).withScheduleRateOverride(Duration.ofSeconds(2)).withFunctionLog(logs::add));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cloud != null) {
            cloud.close();
        }
        Files.write(Path.of("target/schedule-it.log"), logs);
    }

    @Test
    void theReconcilerIsInvokedByItsScheduleWithTheScheduledEventEventBridgeSends() throws Exception {
        // GIVEN the rule SAM makes of ReconcilerFunction's EveryFewMinutes event
        assertThat(cloud.scheduler().rules()).singleElement().satisfies(rule -> {
            assertThat(rule.functionName()).isEqualTo("ReconcilerFunction");
            assertThat(rule.expression().text()).isEqualTo("rate(5 minutes)");
            assertThat(rule.ruleName()).isEqualTo(ScheduleRule.physicalName("cartwheel", "ReconcilerFunction", "EveryFewMinutes"));
        });
        // WHEN the schedule ticks, twice from now
        Instant since = Instant.now();
        List<LocalScheduler.Run> runs = awaitRuns(r -> r.stream().filter(run -> run.scheduledTime().isAfter(since)).count() >= 2)
                .stream().filter(run -> run.scheduledTime().isAfter(since)).toList();
        // THEN each run invoked the function with a Scheduled Event, and the function answered its summary
        assertThat(cloud.lambda().pool("ReconcilerFunction").invocations()).isGreaterThanOrEqualTo(2);
        for (LocalScheduler.Run run : runs) {
            JsonNode e = JSON.readTree(run.event());
            assertThat(e.path("detail-type").asText()).isEqualTo("Scheduled Event");
            assertThat(e.path("source").asText()).isEqualTo("aws.events");
            assertThat(e.path("account").asText()).isEqualTo("000000000000");
            assertThat(e.path("region").asText()).isEqualTo(cloud.config().region());
            assertThat(e.path("resources").get(0).asText()).isEqualTo(run.rule().ruleArn());
            assertThat(Instant.parse(e.path("time").asText())).isEqualTo(run.scheduledTime().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            assertThat(run.status()).as(run.response()).isEqualTo(InvocationResult.Status.SUCCESS);
            assertThat(JSON.readTree(run.response()).isObject()).as(run.response()).isTrue();
        }
        assertThat(runs.get(0).scheduledTime()).isAfter(runs.get(1).scheduledTime());
        assertThat(runs).allSatisfy(run -> assertThat(run.rule().functionName()).isEqualTo("ReconcilerFunction"));
    }

    @Test
    void anOrderStuckInPendingIsNudgedByTheScheduledReconcilerToConfirmed() throws Exception {
        // GIVEN a real order, finished, copied as an order a crashed checkout left PENDING 12 minutes ago with no message sent
        // (older than StuckAfterSeconds, 600, so it is nudged; younger than PaymentTimeoutSeconds, 900, so not expired)
        String customer = "carol-" + UUID.randomUUID().toString().substring(0, 8);
        String token = cloud.token(customer, customer + "@example.com", "orders/read orders/write");
        HttpResponse<String> placed = http.send(HttpRequest.newBuilder(cloud.apiUrl().resolve("/orders"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"items\":[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
        String template = JSON.readTree(placed.body()).path("orderId").asText();
        assertThat(awaitStatus(token, template)).isEqualTo("CONFIRMED");
        String table = cloud.provisioned().tableName("OrdersTable");
        Map<String, AttributeValue> item = new HashMap<>(cloud.dynamoDb().getItem(g -> g.tableName(table)
                .key(Map.of("orderId", AttributeValue.fromS(template))).consistentRead(true)).item());
        String stuck = "ord_" + UUID.randomUUID();
        // the store's fixed-width timestamp (microseconds), so that it sorts as a string in the openOrders index
        String twelveMinutesAgo = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(Instant.now().minus(Duration.ofMinutes(12)));
        item.put("orderId", AttributeValue.fromS(stuck));
        item.put("status", AttributeValue.fromS("PENDING"));
        item.put("createdAt", AttributeValue.fromS(twelveMinutesAgo));
        item.put("updatedAt", AttributeValue.fromS(twelveMinutesAgo));
        item.put("history", AttributeValue.fromL(List.of(item.get("history").l().getFirst())));
        item.remove("payment");
        item.put("openShard", AttributeValue.fromS("open#" + Math.floorMod(stuck.hashCode(), 8)));
        // the runs finished so far: a run already in flight now may still read the order, so "after" is by completion
        List<LocalScheduler.Run> before = cloud.scheduler().recentRuns();
        cloud.dynamoDb().putItem(p -> p.tableName(table).item(item));

        // WHEN the schedule runs the reconciler
        // THEN it sends OrderPlaced again and the order goes all the way
        assertThat(awaitStatus(token, stuck)).isEqualTo("CONFIRMED");
        List<LocalScheduler.Run> runs = cloud.scheduler().recentRuns().stream()
                .filter(run -> before.stream().noneMatch(earlier -> earlier == run)).toList();
        assertThat(runs).anySatisfy(run -> assertThat(JSON.readTree(run.response()).path("ORDER_PLACED").asInt()).isEqualTo(1));
    }

    static List<LocalScheduler.Run> awaitRuns(Predicate<List<LocalScheduler.Run>> condition) {
        return await("the schedule's runs").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> cloud.scheduler().recentRuns(), condition);
    }

    static String status(String token, String orderId) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(cloud.apiUrl().resolve("/orders/" + orderId))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("status").asText();
    }

    static String awaitStatus(String token, String orderId) {
        return await("order " + orderId + " in a final status").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> status(token, orderId), DemoRun.FINAL::contains);
    }
}
