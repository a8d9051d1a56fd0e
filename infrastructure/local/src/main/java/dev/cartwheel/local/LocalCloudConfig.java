package dev.cartwheel.local;

import java.net.URI;
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
 * @param localConcurrency   concurrency of a function without ReservedConcurrentExecutions
 * @param fastRetrySeconds   null (faithful: failed SQS messages wait out the queue's VisibilityTimeout), or the
 *                           visibility, in seconds, given to failed messages instead
 * @param prewarm            start one execution environment per function at start-up
 * @param functionLog        where function output, START/END/REPORT lines go
 * @param home               the local cloud's directory (signing key, state, native library)
 */
public record LocalCloudConfig(Path template, Map<String, String> parameterOverrides, URI awsEndpoint, String region,
                               Path seed, int port, int localConcurrency, Integer fastRetrySeconds, boolean prewarm,
                               Consumer<String> functionLog, Path home) {

    public LocalCloudConfig {
        parameterOverrides = Map.copyOf(parameterOverrides);
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
                fastRetrySeconds, prewarm, functionLog, home);
    }

    public LocalCloudConfig withParameterOverrides(Map<String, String> overrides) {
        return new LocalCloudConfig(template, overrides, awsEndpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home);
    }

    public LocalCloudConfig withFastRetry(Integer seconds) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency,
                seconds, prewarm, functionLog, home);
    }

    public LocalCloudConfig withFunctionLog(Consumer<String> log) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, prewarm, log, home);
    }

    public LocalCloudConfig withSeed(Path seedFile) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seedFile, port, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home);
    }

    public LocalCloudConfig withPrewarm(boolean on) {
        return new LocalCloudConfig(template, parameterOverrides, awsEndpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, on, functionLog, home);
    }

    public LocalCloudConfig withAwsEndpoint(URI endpoint) {
        return new LocalCloudConfig(template, parameterOverrides, endpoint, region, seed, port, localConcurrency,
                fastRetrySeconds, prewarm, functionLog, home);
    }
}
