package dev.cartwheel.emulators;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An event source of a SAM function ({@code HttpApi}, {@code SQS}, {@code Schedule}, {@code ScheduleV2}, ...) with
 * its properties resolved.
 */
public record FunctionEvent(String name, String type, Map<String, Object> properties) {

    public static final String HTTP_API = "HttpApi";
    public static final String SQS = "SQS";
    public static final String SCHEDULE = "Schedule";
    public static final String SCHEDULE_V2 = "ScheduleV2";

    public FunctionEvent {
        properties = Yamls.immutableCopy(properties);
    }

    public boolean is(String eventType) {
        return type.equals(eventType);
    }

    public Optional<String> string(String property) {
        Object value = properties.get(property);
        return value == null ? Optional.empty() : Optional.of(Yamls.stringify(value));
    }

    public OptionalInt integer(String property) {
        Object value = properties.get(property);
        return value == null ? OptionalInt.empty() : OptionalInt.of(Yamls.toInt(value, property));
    }

    // ------------------------------------------------------------ HttpApi

    public Optional<String> path() {
        return string("Path");
    }

    /** The HTTP method, upper case; {@code ANY} when the event has none. */
    public Optional<String> method() {
        return string("Method").map(m -> m.toUpperCase(java.util.Locale.ROOT));
    }

    public Optional<String> apiId() {
        return string("ApiId");
    }

    /** {@code Auth.Authorizer} of an HttpApi event ({@code NONE} for a public route). */
    public Optional<String> authorizer() {
        return auth().flatMap(a -> Optional.ofNullable(a.get("Authorizer"))).map(Yamls::stringify);
    }

    public List<String> authorizationScopes() {
        return auth().map(a -> Yamls.stringList(a.get("AuthorizationScopes"))).orElse(List.of());
    }

    private Optional<Map<String, Object>> auth() {
        return Optional.ofNullable(Yamls.asMapOrNull(properties.get("Auth")));
    }

    // ------------------------------------------------------------ SQS

    /** The ARN of the queue of an SQS event. */
    public Optional<String> queueArn() {
        return string("Queue");
    }

    /** BatchSize, 10 by default for SQS (as Lambda). */
    public int batchSize() {
        return integer("BatchSize").orElse(10);
    }

    public int maximumBatchingWindowInSeconds() {
        return integer("MaximumBatchingWindowInSeconds").orElse(0);
    }

    public List<String> functionResponseTypes() {
        return Yamls.stringList(properties.get("FunctionResponseTypes"));
    }

    public boolean reportsBatchItemFailures() {
        return functionResponseTypes().contains("ReportBatchItemFailures");
    }

    // ------------------------------------------------------------ Schedule / ScheduleV2

    /** {@code Schedule} (Schedule events) or {@code ScheduleExpression} (ScheduleV2), e.g. {@code rate(5 minutes)}. */
    public Optional<String> scheduleExpression() {
        return string("Schedule").or(() -> string("ScheduleExpression"));
    }
}
