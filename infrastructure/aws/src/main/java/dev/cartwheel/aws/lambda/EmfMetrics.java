package dev.cartwheel.aws.lambda;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.json.Json;
import java.io.PrintStream;
import java.time.Clock;

/**
 * CloudWatch metrics in Embedded Metric Format: one JSON line per data point on standard output, which
 * CloudWatch Logs turns into metrics in namespace {@code Cartwheel} with dimension {@code function}. No API call,
 * no extra dependency and nothing at init (Powertools' metrics module does the same with more machinery).
 */
public final class EmfMetrics {

    public static final String NAMESPACE = "Cartwheel";

    private final String function;
    private final PrintStream out;
    private final Clock clock;

    public EmfMetrics(String function, PrintStream out, Clock clock) {
        this.function = function;
        this.out = out;
        this.clock = clock;
    }

    public static EmfMetrics forFunction(String function) {
        return new EmfMetrics(function, System.out, Clock.systemUTC());
    }

    /** Adds one to a counter such as {@code OrdersPlaced}. */
    public void count(String metric) {
        put(metric, 1, "Count");
    }

    /** Adds {@code n} to a counter (a gauge-like count of what one run found, e.g. {@code AuthorizationsNearLapse}). */
    public void count(String metric, long n) {
        put(metric, n, "Count");
    }

    public void milliseconds(String metric, long value) {
        put(metric, value, "Milliseconds");
    }

    private void put(String metric, long value, String unit) {
        ObjectNode line = Json.mapper().createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        directive.putArray("Dimensions").addArray().add("function");
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", metric).put("Unit", unit);
        line.put("function", function);
        line.put(metric, value);
        synchronized (out) {
            out.println(line);
        }
    }
}
