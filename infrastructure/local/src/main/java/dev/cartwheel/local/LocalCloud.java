package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.emulators.AwsClients;
import dev.cartwheel.emulators.Emulators;
import dev.cartwheel.emulators.Endpoints;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.template.FunctionEvent;
import dev.cartwheel.emulators.template.ResourceLookup;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.ServerlessFunction;
import dev.cartwheel.emulators.template.TemplateResource;
import dev.cartwheel.local.api.HttpApiGateway;
import dev.cartwheel.local.api.HttpApiSpec;
import dev.cartwheel.local.api.JwtAuthority;
import dev.cartwheel.local.api.RouteThrottles;
import dev.cartwheel.local.console.ConsoleBackend;
import dev.cartwheel.local.console.LocalConsole;
import dev.cartwheel.local.esm.DynamoDbStreamEventSourceMapping;
import dev.cartwheel.local.esm.SqsEventSourceMapping;
import dev.cartwheel.local.lambda.FunctionPool;
import dev.cartwheel.local.lambda.FunctionSpec;
import dev.cartwheel.local.lambda.LambdaEnvironment;
import dev.cartwheel.local.lambda.LambdaRuntime;
import dev.cartwheel.local.lambda.LambdaService;
import dev.cartwheel.local.provider.LocalStripe;
import dev.cartwheel.local.schedule.LocalScheduler;
import dev.cartwheel.local.schedule.ScheduleExpression;
import dev.cartwheel.local.schedule.ScheduleRule;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The whole backend, run locally from template.yaml: emulators (or external endpoints), the template's tables (with
 * their streams), queues, identities, event buses and secrets, a catalog, the functions under Lambda's runtime, the
 * HTTP API, the SQS and DynamoDB stream event source mappings, the Stripe simulator (its simulated customers complete
 * 3-D Secure; it sends its signed webhooks to the API) and the console.
 */
public final class LocalCloud implements AutoCloseable, ConsoleBackend {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String STACK_NAME = "cartwheel";
    /** The issuer of the local cloud's tokens (the one in events/*.json), used as the template's JwtIssuer. */
    public static final String LOCAL_ISSUER = "http://127.0.0.1:3000/_local/issuer";
    static final String JWT_ISSUER = "JwtIssuer";

    private final LocalCloudConfig config;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Emulators emulators;
    private Endpoints endpoints;
    private SamTemplate template;
    private ProvisionedResources provisioned;
    private DynamoDbClient dynamoDb;
    private SqsClient sqs;
    private LambdaService lambda;
    private HttpApiGateway gateway;
    private JwtAuthority authority;
    private HttpApiSpec api;
    private final List<SqsEventSourceMapping> mappings = new ArrayList<>();
    private final List<DynamoDbStreamEventSourceMapping> streamMappings = new ArrayList<>();
    private DynamoDbStreamsClient dynamoDbStreams;
    private EventBridgeClient eventBridge;
    private SecretsManagerClient secretsManager;
    private LocalStripe paymentProvider;
    private LocalScheduler scheduler;
    private List<FunctionSpec> functions;
    private long readyMillis;

    private LocalCloud(LocalCloudConfig config) {
        this.config = config;
    }

    /** Starts everything; returns once the API answers and the event source mappings poll. */
    public static LocalCloud start(LocalCloudConfig config) throws IOException {
        LocalCloud cloud = new LocalCloud(config);
        try {
            cloud.boot();
            return cloud;
        } catch (IOException | RuntimeException e) {
            cloud.close();
            throw e;
        }
    }

    private void boot() throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(config.home());
        authority = JwtAuthority.loadOrCreate(config.home().resolve("jwt-signing-key.pem"));
        // Stripe, simulated, unless the parameters point the stack at another Stripe (e.g. Stripe's test mode)
        Map<String, String> parameters = new java.util.HashMap<>(config.parameterOverrides());
        SamTemplate declared = SamTemplate.load(config.template());
        if (!parameters.containsKey(LocalStripe.API_BASE_PARAMETER)
                && declared.parameters().containsKey(LocalStripe.API_BASE_PARAMETER)) {
            int port = config.secretsManagerPort() == LocalCloudCli.SAM_SECRETS_MANAGER_PORT ? LocalStripe.SAM_PORT : 0;
            paymentProvider = LocalStripe.start(port, config.asyncPaymentDelay(),
                    line -> config.functionLog().accept("[Stripe] " + line));
            closeables.add(paymentProvider);
            parameters.put(LocalStripe.API_BASE_PARAMETER, paymentProvider.simulator().baseUrl().toString());
        }
        SamTemplate base = withLocalIssuer(declared, parameters).withRegion(config.region())
                .withAccountId(SamTemplate.DEFAULT_ACCOUNT_ID).withStackName(STACK_NAME);

