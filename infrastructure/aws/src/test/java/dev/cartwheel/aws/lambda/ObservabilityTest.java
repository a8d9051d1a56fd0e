package dev.cartwheel.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.core.order.OrderStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservabilityTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void emfLine_declaresTheMetricInTheCartwheelNamespace() throws Exception {
        new EmfMetrics("payment", out, Clock.fixed(Instant.ofEpochMilli(1_795_600_800_000L), ZoneOffset.UTC))
                .milliseconds("StepLatency", 42);

        JsonNode line = Json.mapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(line.get("_aws").get("Timestamp").asLong()).isEqualTo(1_795_600_800_000L);
        assertThat(directive.get("Namespace").asText()).isEqualTo("Cartwheel");
        assertThat(directive.get("Dimensions").get(0).get(0).asText()).isEqualTo("function");
        assertThat(directive.get("Metrics").get(0).get("Name").asText()).isEqualTo("StepLatency");
        assertThat(directive.get("Metrics").get(0).get("Unit").asText()).isEqualTo("Milliseconds");
        assertThat(line.get("function").asText()).isEqualTo("payment");
        assertThat(line.get("StepLatency").asLong()).isEqualTo(42);
    }

    @Test
    void logLine_isJson_withTheContextFields_andNoPii() throws Exception {
        StructuredLog log = new StructuredLog("email", "INFO", out);
        log.warn(new StructuredLog.Entry("req-1", "ord_1", "corr-1", "email", "failed",
                "MessageRejected: alice@example.com paid with pm_card_visa card 4242 4242 4242 4242"));

        JsonNode line = Json.mapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("function").asText()).isEqualTo("email");
        assertThat(line.get("requestId").asText()).isEqualTo("req-1");
        assertThat(line.get("orderId").asText()).isEqualTo("ord_1");
        assertThat(line.get("correlationId").asText()).isEqualTo("corr-1");
        assertThat(line.get("outcome").asText()).isEqualTo("failed");
        assertThat(line.get("message").asText()).doesNotContain("alice@example.com").doesNotContain("pm_card_visa")
                .doesNotContain("4242 4242").contains("MessageRejected");
    }

    @Test
    void logLine_namesTheActorById_andMasksAnActorIdThatIsAnEmailAddress() throws Exception {
        StructuredLog log = new StructuredLog("checkout", "INFO", out);
        log.info(new StructuredLog.Entry("req-1", "ord_1", "corr-1", "checkout", "refunded", "refund issued",
                "support-agent-1"));
        log.info(new StructuredLog.Entry("req-2", "ord_1", "corr-1", "checkout", "refunded", "refund issued",
                "support@example.com"));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(Json.mapper().readTree(lines.get(0)).get("actor").asText()).isEqualTo("support-agent-1");
        assertThat(Json.mapper().readTree(lines.get(1)).get("actor").asText()).isEqualTo("***@***");
        assertThat(lines.get(1)).doesNotContain("support@example.com");
    }

    @Test
    void logLevel_fromTheEnvironmentFiltersLines() {
        StructuredLog log = new StructuredLog("email", "ERROR", out);
        log.info(new StructuredLog.Entry(null, null, null, null, null, "quiet"));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(log.enabled(StructuredLog.Level.ERROR)).isTrue();
    }

    @Test
    void sqsBatch_countsRedeliveries_failures_andTheFailureOnTheLastDeliveryAsDeadLettered() throws Exception {
        ByteArrayOutputStream metricBytes = new ByteArrayOutputStream();
        EmfMetrics metrics = new EmfMetrics("payment", new PrintStream(metricBytes, true, StandardCharsets.UTF_8), Clock.systemUTC());
        SqsBatch batch = new SqsBatch("payment", new StructuredLog("payment", "ERROR", out), metrics, 5);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(poison("m-first", "1"), poison("m-third", "3"), poison("m-last", "5")));

        SQSBatchResponse response = batch.process(event, null, message -> OrderStatus.PAID);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m-first", "m-third", "m-last");
        List<String> names = new java.util.ArrayList<>();
        for (String line : metricBytes.toString(StandardCharsets.UTF_8).lines().toList()) {
            names.add(Json.mapper().readTree(line).get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").get(0).get("Name").asText());
        }
        assertThat(names).filteredOn("StepFailures"::equals).hasSize(3);
        assertThat(names).filteredOn("Redeliveries"::equals).hasSize(2);
        assertThat(names).filteredOn("DeadLettered"::equals).hasSize(1);
    }

    @Test
    void maxReceiveCount_unsetMeansNeverDeadLettered() {
        assertThat(SqsBatch.maxReceiveCount(null)).isZero();
        assertThat(SqsBatch.maxReceiveCount(" 5 ")).isEqualTo(5);
    }

    private static SQSEvent.SQSMessage poison(String messageId, String receiveCount) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(messageId);
        message.setBody("{not json");
        message.setAttributes(Map.of("ApproximateReceiveCount", receiveCount));
        return message;
    }
}
