package dev.cartwheel.local.lambda;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The account-level part of a function's environment: region, account, the (fake) credentials Lambda would pass
 * from the execution role, and the endpoint overrides pointing the SDK at the local (or given) services.
 */
public record LambdaEnvironment(String region, String accountId, String accessKeyId, String secretAccessKey,
                                String sessionToken, Map<String, String> endpointOverrides) {

    public LambdaEnvironment {
        endpointOverrides = Map.copyOf(endpointOverrides);
    }

    public String functionArn(String functionName) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }

    /** The variables Lambda sets in every execution environment, then the template's, then the endpoint overrides. */
    public Map<String, String> forFunction(FunctionSpec spec, String runtimeApi, String logStream) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        env.put("AWS_LAMBDA_FUNCTION_NAME", spec.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memorySizeMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStream);
        if (spec.logFormat() != null && spec.logFormat().equalsIgnoreCase("JSON")) {
            env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
            env.put("AWS_LAMBDA_LOG_LEVEL", "INFO");
        }
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
        if (sessionToken != null) {
            env.put("AWS_SESSION_TOKEN", sessionToken);
        }
        env.put("LAMBDA_TASK_ROOT", spec.codeUri().toAbsolutePath().getParent().toString());
        env.put("_HANDLER", spec.handler());
        env.putAll(spec.environment());
        env.putAll(endpointOverrides);
        return env;
    }
}