        // ---- services: the embedded emulators, or the endpoint given
        if (config.awsEndpoint() == null) {
            emulators = Emulators.startEmbedded(config.dynamoDbPort(), config.sqsPort(), config.sesPort(),
                    config.eventBridgePort(), config.secretsManagerPort());
            Emulators started = emulators;
            // stopping ElasticMQ and DynamoDB Local can take many seconds: done in the background (a daemon thread,
            // so a CLI process exits at once; the function processes are stopped before)
            closeables.add(() -> Thread.ofPlatform().daemon().name("emulators-stop").start(() -> {
                try {
                    started.close();
                } catch (RuntimeException e) {
                    config.functionLog().accept("[LocalCloud] stopping the emulators: " + e);
                }
            }));
            Endpoints e = emulators.endpoints();
            endpoints = e.withRegion(config.region());
        } else {
            if (config.dynamoDbPort() != 0 || config.sqsPort() != 0 || config.sesPort() != 0 || config.eventBridgePort() != 0
                    || config.secretsManagerPort() != 0) {
                config.functionLog().accept("[LocalCloud] emulator ports ignored: using " + config.awsEndpoint());
            }
            endpoints = Endpoints.single(config.awsEndpoint(), config.region(),
                    envOr("AWS_ACCESS_KEY_ID", "test"), envOr("AWS_SECRET_ACCESS_KEY", "test"));
        }
        long tServices = System.nanoTime();
        dynamoDb = AwsClients.dynamoDb(endpoints);
        sqs = AwsClients.sqs(endpoints);
        dynamoDbStreams = AwsClients.dynamoDbStreams(endpoints);
        eventBridge = AwsClients.eventBridge(endpoints);
        secretsManager = AwsClients.secretsManager(endpoints);
        closeables.add(dynamoDb);
        closeables.add(sqs);
        closeables.add(dynamoDbStreams);
        closeables.add(eventBridge);
        closeables.add(secretsManager);

        // ---- the template's tables, queues, identities, event buses and secrets
        try (SesV2Client ses = AwsClients.sesV2(endpoints)) {
            provisioned = new Provisioner(dynamoDb, sqs, ses, eventBridge, secretsManager).provision(base, STACK_NAME);
        }
        long tProvisioned = System.nanoTime();
        config.functionLog().accept(String.format("[LocalCloud] services %d ms, provisioning %d ms",
                (tServices - t0) / 1_000_000, (tProvisioned - tServices) / 1_000_000));
        api = httpApi(base);
        ResourceLookup own = new ResourceLookup() {
            @Override
            public Optional<String> ref(String logicalId) {
                return logicalId.equals(api.logicalId()) ? Optional.of(api.apiId()) : Optional.empty();
            }

            @Override
            public Optional<Object> attribute(String logicalId, String attribute) {
                return Optional.empty();
            }
        };
        template = base.withResources(provisioned.orElse(own).orElse(base.resourceLookup()));
        api = httpApi(template);
        functions = functionSpecs(template);

        seedCatalog();

