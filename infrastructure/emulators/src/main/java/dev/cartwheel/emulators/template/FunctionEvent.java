package dev.cartwheel.emulators.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An event source of a SAM function ({@code HttpApi}, {@code SQS}, {@code DynamoDB}, {@code Schedule},
 * {@code ScheduleV2}, ...) with its properties resolved. The accessors give Lambda's defaults for what the template
 * leaves out.
 */
public record FunctionEvent(String name, String type, Map<String, Object> properties) {

    public static final String HTTP_API = "HttpApi";
    public static final String SQS = "SQS";
    public static final String DYNAMODB = "DynamoDB";
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

    /** BatchSize, as Lambda: 10 by default for SQS, 100 for DynamoDB (and Kinesis) streams. */
    public int batchSize() {
        return integer("BatchSize").orElse(is(DYNAMODB) || is("Kinesis") ? 100 : 10);
    }

    /** Enabled (true by default). */
    public boolean enabled() {
        return string("Enabled").map(Boolean::parseBoolean).orElse(true);
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

    // ------------------------------------------------------------ DynamoDB

    /** The stream ARN of a DynamoDB event ({@code Stream}, typically {@code !GetAtt Table.StreamArn}). */
    public Optional<String> streamArn() {
        return string("Stream");
    }

    /** StartingPosition: {@code TRIM_HORIZON} or {@code LATEST} (required by Lambda for streams). */
    public Optional<String> startingPosition() {
        return string("StartingPosition");
    }

    /** MaximumRetryAttempts; -1 (Lambda's default) means retry until the record expires. */
    public int maximumRetryAttempts() {
        return integer("MaximumRetryAttempts").orElse(-1);
    }

    /** MaximumRecordAgeInSeconds; -1 (Lambda's default) means no limit but the stream's retention. */
    public int maximumRecordAgeInSeconds() {
        return integer("MaximumRecordAgeInSeconds").orElse(-1);
    }

    /** BisectBatchOnFunctionError (false by default). */
    public boolean bisectBatchOnFunctionError() {
        return string("BisectBatchOnFunctionError").map(Boolean::parseBoolean).orElse(false);
    }

    /** ParallelizationFactor (1 by default). */
    public int parallelizationFactor() {
        return integer("ParallelizationFactor").orElse(1);
    }

    /** {@code DestinationConfig.OnFailure.Destination}: the queue (or topic) ARN discarded batches are reported to. */
    public Optional<String> onFailureDestinationArn() {
        Map<String, Object> destination = Yamls.asMapOrNull(properties.get("DestinationConfig"));
        Map<String, Object> onFailure = destination == null ? null : Yamls.asMapOrNull(destination.get("OnFailure"));
        Object arn = onFailure == null ? null : onFailure.get("Destination");
        return arn == null ? Optional.empty() : Optional.of(Yamls.stringify(arn));
    }

    /** {@code DestinationConfig.OnFailure.Type} ({@code SQS} or {@code SNS}), when given. */
    public Optional<String> onFailureDestinationType() {
        Map<String, Object> destination = Yamls.asMapOrNull(properties.get("DestinationConfig"));
        Map<String, Object> onFailure = destination == null ? null : Yamls.asMapOrNull(destination.get("OnFailure"));
        Object type = onFailure == null ? null : onFailure.get("Type");
        return type == null ? Optional.empty() : Optional.of(Yamls.stringify(type));
    }

    // ------------------------------------------------------------ Schedule / ScheduleV2

    /** {@code Schedule} (Schedule events) or {@code ScheduleExpression} (ScheduleV2), e.g. {@code rate(5 minutes)}. */
    public Optional<String> scheduleExpression() {
        return string("Schedule").or(() -> string("ScheduleExpression"));
    }
}
