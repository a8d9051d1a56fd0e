package dev.cartwheel.aws.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.json.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * One JSON object per line on standard output, which Lambda sends to CloudWatch Logs: level, function,
 * request id, order id, correlation id, step, outcome and a message. Callers pass identifiers and outcomes
 * only: never an e-mail address, a payment token or a request body.
 */
public final class StructuredLog {

    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile("[^\\s@\"'<>]+@[^\\s@\"'<>]+");
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("(tok|pm)_[A-Za-z0-9_]+");
    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("\\d[\\d -]{10,}\\d");

    private final String function;
    private final Level threshold;
    private final PrintStream out;

    public StructuredLog(String function, String level, PrintStream out) {
        this.function = function;
        this.threshold = parse(level);
        this.out = out;
    }

    /** A log for this function at the level of {@code LOG_LEVEL} (INFO when unset). */
    public static StructuredLog forFunction(String function) {
        return forFunction(function, System.out);
    }

    /** A log for this function at the level of {@code LOG_LEVEL}, written to {@code out} (tests capture it). */
    public static StructuredLog forFunction(String function, PrintStream out) {
        return new StructuredLog(function, System.getenv("LOG_LEVEL"), out);
    }

    public void info(Entry entry) {
        write(Level.INFO, entry);
    }

    public void warn(Entry entry) {
        write(Level.WARN, entry);
    }

    public void error(Entry entry) {
        write(Level.ERROR, entry);
    }

    public boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    private void write(Level level, Entry entry) {
        if (!enabled(level)) {
            return;
        }
        ObjectNode line = Json.mapper().createObjectNode()
                .put("timestamp", Instant.now().toString())
                .put("level", level.name())
                .put("function", function);
        putIfPresent(line, "requestId", entry.requestId());
        putIfPresent(line, "orderId", entry.orderId());
        putIfPresent(line, "correlationId", entry.correlationId());
        putIfPresent(line, "step", entry.step());
        putIfPresent(line, "outcome", entry.outcome());
        putIfPresent(line, "message", entry.message() == null ? null : redact(entry.message()));
        // who acted, by id; an identity provider whose sub is an e-mail address still gets it masked
        putIfPresent(line, "actor", entry.actor() == null ? null : redact(entry.actor()));
        synchronized (out) {
            out.println(line);
        }
    }

    /** Masks what must never reach a log even inside an exception message: e-mail addresses, tokens, digit runs. */
    public static String redact(String text) {
        return EMAIL.matcher(DIGITS.matcher(TOKEN.matcher(text).replaceAll("$1_***")).replaceAll("***"))
                .replaceAll("***@***");
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static Level parse(String level) {
        if (level == null || level.isBlank()) {
            return Level.INFO;
        }
        try {
            return Level.valueOf(level.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }

    /**
     * The fields of one log line; any may be {@code null}.
     *
     * @param actor the {@code sub} of who caused it (an admin's refund, the customer's cancellation), never an e-mail
     */
    public record Entry(String requestId, String orderId, String correlationId, String step, String outcome, String message,
                        String actor) {

        public Entry(String requestId, String orderId, String correlationId, String step, String outcome, String message) {
            this(requestId, orderId, correlationId, step, outcome, message, null);
        }
    }
}
