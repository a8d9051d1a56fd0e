package dev.cartwheel.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.aws.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
                "MessageRejected: alice@example.com paid with tok_visa card 4242 4242 4242 4242"));

        JsonNode line = Json.mapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("function").asText()).isEqualTo("email");
        assertThat(line.get("requestId").asText()).isEqualTo("req-1");
        assertThat(line.get("orderId").asText()).isEqualTo("ord_1");
        assertThat(line.get("correlationId").asText()).isEqualTo("corr-1");
        assertThat(line.get("outcome").asText()).isEqualTo("failed");
        assertThat(line.get("message").asText()).doesNotContain("alice@example.com").doesNotContain("tok_visa")
                .doesNotContain("4242 4242").contains("MessageRejected");
    }

    @Test
    void logLevel_fromTheEnvironmentFiltersLines() {
        StructuredLog log = new StructuredLog("email", "ERROR", out);
        log.info(new StructuredLog.Entry(null, null, null, null, null, "quiet"));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(log.enabled(StructuredLog.Level.ERROR)).isTrue();
    }
}
