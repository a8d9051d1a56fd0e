package dev.cartwheel.local;

import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.template.FunctionEvent;
import dev.cartwheel.emulators.template.ResourceLookup;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.ServerlessFunction;
import dev.cartwheel.emulators.template.TemplateResource;
import dev.cartwheel.local.api.HttpApiSpec;
import dev.cartwheel.local.lambda.FunctionSpec;
import dev.cartwheel.local.schedule.ScheduleExpression;
import dev.cartwheel.local.schedule.ScheduleRule;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the local cloud runs, read from the template once its resources exist: the template with their names, ARNs and
 * URLs resolved, the HTTP API (routes, JWT authorizers), each function (code, handler, environment, HTTP routes, SQS
 * and DynamoDB stream event source mappings) and the rules SAM makes of {@code Schedule} events.
 *
 * @param template  the template, its {@code Ref}s and {@code Fn::GetAtt}s resolved against the provisioned resources
 * @param api       the HTTP API
 * @param functions the functions, in the template's order
 */
record TemplateModel(SamTemplate template, HttpApiSpec api, List<FunctionSpec> functions) {

    /** The issuer of the local cloud's tokens (the one in events/*.json), used as the template's JwtIssuer. */
    static final String LOCAL_ISSUER = "http://127.0.0.1:3000/_local/issuer";
    static final String JWT_ISSUER = "JwtIssuer";

    TemplateModel {
        functions = List.copyOf(functions);
    }

    /**
     * The model of {@code base} once {@code provisioned} exist; the functions' {@code CodeUri}s are resolved against
     * {@code root}, the template's directory.
     */
    static TemplateModel of(SamTemplate base, ProvisionedResources provisioned, Path root) {
        SamTemplate template = base.withResources(provisioned.orElse(apiLookup(base)).orElse(base.resourceLookup()));
        HttpApiSpec resolved = httpApi(template);
        return new TemplateModel(template, resolved, functionSpecs(template, resolved, provisioned, root));
    }

    /**
     * The functions behind the HTTP API (and on no queue or stream) as {@link #of} will make them once the resources
     * are provisioned as {@code planned}, for those whose environment needs nothing unknown ahead (no secret's ARN, no
     * {@code Fn::GetAtt}); a plan, to be compared with the model.
     */
    static List<FunctionSpec> plannedHttpFunctions(SamTemplate base, PlannedResources planned, Path root) {
        SamTemplate template = base.withResources(planned.orElse(apiLookup(base)).orElse(base.resourceLookup()));
        HttpApiSpec api = httpApi(template);
        List<FunctionSpec> out = new ArrayList<>();
        for (ServerlessFunction f : template.functions().values()) {
            List<FunctionSpec.HttpRoute> http = api.routes().stream().filter(r -> r.functionName().equals(f.logicalId()))
                    .map(HttpApiSpec.Route::route).toList();
            boolean planable = !http.isEmpty() && f.events(FunctionEvent.SQS).isEmpty()
                    && f.events(FunctionEvent.DYNAMODB).isEmpty()
                    && f.environment().values().stream().noneMatch(v -> v.contains(PlannedResources.UNPLANNED));
            if (planable) {
                out.add(functionSpec(f, root, f.environment(), http, List.of(), List.of()));
            }
        }
        return out;
    }

    /** The API is no provisioned resource: its Ref is the API's id. */
    private static ResourceLookup apiLookup(SamTemplate base) {
        HttpApiSpec declared = httpApi(base);
        return new ResourceLookup() {
            @Override
            public Optional<String> ref(String logicalId) {
                return logicalId.equals(declared.logicalId()) ? Optional.of(declared.apiId()) : Optional.empty();
            }

            @Override
            public Optional<Object> attribute(String logicalId, String attribute) {
                return Optional.empty();
            }
        };
    }

