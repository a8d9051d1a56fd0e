package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * DynamoDB stream event source mappings against DynamoDB Local's stream, with a test function under the real runtime
 * client (one execution environment): a reported failure is retried from its sequence number and, after
 * MaximumRetryAttempts (2), reported to the OnFailure queue with Lambda's record while the shard moves on; a record that
 * makes the function throw is bisected out and discarded alone; what the function publishes (to the bus named by the
 * template, at AWS_ENDPOINT_URL_EVENTBRIDGE) is on the local bus and in the console's order events. On the event source
 * mapping tests' cloud ({@link SharedFixtureCloud}); each test writes orders of its own.
 */
@ExtendWith(SharedFixtureCloud.class)
class StreamEventSourceMappingIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static LocalCloud cloud;
    static Path fixtureLog;

    @BeforeAll
    static void useTheFixtureCloud(SharedFixtureCloud.Fixture fixture) {
        cloud = fixture.cloud();
        fixtureLog = fixture.streamLog();
    }

    /** An order id of this test's own, so that no other test's records are counted. */
    static String orderId(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    record Delivery(String sequenceNumber, String orderId, String state, String eventName, int batchSize, String arn) {
    }

    static List<Delivery> deliveries(String orderId) throws Exception {
        List<Delivery> out = new ArrayList<>();
        for (String line : Files.readAllLines(fixtureLog)) {
            String[] f = line.split("\t");
            if (f[1].equals(orderId)) {
                out.add(new Delivery(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), f[5]));
            }
        }
        return out;
    }

    static void put(String orderId, String state, int version) {
        cloud.dynamoDb().putItem(r -> r.tableName(cloud.provisioned().tableName("OrdersTable")).item(Map.of(
                "orderId", AttributeValue.fromS(orderId), "state", AttributeValue.fromS(state),
                "version", AttributeValue.fromN(Integer.toString(version)))));
    }

    static void awaitUntil(String what, Callable<Boolean> condition) {
        await(what).atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(condition);
    }

    /** The OnFailure record whose batch starts at {@code sequenceNumber}, when the queue has it (peeked, not deleted). */
    static Optional<JsonNode> onFailureRecord(String sequenceNumber) {
        String url = cloud.provisioned().queueUrl("StreamFailureQueue");
        for (Message m : cloud.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(0)
                .waitTimeSeconds(0)).messages()) {
            try {
                JsonNode record = JSON.readTree(m.body());
                if (record.path("DDBStreamBatchInfo").path("startSequenceNumber").asText().equals(sequenceNumber)) {
                    return Optional.of(record);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return Optional.empty();
    }

    static JsonNode busEvent(String orderId, String detailType) {
        for (JsonNode e : cloud.busEvents()) {
            if (orderId.equals(e.path("orderId").asText()) && detailType.equals(e.path("detailType").asText())) {
                return e;
            }
        }
        return null;
    }

    @Test
    void aReportedFailureIsRetriedFromItsSequenceNumber_thenGoesToTheOnFailureQueue_andTheOthersReachTheBus() throws Exception {
        // GIVEN the mapping runs, and three orders are written, the second one failing in the function every time
        assertThat(cloud.streamMappings()).singleElement().satisfies(m -> {
            assertThat(m.mapping().streamArn()).isEqualTo(cloud.provisioned().streamArn("OrdersTable"));
            assertThat(m.mapping().maximumRetryAttempts()).isEqualTo(2);
            assertThat(m.mapping().onFailureDestinationArn()).isEqualTo(cloud.provisioned().arn("StreamFailureQueue"));
        });
        String streamArn = cloud.provisioned().streamArn("OrdersTable");
        String o1 = orderId("o-1");
        String o2 = orderId("o-2");
        String o3 = orderId("o-3");
        put(o1, "placed", 1);
        put(o2, "failing", 1);
        put(o3, "placed", 1);

        // WHEN the failing one has been tried 1 + MaximumRetryAttempts times
        awaitUntil("three deliveries of o-2 and its OnFailure record",
                () -> deliveries(o2).size() >= 3 && onFailureRecord(deliveries(o2).getFirst().sequenceNumber()).isPresent());

        // THEN o-1 (before it) was delivered once, o-2 exactly three times, always with the stream's ARN, as INSERTs
        assertThat(deliveries(o1)).singleElement().satisfies(d -> assertThat(d.eventName()).isEqualTo("INSERT"));
        List<Delivery> failing = deliveries(o2);
        assertThat(failing).hasSize(3).allSatisfy(d -> {
            assertThat(d.arn()).isEqualTo(streamArn);
            assertThat(d.sequenceNumber()).isEqualTo(failing.getFirst().sequenceNumber());
        });
        assertThat(deliveries(o3)).isNotEmpty();

        // AND the OnFailure queue has Lambda's record of the discarded batch, starting at o-2
        JsonNode record = onFailureRecord(failing.getFirst().sequenceNumber()).orElseThrow();
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.path("requestContext").path("functionArn").asText())
                .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:StreamFunction");
        assertThat(record.path("responseContext").has("functionError")).isFalse();
        assertThat(record.path("DDBStreamBatchInfo").path("streamArn").asText()).isEqualTo(streamArn);
        assertThat(cloud.streamMappings().getFirst().discardedRecords()).isPositive();
        assertThat(cloud.streamMappings().getFirst().failedBatches()).isPositive();

        // AND the others' events are on the bus, and the shard moved on: a later change is delivered once, as a MODIFY
        awaitUntil("order.placed of o-1 and o-3", () -> busEvent(o1, "order.placed") != null && busEvent(o3, "order.placed") != null);
        put(o1, "paid", 2);
        awaitUntil("order.paid of o-1", () -> busEvent(o1, "order.paid") != null);
        assertThat(deliveries(o1)).extracting(Delivery::eventName).containsExactly("INSERT", "MODIFY");
        JsonNode paid = busEvent(o1, "order.paid");
        assertThat(paid.path("version").asInt()).isEqualTo(2);
        assertThat(paid.path("bus").asText()).isEqualTo("cartwheel-orders");
        assertThat(paid.path("source").asText()).isEqualTo("cartwheel.fixture");
        assertThat(cloud.emulators().orElseThrow().eventBridge().events("cartwheel-orders"))
                .anySatisfy(e -> assertThat(e.detailText("orderId")).isEqualTo(o1));
        assertThat(cloud.lambda().pool("StreamFunction").liveInstances()).isEqualTo(1);

        // AND the console lists the order events, over its API and on its page
        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                cloud.apiUrl().resolve("/_local/api/events")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(api.body())).anySatisfy(e -> {
            assertThat(e.path("orderId").asText()).isEqualTo(o1);
            assertThat(e.path("detailType").asText()).isEqualTo("order.paid");
        });
        assertConsoleShows(o1, "order.paid", "2");
    }

    @Test
    void aRecordThatMakesTheFunctionThrowIsBisectedOutAndDiscardedAlone() throws Exception {
        // GIVEN a record that makes the function throw, between two good ones
        String t1 = orderId("t-1");
        String t2 = orderId("t-2");
        String t3 = orderId("t-3");
        put(t1, "placed", 1);
        put(t2, "throw", 1);
        put(t3, "placed", 1);

        // WHEN it has been retried MaximumRetryAttempts times on its own
        awaitUntil("the OnFailure record of t-2", () -> {
            List<Delivery> d = deliveries(t2);
            return !d.isEmpty() && onFailureRecord(d.getFirst().sequenceNumber()).isPresent();
        });
        awaitUntil("order.placed of t-3", () -> busEvent(t3, "order.placed") != null);

        // THEN it was discarded alone, with the function error, and both neighbours were published
        JsonNode record = onFailureRecord(deliveries(t2).getFirst().sequenceNumber()).orElseThrow();
        assertThat(record.path("DDBStreamBatchInfo").path("batchSize").asInt()).isEqualTo(1);
        assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
        assertThat(deliveries(t2)).filteredOn(d -> d.batchSize() == 1).hasSize(3);
        assertThat(busEvent(t1, "order.placed")).isNotNull();
    }

    static void assertConsoleShows(String orderId, String detailType, String version) throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            ChromeDriver driver = chromium.driver();
            driver.get(cloud.apiUrl() + "/_local/");
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            wait.until(d -> d.findElements(By.cssSelector("#bus-events tr.bus-event")).stream()
                    .anyMatch(row -> row.getText().contains(orderId) && row.getText().contains(detailType)));
            String row = driver.findElements(By.cssSelector("#bus-events tr.bus-event")).stream()
                    .filter(r -> r.getText().contains(orderId) && r.getText().contains(detailType)).findFirst().orElseThrow()
                    .getText();
            assertThat(row).contains(version).contains("cartwheel-orders");
        }
    }
}
