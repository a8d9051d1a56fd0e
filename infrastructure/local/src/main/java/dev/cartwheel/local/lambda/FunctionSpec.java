package dev.cartwheel.local.lambda;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One AWS::Serverless::Function as the local cloud runs it, resolved from the template (Globals merged).
 *
 * @param name                 logical id (the local function name)
 * @param codeUri              the jar (or class directory) its CodeUri names, absolute
 * @param handler              Handler, e.g. {@code dev.cartwheel.checkout.CheckoutHandler::handleRequest}
 * @param memorySizeMb         MemorySize
 * @param timeoutSeconds       Timeout
 * @param reservedConcurrency  ReservedConcurrentExecutions, or null when the template sets none
 * @param environment          the template's Environment.Variables, resolved
 * @param logFormat            LoggingConfig.LogFormat (Text or JSON)
 * @param httpRoutes           the HttpApi events
 * @param sqsMappings          the SQS events
 * @param streamMappings       the DynamoDB (stream) events
 */
public record FunctionSpec(
        String name,
        Path codeUri,
        String handler,
        int memorySizeMb,
        int timeoutSeconds,
        Integer reservedConcurrency,
        Map<String, String> environment,
        String logFormat,
        List<HttpRoute> httpRoutes,
        List<SqsMapping> sqsMappings,
        List<StreamMapping> streamMappings) {

    public FunctionSpec {
        environment = Map.copyOf(environment);
        httpRoutes = List.copyOf(httpRoutes);
        sqsMappings = List.copyOf(sqsMappings);
        streamMappings = List.copyOf(streamMappings);
    }

    /** A function without DynamoDB stream events. */
    public FunctionSpec(String name, Path codeUri, String handler, int memorySizeMb, int timeoutSeconds,
                        Integer reservedConcurrency, Map<String, String> environment, String logFormat,
                        List<HttpRoute> httpRoutes, List<SqsMapping> sqsMappings) {
        this(name, codeUri, handler, memorySizeMb, timeoutSeconds, reservedConcurrency, environment, logFormat, httpRoutes,
                sqsMappings, List.of());
    }

    /** An HttpApi event: method (or ANY), path (or $default), authorizer name (null = API default, "NONE" = public). */
    public record HttpRoute(String eventName, String method, String path, String authorizer, List<String> scopes) {
        public HttpRoute {
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }

        public String routeKey() {
            return "$default".equals(path) ? "$default" : method.toUpperCase() + " " + path;
        }
    }

    /** An SQS event: the queue (ARN and URL), BatchSize, MaximumBatchingWindowInSeconds, ReportBatchItemFailures. */
    public record SqsMapping(String eventName, String queueArn, String queueUrl, int batchSize, int maximumBatchingWindowSeconds,
                             boolean reportBatchItemFailures, boolean enabled) {
    }

    /**
     * A DynamoDB event: the stream, the table it belongs to, and how Lambda reads it (see {@code FunctionEvent}).
     *
     * @param onFailureDestinationArn the SQS queue discarded batches are reported to, or null
     */
    public record StreamMapping(String eventName, String streamArn, String tableName, int batchSize,
                                int maximumBatchingWindowSeconds, String startingPosition, int maximumRetryAttempts,
                                int maximumRecordAgeInSeconds, boolean bisectBatchOnFunctionError,
                                boolean reportBatchItemFailures, String onFailureDestinationArn, boolean enabled) {
    }
}