    /**
     * The template with {@code overrides}, and with the local issuer as {@code JwtIssuer} unless the overrides name
     * one: the template wants an https issuer of a real deployment (AllowedPattern {@code ^https://}, no Default); the
     * local cloud signs its own tokens, so it serves the issuer {@value #LOCAL_ISSUER} and does not check that pattern.
     */
    static SamTemplate withLocalIssuer(SamTemplate template, Map<String, String> overrides) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        if (template.parameters().containsKey(JWT_ISSUER)) {
            all.putIfAbsent(JWT_ISSUER, LOCAL_ISSUER);
        }
        return template.withParameters(all);
    }

    /** A stable, API-Gateway-looking id (10 lower-case alphanumerics) for the API's logical id. */
    static String apiId(String logicalId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(logicalId.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, d).toString(36).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpApiSpec httpApi(SamTemplate t) {
        List<TemplateResource> apis = t.resources("AWS::Serverless::HttpApi");
        String logicalId = apis.isEmpty() ? "ServerlessHttpApi" : apis.getFirst().logicalId();
        String defaultAuthorizer = null;
        Map<String, HttpApiSpec.JwtAuthorizer> authorizers = new LinkedHashMap<>();
        if (!apis.isEmpty()) {
            Map<String, Object> props = t.resolvedProperties(logicalId);
            Map<String, Object> auth = map(props.get("Auth"));
            defaultAuthorizer = auth.get("DefaultAuthorizer") == null ? null : auth.get("DefaultAuthorizer").toString();
            map(auth.get("Authorizers")).forEach((name, value) -> {
                Map<String, Object> a = map(value);
                Map<String, Object> jwt = map(a.get("JwtConfiguration"));
                Object aud = jwt.get("audience");
                List<String> audiences = aud instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                        : aud == null ? List.of() : List.of(aud.toString());
                authorizers.put(name, new HttpApiSpec.JwtAuthorizer(name,
                        a.get("IdentitySource") == null ? null : a.get("IdentitySource").toString(),
                        String.valueOf(jwt.get("issuer")), audiences));
            });
        }
        String apiId = apiId(logicalId);
        List<HttpApiSpec.Route> routes = new ArrayList<>();
        for (ServerlessFunction f : t.functions().values()) {
            for (FunctionEvent e : f.events(FunctionEvent.HTTP_API)) {
                String eventApi = e.apiId().orElse(null);
                if (eventApi != null && !eventApi.equals(logicalId) && !eventApi.equals(apiId)) {
                    continue;
                }
                routes.add(new HttpApiSpec.Route(f.logicalId(), new FunctionSpec.HttpRoute(e.name(),
                        e.method().orElse("ANY"), e.path().orElse("$default"), e.authorizer().orElse(null),
                        e.authorizationScopes())));
            }
        }
        return new HttpApiSpec(logicalId, apiId, defaultAuthorizer, authorizers, routes);
    }

    private static List<FunctionSpec> functionSpecs(SamTemplate t, HttpApiSpec api, ProvisionedResources provisioned, Path root) {
        List<FunctionSpec> out = new ArrayList<>();
        for (ServerlessFunction f : t.functions().values()) {
            List<FunctionSpec.HttpRoute> http = api.routes().stream().filter(r -> r.functionName().equals(f.logicalId()))
                    .map(HttpApiSpec.Route::route).toList();
            List<FunctionSpec.SqsMapping> sqsMappings = new ArrayList<>();
            for (FunctionEvent e : f.events(FunctionEvent.SQS)) {
                String arn = e.queueArn().orElseThrow();
                String queueLogicalId = provisioned.resources().values().stream()
                        .filter(r -> arn.equals(r.arn())).map(r -> r.logicalId()).findFirst()
                        .orElseThrow(() -> new IllegalStateException(f.logicalId() + "." + e.name() + ": no queue with ARN " + arn));
                boolean enabled = e.string("Enabled").map(Boolean::parseBoolean).orElse(true);
                sqsMappings.add(new FunctionSpec.SqsMapping(e.name(), arn, provisioned.queueUrl(queueLogicalId),
                        e.batchSize(), e.maximumBatchingWindowInSeconds(), e.reportsBatchItemFailures(), enabled));
            }
            List<FunctionSpec.StreamMapping> streams = new ArrayList<>();
            for (FunctionEvent e : f.events(FunctionEvent.DYNAMODB)) {
                String arn = e.streamArn().orElseThrow(() -> new IllegalStateException(f.logicalId() + "." + e.name() + " has no Stream"));
                String table = provisioned.resources().values().stream()
                        .filter(r -> arn.equals(r.attributes().get("StreamArn"))).map(r -> r.name()).findFirst()
                        .orElseThrow(() -> new IllegalStateException(f.logicalId() + "." + e.name() + ": no table with stream " + arn));
                streams.add(new FunctionSpec.StreamMapping(e.name(), arn, table, e.batchSize(), e.maximumBatchingWindowInSeconds(),
                        e.startingPosition().orElse("TRIM_HORIZON"), e.maximumRetryAttempts(), e.maximumRecordAgeInSeconds(),
                        e.bisectBatchOnFunctionError(), e.reportsBatchItemFailures(), e.onFailureDestinationArn().orElse(null),
                        e.enabled()));
            }
            out.add(functionSpec(f, root, f.environment(), http, sqsMappings, streams));
        }
        return out;
    }

    /** A function as the template declares it, with this environment, routes and event source mappings. */
    static FunctionSpec functionSpec(ServerlessFunction f, Path root, Map<String, String> environment,
                                     List<FunctionSpec.HttpRoute> http, List<FunctionSpec.SqsMapping> sqsMappings,
                                     List<FunctionSpec.StreamMapping> streams) {
        String codeUri = f.codeUri();
        if (codeUri == null) {
            throw new IllegalStateException(f.logicalId() + " has no CodeUri");
        }
        Object logFormat = map(f.properties().get("LoggingConfig")).get("LogFormat");
        return new FunctionSpec(f.logicalId(), root.resolve(codeUri).normalize(), f.handler(), f.memorySize(), f.timeout(),
                f.reservedConcurrentExecutions(), environment, logFormat == null ? "Text" : logFormat.toString(), http,
                sqsMappings, streams);
    }

    /** The rules SAM makes of the functions' {@code Schedule} events, named as in the stack {@code stackName}. */
    List<ScheduleRule> scheduleRules(String stackName, String region, Consumer<String> log) {
        List<ScheduleRule> out = new ArrayList<>();
        for (ServerlessFunction f : template.functions().values()) {
            for (FunctionEvent e : f.events(FunctionEvent.SCHEDULE)) {
                String where = f.logicalId() + ".Events." + e.name();
                ScheduleExpression expression;
                try {
                    expression = ScheduleExpression.parse(e.scheduleExpression()
                            .orElseThrow(() -> new IllegalArgumentException("no Schedule property")));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalStateException(where + ": " + ex.getMessage(), ex);
                }
                String name = e.string("Name").orElseGet(() -> ScheduleRule.physicalName(stackName, f.logicalId(), e.name()));
                boolean enabled = e.string("Enabled").map(Boolean::parseBoolean).orElse(true)
                        && !e.string("State").map("DISABLED"::equalsIgnoreCase).orElse(false);
                out.add(new ScheduleRule(f.logicalId(), e.name(), name, ScheduleRule.arn(region,
                        SamTemplate.DEFAULT_ACCOUNT_ID, name), expression, enabled, e.string("Input").orElse(null)));
            }
            if (!f.events(FunctionEvent.SCHEDULE_V2).isEmpty()) {
                log.accept("[Schedule] " + f.logicalId() + ": ScheduleV2 (EventBridge Scheduler) events are not triggered locally");
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