        // ---- functions, API, event source mappings
        LambdaRuntime runtime = LambdaRuntime.defaults(config.home().resolve("runtime"));
        LambdaEnvironment environment = new LambdaEnvironment(config.region(), SamTemplate.DEFAULT_ACCOUNT_ID,
                endpoints.accessKeyId(), endpoints.secretAccessKey(), null, Map.of(
                        "AWS_ENDPOINT_URL_DYNAMODB", endpoints.dynamoDb().toString(),
                        "AWS_ENDPOINT_URL_SQS", endpoints.sqs().toString(),
                        "AWS_ENDPOINT_URL_SESV2", endpoints.ses().toString(),
                        "AWS_ENDPOINT_URL_EVENTBRIDGE", endpoints.eventBridge().toString(),
                        "AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoints.secretsManager().toString()));
        lambda = new LambdaService(functions, runtime, environment, config.localConcurrency(),
                name -> line -> config.functionLog().accept("[" + name + "] " + line));
        closeables.add(lambda);
        if (config.prewarm()) {
            lambda.prewarm();
        }
        gateway = new HttpApiGateway(api, lambda, authority, SamTemplate.DEFAULT_ACCOUNT_ID, config.port(),
                new LocalConsole(this), line -> config.functionLog().accept("[HttpApi] " + line),
                RouteThrottles.fromTemplate(template, api.logicalId(), api.apiId()));
        closeables.add(gateway);
        gateway.start();
        for (FunctionSpec f : functions) {
            for (FunctionSpec.SqsMapping m : f.sqsMappings()) {
                SqsEventSourceMapping esm = new SqsEventSourceMapping(f.name(), m, lambda.pool(f.name()), sqs, config.region(),
                        config.fastRetrySeconds(), line -> config.functionLog().accept("[" + f.name() + "] " + line));
                mappings.add(esm);
                closeables.add(esm);
                esm.start();
            }
            for (FunctionSpec.StreamMapping m : f.streamMappings()) {
                Consumer<String> log = line -> config.functionLog().accept("[" + f.name() + "] " + line);
                if (!Files.exists(f.codeUri())) {
                    // a function not built yet: its records stay in the stream (24 h) for a later start to deliver
                    log.accept("event source mapping " + m.eventName() + " not started: " + f.codeUri() + " does not exist"
                            + " (mvn package builds it)");
                    continue;
                }
                DynamoDbStreamEventSourceMapping esm = new DynamoDbStreamEventSourceMapping(f.name(), m, lambda.pool(f.name()),
                        dynamoDbStreams, sqs, config.region(), environment.functionArn(f.name()), log);
                streamMappings.add(esm);
                closeables.add(esm);
                esm.start();
            }
        }
        scheduler = new LocalScheduler(scheduleRules(template), lambda, config.region(), SamTemplate.DEFAULT_ACCOUNT_ID,
                config.scheduleRateOverride(), line -> config.functionLog().accept("[Schedule] " + line));
        closeables.add(scheduler);
        scheduler.start();
        startPaymentProvider();
        readyMillis = (System.nanoTime() - t0) / 1_000_000;
        writeState();
    }

    /**
     * The Stripe simulator, registered as one registers with Stripe: its API key and webhook signing secret put in the
     * stack's secrets ({@value LocalStripe#API_KEY_SECRET}, {@value LocalStripe#WEBHOOK_SECRET}), its webhooks sent to
     * the path of the template's {@value LocalStripe#WEBHOOK_URL_OUTPUT} output on this cloud's API.
     */
    private void startPaymentProvider() {
        if (paymentProvider == null) {
            return;
        }
        Consumer<String> log = line -> config.functionLog().accept("[Stripe] " + line);
        var stripe = paymentProvider.simulator();
        if (provisioned.find(LocalStripe.API_KEY_SECRET).isPresent()) {
            secretsManager.putSecretValue(r -> r.secretId(provisioned.secretArn(LocalStripe.API_KEY_SECRET))
                    .secretString(stripe.apiKey()));
        }
        if (provisioned.find(LocalStripe.WEBHOOK_SECRET).isPresent()) {
            secretsManager.putSecretValue(r -> r.secretId(provisioned.secretArn(LocalStripe.WEBHOOK_SECRET))
                    .secretString(stripe.webhookSecret()));
        }
        Object url;
        try {
            url = template.outputs().get(LocalStripe.WEBHOOK_URL_OUTPUT);
        } catch (RuntimeException e) {
            log.accept("webhooks not sent: the template's Outputs do not resolve: " + e.getMessage());
            return;
        }
        if (url == null) {
            log.accept("webhooks not sent: the template has no " + LocalStripe.WEBHOOK_URL_OUTPUT + " output");
            return;
        }
        paymentProvider.sendWebhooksTo(apiUrl().resolve(URI.create(url.toString()).getRawPath()));
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    // ------------------------------------------------------------------ template -> local model

    private HttpApiSpec httpApi(SamTemplate t) {
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

    /**
     * The template with {@code overrides}, and with the local issuer as {@code JwtIssuer} unless the overrides name
     * one: the template wants an https issuer of a real deployment (AllowedPattern {@code ^https://}, no Default); the
     * local cloud signs its own tokens, so it serves the issuer {@value #LOCAL_ISSUER} and does not check that pattern.
     */
    public static SamTemplate withLocalIssuer(SamTemplate template, Map<String, String> overrides) {
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
            return new java.math.BigInteger(1, d).toString(36).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private List<FunctionSpec> functionSpecs(SamTemplate t) {
        Path root = config.template().toAbsolutePath().getParent();
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
            Map<String, Object> logging = map(f.properties().get("LoggingConfig"));
            String codeUri = f.codeUri();
            if (codeUri == null) {
                throw new IllegalStateException(f.logicalId() + " has no CodeUri");
            }
            Path code = root.resolve(codeUri).normalize();
            out.add(new FunctionSpec(f.logicalId(), code, f.handler(), f.memorySize(), f.timeout(),
                    f.reservedConcurrentExecutions(), f.environment(),
                    logging.get("LogFormat") == null ? "Text" : logging.get("LogFormat").toString(), http, sqsMappings, streams));
        }
        return out;
    }

    /** The rules SAM makes of the functions' {@code Schedule} events. */
    private List<ScheduleRule> scheduleRules(SamTemplate t) {
        List<ScheduleRule> out = new ArrayList<>();
        for (ServerlessFunction f : t.functions().values()) {
            for (FunctionEvent e : f.events(FunctionEvent.SCHEDULE)) {
                String where = f.logicalId() + ".Events." + e.name();
                ScheduleExpression expression;
                try {
                    expression = ScheduleExpression.parse(e.scheduleExpression()
                            .orElseThrow(() -> new IllegalArgumentException("no Schedule property")));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalStateException(where + ": " + ex.getMessage(), ex);
                }
                String name = e.string("Name").orElseGet(() -> ScheduleRule.physicalName(STACK_NAME, f.logicalId(), e.name()));
                boolean enabled = e.string("Enabled").map(Boolean::parseBoolean).orElse(true)
                        && !e.string("State").map("DISABLED"::equalsIgnoreCase).orElse(false);
                out.add(new ScheduleRule(f.logicalId(), e.name(), name, ScheduleRule.arn(config.region(),
                        SamTemplate.DEFAULT_ACCOUNT_ID, name), expression, enabled, e.string("Input").orElse(null)));
            }
            if (!f.events(FunctionEvent.SCHEDULE_V2).isEmpty()) {
                config.functionLog().accept("[Schedule] " + f.logicalId() + ": ScheduleV2 (EventBridge Scheduler) events are not triggered locally");
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ sam local invoke

    /**
     * The {@code --env-vars} file for {@code sam local invoke}: per function, the template's environment as this
     * cloud resolved it (physical table names, queue URLs) plus the {@code CARTWHEEL_ENDPOINT_URL_*} of the emulators (declared blank in the template), with
     * 127.0.0.1 replaced by {@code host} (e.g. {@code host.docker.internal}, how a SAM container reaches this machine).
     */
    public ObjectNode samEnvVars(String host) {
        ObjectNode out = JSON.createObjectNode();
        for (FunctionSpec f : functions) {
            ObjectNode env = out.putObject(f.name());
            new java.util.TreeMap<>(f.environment()).forEach((k, v) -> env.put(k, onHost(v, host)));
            env.put("CARTWHEEL_ENDPOINT_URL_DYNAMODB", onHost(endpoints.dynamoDb().toString(), host));
            env.put("CARTWHEEL_ENDPOINT_URL_SQS", onHost(endpoints.sqs().toString(), host));
            env.put("CARTWHEEL_ENDPOINT_URL_SESV2", onHost(endpoints.ses().toString(), host));
            env.put("CARTWHEEL_ENDPOINT_URL_EVENTBRIDGE", onHost(endpoints.eventBridge().toString(), host));
            env.put("CARTWHEEL_ENDPOINT_URL_SECRETS_MANAGER", onHost(endpoints.secretsManager().toString(), host));
        }
        return out;
    }

    private static String onHost(String value, String host) {
        return value.replace("://127.0.0.1:", "://" + host + ":").replace("://localhost:", "://" + host + ":");
    }

    // ------------------------------------------------------------------ catalog

    private void seedCatalog() throws IOException {
        Optional<String> productsTable = provisioned.resources().keySet().stream()
                .filter(id -> id.equals("ProductsTable")).findFirst();
        if (productsTable.isEmpty()) {
            return;
        }
        String table = provisioned.tableName(productsTable.get());
        JsonNode seed;
        if (config.seed() != null) {
            seed = JSON.readTree(config.seed().toFile());
        } else {
            try (InputStream in = LocalCloud.class.getResourceAsStream("/local-seed-catalog.json")) {
                seed = JSON.readTree(in);
            }
        }
        JsonNode products = seed.has("products") ? seed.get("products") : seed;
        for (JsonNode p : products) {
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            item.put("sku", AttributeValue.fromS(p.path("sku").asText()));
            item.put("name", AttributeValue.fromS(p.path("name").asText()));
            item.put("priceAmount", AttributeValue.fromN(Long.toString(p.path("price").path("amount").asLong())));
            item.put("currency", AttributeValue.fromS(p.path("price").path("currency").asText("USD")));
            item.put("available", AttributeValue.fromN(Long.toString(p.path("available").asLong())));
            item.put("reserved", AttributeValue.fromN("0"));
            item.put("sold", AttributeValue.fromN("0"));
            if (p.hasNonNull("taxCategory")) {
                item.put("taxCategory", AttributeValue.fromS(p.get("taxCategory").asText()));
            }
            dynamoDb.putItem(r -> r.tableName(table).item(item));
        }
        seedShopRules(table, seed);
    }

    /**
     * The seed's {@code shippingMethods} and {@code taxRates}, written as the items the functions read from the products
     * table (the layout of {@code DynamoDbShopRules}: one {@code shipping-methods} item with an attribute
     * {@code method#<id>} per method, one {@code tax-rates#<COUNTRY>} item per country, rates in parts per million).
     */
    private void seedShopRules(String table, JsonNode seed) {
        if (seed.has("shippingMethods")) {
            Map<String, AttributeValue> methods = new LinkedHashMap<>();
            methods.put("sku", AttributeValue.fromS("shipping-methods"));
            for (JsonNode m : seed.get("shippingMethods")) {
                Map<String, AttributeValue> method = new LinkedHashMap<>();
                method.put("id", AttributeValue.fromS(m.path("id").asText()));
                method.put("name", AttributeValue.fromS(m.path("name").asText()));
                method.put("minDays", AttributeValue.fromN(m.path("deliveryEstimate").path("minDays").asText("0")));
                method.put("maxDays", AttributeValue.fromN(m.path("deliveryEstimate").path("maxDays").asText("0")));
                if (m.hasNonNull("freeAbove")) {
                    method.put("freeAbove", seedMoney(m.get("freeAbove")));
                }
                List<AttributeValue> zones = new ArrayList<>();
                for (JsonNode z : m.path("zones")) {
                    List<AttributeValue> countries = new ArrayList<>();
                    z.path("countries").forEach(c -> countries.add(AttributeValue.fromS(c.asText())));
                    zones.add(AttributeValue.fromM(Map.of("name", AttributeValue.fromS(z.path("name").asText()),
                            "countries", AttributeValue.fromL(countries), "price", seedMoney(z.path("price")))));
                }
                method.put("zones", AttributeValue.fromL(zones));
                methods.put("method#" + m.path("id").asText(), AttributeValue.fromM(method));
            }
            dynamoDb.putItem(r -> r.tableName(table).item(methods));
        }
        for (JsonNode t : seed.path("taxRates")) {
            Map<String, AttributeValue> item = new LinkedHashMap<>(seedRateSet(t));
            item.put("sku", AttributeValue.fromS("tax-rates#" + t.path("country").asText()));
            item.put("country", AttributeValue.fromS(t.path("country").asText()));
            Map<String, AttributeValue> regions = new LinkedHashMap<>();
            t.path("regions").fields().forEachRemaining(e -> regions.put(e.getKey(), AttributeValue.fromM(seedRateSet(e.getValue()))));
            item.put("regions", AttributeValue.fromM(regions));
            dynamoDb.putItem(r -> r.tableName(table).item(item));
        }
    }

    private static Map<String, AttributeValue> seedRateSet(JsonNode set) {
        Map<String, AttributeValue> categories = new LinkedHashMap<>();
        set.path("categories").fields().forEachRemaining(e -> categories.put(e.getKey(), AttributeValue.fromN(ppm(e.getValue().asText()))));
        return Map.of("standardPpm", AttributeValue.fromN(ppm(set.path("standard").asText("0"))),
                "categories", AttributeValue.fromM(categories));
    }

    /** A percentage string ({@code "7.25"}) as parts per million ({@code 72500}), exactly. */
    private static String ppm(String percent) {
        return new java.math.BigDecimal(percent).movePointRight(4).toBigIntegerExact().toString();
    }

    private static AttributeValue seedMoney(JsonNode money) {
        return AttributeValue.fromM(Map.of("amount", AttributeValue.fromN(Long.toString(money.path("amount").asLong())),
                "currency", AttributeValue.fromS(money.path("currency").asText("USD"))));
    }

    // ------------------------------------------------------------------ accessors

    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + gateway.port());
    }

    public long readyMillis() {
        return readyMillis;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public SamTemplate template() {
        return template;
    }

    public ProvisionedResources provisioned() {
        return provisioned;
    }

    public LambdaService lambda() {
        return lambda;
    }

    public HttpApiGateway gateway() {
        return gateway;
    }

    public LocalCloudConfig config() {
        return config;
    }

    public LocalScheduler scheduler() {
        return scheduler;
    }

    public List<SqsEventSourceMapping> mappings() {
        return List.copyOf(mappings);
    }

    /** The DynamoDB stream event source mappings that run (not those of functions whose code is missing). */
    public List<DynamoDbStreamEventSourceMapping> streamMappings() {
        return List.copyOf(streamMappings);
    }

    public EventBridgeClient eventBridge() {
        return eventBridge;
    }

    public SecretsManagerClient secretsManager() {
        return secretsManager;
    }

    /** The Stripe simulator, unless the template has no {@code StripeApiBase} or it was pointed elsewhere. */
    public Optional<LocalStripe> paymentProvider() {
        return Optional.ofNullable(paymentProvider);
    }

    public Optional<Emulators> emulators() {
        return Optional.ofNullable(emulators);
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public JwtAuthority authority() {
        return authority;
    }

    @Override
    public String issuer() {
        String issuer = String.valueOf(template.parameterValues().get("JwtIssuer"));
        return issuer;
    }

    public String audience() {
        Object aud = template.parameterValues().get("JwtAudience");
        return aud == null ? "cartwheel" : aud.toString();
    }

    /** A dev token for this cloud's API. */
    public String token(String subject, String email, String scope) {
        return authority.issue(issuer(), audience(), subject, email, scope, 3600);
    }

    /** A dev token for this cloud's API whose {@code cognito:groups} claim lists {@code groups}. */
    public String token(String subject, String email, String scope, List<String> groups) {
        return authority.issue(issuer(), audience(), subject, email, scope, groups, 3600);
    }

    /** A dev token of an admin: the scopes and the template's {@code AdminGroup} in {@code cognito:groups}. */
    public String adminToken(String subject, String email, String scope) {
        return token(subject, email, scope, List.of(String.valueOf(template.parameterValues().get("AdminGroup"))));
    }

    private void writeState() throws IOException {
        ObjectNode state = JSON.createObjectNode();
        state.put("pid", ProcessHandle.current().pid());
        state.put("api", apiUrl().toString());
        state.put("dynamodb", endpoints.dynamoDb().toString());
        state.put("sqs", endpoints.sqs().toString());
        state.put("ses", endpoints.ses().toString());
        state.put("eventbridge", endpoints.eventBridge().toString());
        state.put("secretsmanager", endpoints.secretsManager().toString());
        state.put("region", endpoints.region());
        state.put("template", config.template().toAbsolutePath().toString());
        ObjectNode fns = state.putObject("functions");
        for (FunctionSpec f : functions) {
            ObjectNode env = fns.putObject(f.name());
            f.environment().forEach(env::put);
        }
        Path file = config.home().resolve("state-" + gateway.port() + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        closeables.add(() -> Files.deleteIfExists(file));
    }

    // ------------------------------------------------------------------ console

    @Override
    public JsonNode orders() {
        ArrayNode out = JSON.createArrayNode();
        if (provisioned.find("OrdersTable").isEmpty()) {
            return out;
        }
        String table = provisioned.tableName("OrdersTable");
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamoDb.scanPaginator(r -> r.tableName(table)).items().forEach(items::add);
        items.sort(Comparator.comparing((Map<String, AttributeValue> i) -> i.containsKey("createdAt") ? i.get("createdAt").s() : "")
                .reversed());
        items.forEach(i -> out.add(toJson(i)));
        return out;
    }

    @Override
    public JsonNode fulfilmentQueue() {
        ArrayNode out = JSON.createArrayNode();
        if (provisioned.find("OrdersTable").isEmpty()) {
            return out;
        }
        String table = provisioned.tableName("OrdersTable");
        try {
            dynamoDb.query(r -> r.tableName(table).indexName("fulfilmentQueue").keyConditionExpression("#s = :s")
                            .expressionAttributeNames(Map.of("#s", "shipmentQueue"))
                            .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("CONFIRMED")))
                            .scanIndexForward(true).limit(100))
                    .items().forEach(i -> {
                        ObjectNode o = JSON.createObjectNode();
                        o.put("orderId", i.get("orderId").s());
                        o.put("createdAt", i.containsKey("createdAt") ? i.get("createdAt").s() : "");
                        o.set("lines", toJson(i.getOrDefault("lines", AttributeValue.fromL(List.of()))));
                        if (i.containsKey("shipping")) {
                            o.set("shipping", toJson(i.get("shipping")));
                        }
                        if (i.containsKey("total")) {
                            o.set("total", toJson(i.get("total")));
                        }
                        out.add(o);
                    });
        } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException noIndex) {
            // a template without the fulfilmentQueue index has no queue to show
        }
        return out;
    }

    static JsonNode toJson(Map<String, AttributeValue> item) {
        ObjectNode o = JSON.createObjectNode();
        item.forEach((k, v) -> o.set(k, toJson(v)));
        return o;
    }

    static JsonNode toJson(AttributeValue v) {
        if (v.s() != null) {
            return JSON.getNodeFactory().textNode(v.s());
        }
        if (v.n() != null) {
            return JSON.getNodeFactory().numberNode(new java.math.BigDecimal(v.n()));
        }
        if (v.bool() != null) {
            return JSON.getNodeFactory().booleanNode(v.bool());
        }
        if (v.hasM()) {
            return toJson(v.m());
        }
        if (v.hasL()) {
            ArrayNode a = JSON.createArrayNode();
            v.l().forEach(e -> a.add(toJson(e)));
            return a;
        }
        if (v.hasSs()) {
            ArrayNode a = JSON.createArrayNode();
            v.ss().forEach(a::add);
            return a;
        }
        if (v.hasNs()) {
            ArrayNode a = JSON.createArrayNode();
            v.ns().forEach(n -> a.add(new java.math.BigDecimal(n)));
            return a;
        }
        return JSON.getNodeFactory().nullNode();
    }

    /** Source queue logical id by its DLQ logical id, from the RedrivePolicies. */
    private Map<String, String> sourceByDlq() {
        Map<String, String> out = new LinkedHashMap<>();
        for (TemplateResource q : template.resources(SamTemplate.SQS_QUEUE)) {
            Map<String, Object> redrive = map(template.resolvedProperties(q.logicalId()).get("RedrivePolicy"));
            Object target = redrive.get("deadLetterTargetArn");
            if (target != null) {
                provisioned.resources().values().stream().filter(r -> target.toString().equals(r.arn())).findFirst()
                        .ifPresent(dlq -> out.put(dlq.logicalId(), q.logicalId()));
            }
        }
        return out;
    }

    @Override
    public JsonNode queues() {
        ArrayNode out = JSON.createArrayNode();
        Map<String, String> sources = sourceByDlq();
        for (TemplateResource q : template.resources(SamTemplate.SQS_QUEUE)) {
            String url = provisioned.queueUrl(q.logicalId());
            var attrs = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes();
            ObjectNode n = out.addObject();
            n.put("logicalId", q.logicalId());
            n.put("name", provisioned.name(q.logicalId()));
            n.put("url", url);
            n.put("visible", Integer.parseInt(attrs.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")));
            n.put("inFlight", Integer.parseInt(attrs.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")));
            boolean dlq = sources.containsKey(q.logicalId());
            n.put("deadLetterQueue", dlq);
            if (dlq) {
                n.put("sourceQueue", sources.get(q.logicalId()));
                ArrayNode messages = n.putArray("messages");
                // peek: receive without hiding the messages (visibility 0)
                for (Message m : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(0)
                        .waitTimeSeconds(0).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages()) {
                    ObjectNode mn = messages.addObject();
                    mn.put("messageId", m.messageId());
                    mn.put("body", m.body());
                    mn.put("receiveCount", m.attributesAsStrings().get("ApproximateReceiveCount"));
                }
            }
        }
        return out;
    }

    @Override
    public int redrive(String deadLetterQueueName) {
        Map<String, String> sources = sourceByDlq();
        String dlqId = provisioned.resources().values().stream()
                .filter(r -> deadLetterQueueName.equals(r.name()) || deadLetterQueueName.equals(r.logicalId()))
                .map(r -> r.logicalId()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no queue " + deadLetterQueueName));
        String source = sources.get(dlqId);
        if (source == null) {
            throw new IllegalArgumentException(deadLetterQueueName + " is not a dead-letter queue");
        }
        String from = provisioned.queueUrl(dlqId);
        String to = provisioned.queueUrl(source);
        int moved = 0;
        while (true) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(from).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(30).messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                return moved;
            }
            for (Message m : batch) {
                sqs.sendMessage(r -> r.queueUrl(to).messageBody(m.body()).messageAttributes(m.messageAttributes()));
                sqs.deleteMessage(r -> r.queueUrl(from).receiptHandle(m.receiptHandle()));
                moved++;
            }
        }
    }

    @Override
    public JsonNode mail() {
        ArrayNode out = JSON.createArrayNode();
        JsonNode captured = capturedMail();
        List<JsonNode> list = new ArrayList<>();
        captured.forEach(list::add);
        list.sort(Comparator.comparing((JsonNode m) -> m.path("timestamp").asText()).reversed());
        list.forEach(out::add);
        return out;
    }

    private JsonNode capturedMail() {
        if (emulators != null) {
            ArrayNode a = JSON.createArrayNode();
            emulators.ses().messages().forEach(m -> {
                ObjectNode n = a.addObject();
                n.put("messageId", m.messageId());
                n.put("from", m.from());
                ArrayNode to = n.putArray("to");
                m.to().forEach(to::add);
                n.put("subject", m.subject());
                n.put("text", m.text());
                n.put("html", m.html());
                n.put("timestamp", m.timestamp().toString());
            });
            return a;
        }
        // an external endpoint: its mailbox where it has one, else the e-mail records Cartwheel writes
        return new ExternalMailbox(endpoints.ses(), dynamoDb, provisioned.tableName("IdempotencyTable")).messages();
    }

    /**
     * The events on the template's event buses, newest first: bus, time, detail-type, source, id, and the
     * {@code orderId} and {@code version} of the detail when it has them.
     */
    @Override
    public JsonNode busEvents() {
        List<JsonNode> events = new ArrayList<>();
        for (TemplateResource bus : template.resources(SamTemplate.EVENT_BUS)) {
            if (provisioned.find(bus.logicalId()).isEmpty()) {
                continue;
            }
            String name = provisioned.eventBusName(bus.logicalId());
            for (JsonNode e : capturedEvents(name)) {
                ObjectNode n = JSON.createObjectNode();
                n.put("bus", name);
                n.put("busLogicalId", bus.logicalId());
                n.put("id", e.path("id").asText());
                n.put("time", e.path("time").asText());
                n.put("source", e.path("source").asText());
                n.put("detailType", e.path("detail-type").asText());
                JsonNode detail = e.path("detail");
                if (detail.hasNonNull("orderId")) {
                    n.put("orderId", detail.get("orderId").asText());
                }
                if (detail.hasNonNull("version")) {
                    n.set("version", detail.get("version"));
                }
                n.set("detail", detail);
                events.add(n);
            }
        }
        // each bus's events come oldest first: reversed, a stable sort keeps events of the same second newest first
        java.util.Collections.reverse(events);
        events.sort(Comparator.comparing((JsonNode n) -> n.path("time").asText()).reversed());
        ArrayNode out = JSON.createArrayNode();
        events.forEach(out::add);
        return out;
    }

    /** EventBridge's envelopes of a bus's events, from the embedded capture server or an endpoint serving one. */
    private JsonNode capturedEvents(String busName) {
        if (emulators != null) {
            ArrayNode a = JSON.createArrayNode();
            emulators.eventBridge().events(busName).forEach(e -> a.add(e.envelope()));
            return a;
        }
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoints.eventBridge().resolve("/_captured?bus="
                    + java.net.URLEncoder.encode(busName, StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return JSON.readTree(r.body());
            }
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // an external endpoint without a capture API (e.g. LocalStack): the console shows no events
        }
        return JSON.createArrayNode();
    }

    /** The console's action: the order's customer completes or fails 3-D Secure at the Stripe simulator. */
    @Override
    public JsonNode authenticate(String orderId, boolean succeed) {
        if (paymentProvider == null) {
            throw new IllegalStateException("this local cloud runs no Stripe simulator");
        }
        var stripe = paymentProvider.simulator();
        JsonNode waiting = stripe.paymentIntentsOfOrder(orderId).stream()
                .filter(intent -> intent.path("status").asText().equals("requires_action")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no payment of " + orderId + " waits for 3-D Secure"));
        return stripe.authenticate(waiting.path("id").asText(), succeed);
    }

    /** The Stripe simulator's webhook delivery attempts, newest first. */
    @Override
    public JsonNode webhooks() {
        ArrayNode out = JSON.createArrayNode();
        if (paymentProvider == null) {
            return out;
        }
        for (var d : paymentProvider.deliveries().reversed()) {
            ObjectNode n = out.addObject();
            n.put("eventId", d.eventId());
            n.put("type", d.type());
            n.put("orderId", d.orderId());
            n.put("attempt", d.attempt());
            n.put("at", d.at().toString());
            n.put("status", d.status());
            n.put("response", d.response());
        }
        return out;
    }

    @Override
    public JsonNode functions() {
        ArrayNode out = JSON.createArrayNode();
        for (FunctionPool p : lambda.pools()) {
            ObjectNode n = out.addObject();
            n.put("name", p.spec().name());
            n.put("handler", p.spec().handler());
            n.put("codeUri", p.spec().codeUri().toString());
            n.put("environments", p.liveInstances());
            n.put("maxConcurrency", p.maxConcurrency());
            n.put("invocations", p.invocations());
            n.put("coldStarts", p.coldStarts());
        }
        return out;
    }

    @Override
    public JsonNode httpEvents() {
        ArrayNode out = JSON.createArrayNode();
        gateway.recentEvents().forEach(out::add);
        return out;
    }

    @Override
    public JsonNode jwks() {
        return authority.jwks();
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables.reversed()) {
            try {
                long t = System.nanoTime();
                c.close();
                long ms = (System.nanoTime() - t) / 1_000_000;
                if (ms > 500) {
                    config.functionLog().accept("[LocalCloud] closing " + c.getClass().getSimpleName() + " took " + ms + " ms");
                }
            } catch (Exception e) {
                config.functionLog().accept("shutdown: " + e);
            }
        }
        closeables.clear();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
