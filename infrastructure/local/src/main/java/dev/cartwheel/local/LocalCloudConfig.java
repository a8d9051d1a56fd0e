package dev.cartwheel.local;

import java.net.URI;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How to start a local cloud.
 *
 * @param template           template.yaml
 * @param parameterOverrides template parameter values (SAM's --parameter-overrides)
 * @param awsEndpoint        an existing AWS-compatible endpoint (LocalStack) instead of the embedded emulators, or null
 * @param region             the region
 * @param seed               a catalog seed file ({"products":[...]}), or null for the built-in sample catalog
 * @param port               the HTTP API port (0 = any free port)
 * @param localConcurrency   most concurrent environments of a function (a lower ReservedConcurrentExecutions wins)
 * @param fastRetrySeconds   null (faithful: failed SQS messages wait out the queue's VisibilityTimeout), or the
 *                           visibility, in seconds, given to failed messages instead
 * @param prewarm            start one execution environment per function at start-up
 * @param functionLog        where function output, START/END/REPORT lines go
 * @param home               the local cloud's directory (signing key, state, native library)
 * @param scheduleRateOverride null (faithful: each Schedule event fires as its expression says), or the period every
 *                           Schedule event fires at instead (a development shortcut)
 * @param dynamoDbPort       the embedded DynamoDB Local's port (0 = any free port)
 * @param sqsPort            the embedded ElasticMQ's port (0 = any free port)
 * @param sesPort            the SES capture server's port (0 = any free port)
 * @param eventBridgePort    the EventBridge capture server's port (0 = any free port)
 * @param secretsManagerPort the Secrets Manager server's port (0 = any free port)
 * @param asyncPaymentDelay  how long the Stripe simulator's customers take to complete 3-D Secure of a pending
 *                           authorization before it sends its webhook
 */
public record LocalCloudConfig(Path template, Map<String, String> parameterOverrides, URI awsEndpoint, String region,
                               Path seed, int port, int localConcurrency, Integer fastRetrySeconds, boolean prewarm,
                               Consumer<String> functionLog, Path home, Duration scheduleRateOverride,
                               int dynamoDbPort, int sqsPort, int sesPort, int eventBridgePort, int secretsManagerPort,
                               Duration asyncPaymentDelay) {

    /** The Stripe simulator's customers' default time to complete 3-D Secure. */
    public static final Duration DEFAULT_ASYNC_PAYMENT_DELAY = Duration.ofSeconds(2);

    public LocalCloudConfig {
        parameterOverrides = Map.copyOf(parameterOverrides);
        if (scheduleRateOverride != null && (scheduleRateOverride.isZero() || scheduleRateOverride.isNegative())) {
            throw new IllegalArgumentException("scheduleRateOverride must be positive: " + scheduleRateOverride);
        }
        if (asyncPaymentDelay == null) {
            asyncPaymentDelay = DEFAULT_ASYNC_PAYMENT_DELAY;
        }
        if (asyncPaymentDelay.isNegative()) {
            throw new IllegalArgumentException("asyncPaymentDelay must not be negative: " + asyncPaymentDelay);
        }
        for (int p : new int[] {port, dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort}) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("not a port: " + p);
            }
        }
    }

    /** The configuration with a random Secrets Manager port and the default async payment delay. */
    public LocalCloudConfig(Path template, Map<String, String> parameterOverrides, URI awsEndpoint, String region,
                            Path seed, int port, int localConcurrency, Integer fastRetrySeconds, boolean prewarm,
                            Consumer<String> functionLog, Path home, Duration scheduleRateOverride,
                            int dynamoDbPort, int sqsPort, int sesPort, int eventBridgePort) {
        this(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency, fastRetrySeconds, prewarm,
                functionLog, home, scheduleRateOverride, dynamoDbPort, sqsPort, sesPort, eventBridgePort, 0, null);
    }

    /** The configuration with a random EventBridge port. */
    public LocalCloudConfig(Path template, Map<String, String> parameterOverrides, URI awsEndpoint, String region,
                            Path seed, int port, int localConcurrency, Integer fastRetrySeconds, boolean prewarm,
                            Consumer<String> functionLog, Path home, Duration scheduleRateOverride,
                            int dynamoDbPort, int sqsPort, int sesPort) {
        this(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency, fastRetrySeconds, prewarm,
                functionLog, home, scheduleRateOverride, dynamoDbPort, sqsPort, sesPort, 0);
    }

    /** The configuration without schedule override and with random emulator ports. */
    public LocalCloudConfig(Path template, Map<String, String> parameterOverrides, URI awsEndpoint, String region,
                            Path seed, int port, int localConcurrency, Integer fastRetrySeconds, boolean prewarm,
                            Consumer<String> functionLog, Path home) {
        this(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency, fastRetrySeconds, prewarm,
                functionLog, home, null, 0, 0, 0, 0, 0, null);
    }

    public static Path defaultHome() {
        String configured = System.getenv("CARTWHEEL_LOCAL_HOME");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cartwheel", "local");
    }

    public static LocalCloudConfig defaults(Path template) {
        return new LocalCloudConfig(template, Map.of(), null, "us-east-1", null, 0, 3, null, true, line -> { }, defaultHome());
    }

    public LocalCloudConfig withPort(int newPort) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, newPort, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home, scheduleRateOverride,
                dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort, asyncPaymentDelay);
    }

    public LocalCloudConfig withParameterOverrides(Map<String, String> overrides) {
        return new LocalCloudConfig(template, overrides, awsEndpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home, scheduleRateOverride,
                dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort, asyncPaymentDelay);
    }

    public LocalCloudConfig withFastRetry(Integer seconds) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency,
                seconds, prewarm, functionLog, home, scheduleRateOverride,
                dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort, asyncPaymentDelay);
    }

    public LocalCloudConfig withFunctionLog(Consumer<String> log) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, prewarm, log, home, scheduleRateOverride,
                dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort, asyncPaymentDelay);
    }

    public LocalCloudConfig withSeed(Path seedFile) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seedFile, port, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home, scheduleRateOverride,
                dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort, asyncPaymentDelay);
    }

    public LocalCloudConfig withPrewarm(boolean on) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, on, functionLog, home, scheduleRateOverride,
                dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort, asyncPaymentDelay);
    }

    public LocalCloudConfig withAwsEndpoint(URI endpoint) {
        return new LocalCloudConfig(template, parameterOverrides, endpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home, scheduleRateOverride,
                dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort, asyncPaymentDelay);
    }

    public LocalCloudConfig withScheduleRateOverride(Duration period) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home, period,
                dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort, asyncPaymentDelay);
    }

    /** Fixed ports for the embedded emulators (0 = any free port), e.g. for {@code sam local invoke --env-vars}. */
    public LocalCloudConfig withEmulatorPorts(int dynamoDb, int sqs, int ses) {
        return withEmulatorPorts(dynamoDb, sqs, ses, eventBridgePort);
    }

    /** Fixed ports for the embedded emulators, EventBridge included (0 = any free port). */
    public LocalCloudConfig withEmulatorPorts(int dynamoDb, int sqs, int ses, int eventBridge) {
        return withEmulatorPorts(dynamoDb, sqs, ses, eventBridge, secretsManagerPort);
    }

    /** Fixed ports for the embedded emulators, EventBridge and Secrets Manager included (0 = any free port). */
    public LocalCloudConfig withEmulatorPorts(int dynamoDb, int sqs, int ses, int eventBridge, int secretsManager) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home, scheduleRateOverride, dynamoDb, sqs, ses, eventBridge,
                secretsManager, asyncPaymentDelay);
    }

    /** How long the Stripe simulator's customers take to complete 3-D Secure. */
    public LocalCloudConfig withAsyncPaymentDelay(Duration delay) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home, scheduleRateOverride, dynamoDbPort, sqsPort, sesPort,
                eventBridgePort, secretsManagerPort, delay);
    }
}
