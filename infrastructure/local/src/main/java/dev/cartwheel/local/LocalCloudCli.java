package dev.cartwheel.local;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.local.api.JwtAuthority;
import dev.cartwheel.local.lambda.FunctionPool;
import dev.cartwheel.local.lambda.FunctionSpec;
import dev.cartwheel.local.lambda.InvocationResult;
import dev.cartwheel.local.lambda.LambdaEnvironment;
import dev.cartwheel.local.lambda.LambdaRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.io.FileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** {@code java -jar local-cloud.jar up | demo | invoke | token}. */
@Command(name = "local-cloud", mixinStandardHelpOptions = true, version = "cartwheel local cloud 1.0",
        description = "Runs Cartwheel from template.yaml on this machine: no Docker, no AWS account.",
        subcommands = {LocalCloudCli.Up.class, LocalCloudCli.Demo.class, LocalCloudCli.Invoke.class, LocalCloudCli.Token.class})
public final class LocalCloudCli implements Runnable {

    public static void main(String[] args) {
        int code = new CommandLine(new LocalCloudCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Options shared by the commands that read the template. */
    static final class TemplateOptions {
        @Option(names = "--template", description = "template.yaml (default: found from the working directory up, or next to the jar's project)")
        Path template;

        @Option(names = "--parameter-overrides", split = "\\s+", description = "Template parameters, SAM style: Key=Value Key2=Value2 (or ParameterKey=K,ParameterValue=V)")
        List<String> parameterOverrides = List.of();

        @Option(names = "--region", description = "Region (default: AWS_REGION or us-east-1)")
        String region;

        Path templatePath() {
            if (template != null) {
                return template;
            }
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                    return dir.resolve("template.yaml");
                }
            }
            Path runtimeDir = LambdaRuntime.defaultRuntimeDir(); // <root>/infrastructure/local/target/lambda-runtime
            Path candidate = runtimeDir.getParent().getParent().getParent().getParent().resolve("template.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            throw new CommandLine.ParameterException(new CommandLine(new LocalCloudCli()),
                    "template.yaml not found: run from the project or pass --template");
        }

        Map<String, String> overrides() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String o : parameterOverrides) {
                if (o.isBlank()) {
                    continue;
                }
                if (o.startsWith("ParameterKey=")) {
                    String[] kv = o.split(",", 2);
                    out.put(kv[0].substring("ParameterKey=".length()), kv[1].substring("ParameterValue=".length()));
                } else {
                    int eq = o.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--parameter-overrides: expected Key=Value, got " + o);
                    }
                    out.put(o.substring(0, eq), o.substring(eq + 1));
                }
            }
            return out;
        }

        String region() {
            if (region != null) {
                return region;
            }
            String env = System.getenv("AWS_REGION");
            return env == null || env.isBlank() ? "us-east-1" : env;
        }
    }

    /** Options of the commands that start a local cloud. */
    static final class CloudOptions {
        @Mixin
        TemplateOptions template = new TemplateOptions();

        @Option(names = "--aws-endpoint", description = "Use this AWS-compatible endpoint (e.g. a running LocalStack) instead of the embedded emulators (default: AWS_ENDPOINT_URL)")
        URI awsEndpoint;

        @Option(names = "--seed", description = "Catalog to seed, {\"products\":[{sku,name,price:{amount,currency},available}]} (default: the built-in sample catalog)")
        Path seed;

        @Option(names = "--port", defaultValue = "3000", description = "HTTP API port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = any free port)")
        int port;

        @Option(names = "--max-concurrency", defaultValue = "3", description = "Execution environments per function without ReservedConcurrentExecutions (default: ${DEFAULT-VALUE})")
        int maxConcurrency;

        @Option(names = "--fast-retry", arity = "0..1", fallbackValue = "2", paramLabel = "SECONDS",
                description = "Local shortcut, off by default: give failed SQS messages this visibility timeout (default 2 s) instead of the queue's VisibilityTimeout (120 s in the template)")
        Integer fastRetry;

        @Option(names = "--no-prewarm", negatable = false, description = "Start execution environments on first invocation only")
        boolean noPrewarm;

        @Option(names = {"-v", "--verbose"}, description = "Also print function logs, REPORT lines and the emulators' own output (always in the log file)")
        boolean verbose;

        @Option(names = "--schedule-rate-override", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Local shortcut, off by default: fire every Schedule event (e.g. the reconciler's rate(5 minutes)) "
                        + "every DURATION instead: 10s, 500ms, 2m, 1h or ISO-8601 (PT10S)")
        java.time.Duration scheduleRateOverride;

        @Option(names = "--async-payment-delay", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2s",
                description = "How long the simulated customer takes to complete 3-D Secure at the Stripe simulator "
                        + "(payment method pm_card_authenticationRequired) before Stripe sends its signed webhook; 0s: never "
                        + "by itself (POST <stripe>/_sim/payment_intents/{id}/authenticate?outcome=succeed|fail) (default: ${DEFAULT-VALUE})")
        java.time.Duration asyncPaymentDelay;

        LocalCloudConfig config(Consumer<String> log) {
            URI endpoint = awsEndpoint;
            if (endpoint == null) {
                String env = System.getenv("AWS_ENDPOINT_URL");
                if (env != null && !env.isBlank()) {
                    endpoint = URI.create(env);
                }
            }
            return new LocalCloudConfig(template.templatePath(), template.overrides(), endpoint, template.region(), seed, port,
                    maxConcurrency, fastRetry, !noPrewarm, log, LocalCloudConfig.defaultHome(), scheduleRateOverride, 0, 0, 0, 0, 0,
                    asyncPaymentDelay);
        }
    }

    /** Reads {@code --schedule-rate-override}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<java.time.Duration> {
        @Override
        public java.time.Duration convert(String value) {
            try {
                return dev.cartwheel.local.schedule.LocalScheduler.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static Consumer<String> fileLog(Path file, boolean echo) {
        try {
            Files.createDirectories(file.getParent());
            PrintWriter w = new PrintWriter(new FileWriter(file.toFile(), true), true);
            return line -> {
                synchronized (w) {
                    w.println(line);
                }
                if (echo) {
                    System.out.println(line);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path logFile(String command) {
        return LocalCloudConfig.defaultHome().resolve("logs")
                .resolve(command + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".log");
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Start the local cloud and keep it running (Ctrl-C stops it).")
    static final class Up implements Callable<Integer> {
        @Mixin
        CloudOptions options = new CloudOptions();

        @Option(names = "--dynamodb-port", defaultValue = "0",
                description = "Port of the embedded DynamoDB Local on 127.0.0.1 (default: any free port; fix it for sam local invoke --env-vars, e.g. 8000)")
        int dynamoDbPort;

        @Option(names = "--sqs-port", defaultValue = "0",
                description = "Port of the embedded ElasticMQ on 127.0.0.1 (default: any free port; e.g. 9324)")
        int sqsPort;

        @Option(names = "--ses-port", defaultValue = "0",
                description = "Port of the SES capture server on 127.0.0.1 (default: any free port; e.g. 8025)")
        int sesPort;

        @Option(names = "--eventbridge-port", defaultValue = "0",
                description = "Port of the EventBridge capture server on 127.0.0.1 (default: any free port; e.g. " + SAM_EVENTBRIDGE_PORT + ")")
        int eventBridgePort;

        @Option(names = "--secrets-manager-port", defaultValue = "0",
                description = "Port of the Secrets Manager server on 127.0.0.1 (default: any free port; e.g. " + SAM_SECRETS_MANAGER_PORT + ")")
        int secretsManagerPort;

        @Option(names = "--sam-env-vars", paramLabel = "FILE",
                description = "Also write the env-vars file for `sam local invoke --env-vars FILE` (endpoints on host.docker.internal)")
        Path samEnvVars;

        @Override
        public Integer call() throws Exception {
            Path log = logFile("up");
            LocalCloud cloud = ThirdPartyOutput.intoLog(log, options.verbose, () -> LocalCloud.start(options.config(fileLog(log,
                    options.verbose)).withEmulatorPorts(dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort)));
            if (samEnvVars != null) {
                Files.writeString(samEnvVars, new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(cloud.samEnvVars("host.docker.internal")) + System.lineSeparator());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("stopping the local cloud...");
                cloud.close();
                stopped.countDown();
            }));
            String token = cloud.token("alice", "alice@example.com", "orders/read orders/write");
            String api = cloud.apiUrl().toString();
            System.out.printf("""

                    Cartwheel local cloud is up (ready in %d ms).
                      HTTP API     %s
                      Console      %s/_local/
                      DynamoDB     %s
                      SQS          %s
                      SES          %s
                      EventBridge  %s   (order events in the console)
                      Secrets      %s
                      Payments     %s
                      Issuer       %s   (JWKS: %s/_local/issuer/.well-known/jwks.json)
                      Logs         %s

                    Dev token (sub=alice, scope "orders/read orders/write", 1 h):
                      export TOKEN=%s

                    Try:
                      curl -s %s/products
                      curl -s -X POST %s/orders -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
                           -H "Idempotency-Key: $(od -An -N16 -tx1 /dev/urandom | tr -d ' \\n')" -d '{"items":[{"sku":"ESPRESSO-CUP","quantity":2}],"paymentToken":"pm_card_visa","shippingAddress":{"name":"Alice Example","line1":"1 Market Street","city":"San Francisco","region":"CA","postalCode":"94105","country":"US"},"shippingMethod":"standard"}'
                      curl -s %s/orders -H "Authorization: Bearer $TOKEN"

                    sam local invoke (Docker) against these services:
                      %s
                    %s
                    Ctrl-C stops it.
                    %n""", cloud.readyMillis(), api, api, cloud.endpoints().dynamoDb(), cloud.endpoints().sqs(),
                    cloud.endpoints().ses(), cloud.endpoints().eventBridge(), cloud.endpoints().secretsManager(), providerHint(cloud),
                    cloud.issuer(), api, log, token, api, api, api, samHint(cloud), scheduleHint(cloud));
            stopped.await();
            return 0;
        }
    }

    /** What the Stripe simulator does, for the {@code up} banner. */
    static String providerHint(LocalCloud cloud) {
        return cloud.paymentProvider().map(p -> "Stripe simulator: " + p.simulator().baseUrl() + " (pm_card_visa, "
                + "pm_card_chargeDeclined, pm_card_authenticationRequired: 3-D Secure completed after " + p.delay().toMillis()
                + " ms, or POST " + p.simulator().baseUrl() + "/_sim/payment_intents/{id}/authenticate?outcome=succeed|fail);"
                + " signed webhooks to " + p.webhookUrl() + " (deliveries in the console)")
                .orElse("no Stripe simulator (StripeApiBase points elsewhere, or the template has none)");
    }

    /** How to point {@code sam local invoke --env-vars} at this cloud. */
    static String samHint(LocalCloud cloud) {
        String ports = "--dynamodb-port " + cloud.endpoints().dynamoDb().getPort() + " --sqs-port " + cloud.endpoints().sqs().getPort()
                + " --ses-port " + cloud.endpoints().ses().getPort() + " --eventbridge-port " + cloud.endpoints().eventBridge().getPort()
                + " --secrets-manager-port " + cloud.endpoints().secretsManager().getPort();
        boolean committed = cloud.endpoints().dynamoDb().getPort() == SAM_DYNAMODB_PORT && cloud.endpoints().sqs().getPort() == SAM_SQS_PORT
                && cloud.endpoints().ses().getPort() == SAM_SES_PORT && cloud.endpoints().eventBridge().getPort() == SAM_EVENTBRIDGE_PORT
                && cloud.endpoints().secretsManager().getPort() == SAM_SECRETS_MANAGER_PORT;
        return committed
                ? "sam local invoke CheckoutFunction --env-vars events/env.json -e events/checkout-post-order.json"
                : "events/env.json expects up --dynamodb-port " + SAM_DYNAMODB_PORT + " --sqs-port " + SAM_SQS_PORT + " --ses-port "
                        + SAM_SES_PORT + " --eventbridge-port " + SAM_EVENTBRIDGE_PORT + " --secrets-manager-port " + SAM_SECRETS_MANAGER_PORT
                        + "; for these ports (" + ports + ") write your own with up --sam-env-vars FILE";
    }

    static String scheduleHint(LocalCloud cloud) {
        StringBuilder sb = new StringBuilder();
        for (var rule : cloud.scheduler().rules()) {
            sb.append(String.format("Schedule: %s runs %s%s%n", rule.functionName(), rule.expression().text(),
                    cloud.config().scheduleRateOverride() == null ? "" : " (overridden: every " + cloud.config().scheduleRateOverride() + ")"));
        }
        return sb.toString();
    }

    /** The emulator ports events/env.json is written for. */
    static final int SAM_DYNAMODB_PORT = 8000;
    static final int SAM_SQS_PORT = 9324;
    static final int SAM_SES_PORT = 8025;
    static final int SAM_EVENTBRIDGE_PORT = 8050;
    static final int SAM_SECRETS_MANAGER_PORT = 8060;

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Start the local cloud, place a good order (then refund part of it), an out-of-stock, a declined, a cancelled "
                    + "and an asynchronously authorized order (3-D Secure, then confirmed by Stripe's webhook), print their timelines and e-mails; "
                    + "exit 0 if all ended as expected.")
    static final class Demo implements Callable<Integer> {
        @Mixin
        CloudOptions options = new CloudOptions();

        @Option(names = "--timeout", defaultValue = "50", description = "Seconds to wait for the orders (default: ${DEFAULT-VALUE})")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            long t0 = System.nanoTime();
            Path log = logFile("demo");
            System.out.println("Starting the local cloud (function logs: " + log + ")...");
            try (LocalCloud cloud = ThirdPartyOutput.intoLog(log, options.verbose,
                    () -> LocalCloud.start(options.config(fileLog(log, options.verbose))))) {
                System.out.printf("Local cloud ready in %d ms at %s (console %s/_local/)%n", cloud.readyMillis(), cloud.apiUrl(), cloud.apiUrl());
                boolean ok = new DemoRun(cloud, System.out).run(java.time.Duration.ofSeconds(timeoutSeconds));
                System.out.printf("%nDemo %s in %.1f s%n", ok ? "PASSED" : "FAILED", (System.nanoTime() - t0) / 1e9);
                return ok ? 0 : 1;
            }
        }
    }

    @Command(name = "invoke", mixinStandardHelpOptions = true,
            description = "Invoke one function once, cold, with an event file; print its response and REPORT line (against a running `up`, or its own emulators).")
    static final class Invoke implements Callable<Integer> {
        @Mixin
        CloudOptions options = new CloudOptions();

        @Parameters(index = "0", description = "The function's logical id, e.g. CheckoutFunction")
        String function;

        @Option(names = {"-e", "--event"}, required = true, description = "The event JSON file (e.g. events/checkout-post-order.json)")
        Path event;

        @Override
        public Integer call() throws Exception {
            byte[] payload = Files.readAllBytes(event);
            Consumer<String> out = line -> System.err.println(line);
            RunningCloud running = RunningCloud.find(LocalCloudConfig.defaultHome());
            if (running != null) {
                System.err.println("Using the running local cloud at " + running.api());
                SamTemplate t = LocalCloud.withLocalIssuer(SamTemplate.load(options.template.templatePath()), options.template.overrides());
                FunctionSpec spec = running.functionSpec(t, function, options.template.templatePath());
                LambdaRuntime runtime = LambdaRuntime.defaults(LocalCloudConfig.defaultHome().resolve("runtime"));
                try (FunctionPool pool = new FunctionPool(spec, runtime, running.environment(), 1, out)) {
                    return print(pool.invoke(payload));
                }
            }
            System.err.println("No running local cloud: starting emulators for this invocation...");
            LocalCloudConfig config = options.config(out).withPort(0).withPrewarm(false);
            try (LocalCloud cloud = LocalCloud.start(config)) {
                return print(cloud.lambda().pool(function).invoke(payload));
            }
        }

        private static int print(InvocationResult r) {
            System.out.println(r.payloadAsString());
            System.err.println(r.reportLine());
            return r.ok() ? 0 : 1;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Print a signed dev JWT for the local API (and nothing else on stdout).")
    static final class Token implements Callable<Integer> {
        @Mixin
        TemplateOptions template = new TemplateOptions();

        @Option(names = "--sub", required = true, description = "Subject (the customer id)")
        String sub;

        @Option(names = "--scope", defaultValue = "orders/read orders/write", description = "Space-separated scopes (default: ${DEFAULT-VALUE})")
        String scope;

        @Option(names = "--email", description = "E-mail claim (default: SUB@example.com)")
        String email;

        @Option(names = "--ttl", defaultValue = "3600", description = "Lifetime in seconds (default: ${DEFAULT-VALUE})")
        long ttl;

        @Option(names = "--group", description = "A group for the cognito:groups claim (repeatable); admin routes need "
                + "the template's AdminGroup (default cartwheel-admin)")
        List<String> groups = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            SamTemplate t = LocalCloud.withLocalIssuer(SamTemplate.load(template.templatePath()), template.overrides());
            Map<String, Object> params = t.parameterValues();
            JwtAuthority authority = JwtAuthority.loadOrCreate(LocalCloudConfig.defaultHome().resolve("jwt-signing-key.pem"));
            String mail = email == null ? sub + "@example.com" : email;
            System.out.println(authority.issue(String.valueOf(params.get("JwtIssuer")), String.valueOf(params.get("JwtAudience")),
                    sub, mail, scope, groups, ttl));
            return 0;
        }
    }

    /** A local cloud started by {@code up}, found through its state file. */
    record RunningCloud(com.fasterxml.jackson.databind.JsonNode state) {
        static RunningCloud find(Path home) throws IOException {
            if (!Files.isDirectory(home)) {
                return null;
            }
            try (var files = Files.list(home)) {
                for (Path p : files.filter(f -> f.getFileName().toString().matches("state-\\d+\\.json")).toList()) {
                    var state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.toFile());
                    if (ProcessHandle.of(state.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false)) {
                        return new RunningCloud(state);
                    }
                }
            }
            return null;
        }

        String api() {
            return state.path("api").asText();
        }

        LambdaEnvironment environment() {
            return new LambdaEnvironment(state.path("region").asText(), SamTemplate.DEFAULT_ACCOUNT_ID,
                    dev.cartwheel.emulators.Endpoints.DUMMY_ACCESS_KEY_ID, dev.cartwheel.emulators.Endpoints.DUMMY_SECRET_ACCESS_KEY, null,
                    Map.of("AWS_ENDPOINT_URL_DYNAMODB", state.path("dynamodb").asText(),
                            "AWS_ENDPOINT_URL_SQS", state.path("sqs").asText(),
                            "AWS_ENDPOINT_URL_SESV2", state.path("ses").asText(),
                            "AWS_ENDPOINT_URL_EVENTBRIDGE", state.path("eventbridge").asText(state.path("ses").asText()),
                            "AWS_ENDPOINT_URL_SECRETS_MANAGER", state.path("secretsmanager").asText(state.path("ses").asText())));
        }

        FunctionSpec functionSpec(SamTemplate t, String name, Path templatePath) {
            var f = t.function(name);
            Map<String, String> env = new LinkedHashMap<>();
            state.path("functions").path(name).properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            var logging = f.properties().get("LoggingConfig");
            String format = logging instanceof Map<?, ?> m && m.get("LogFormat") != null ? m.get("LogFormat").toString() : "Text";
            return new FunctionSpec(name, templatePath.toAbsolutePath().getParent().resolve(f.codeUri()).normalize(), f.handler(),
                    f.memorySize(), f.timeout(), f.reservedConcurrentExecutions(), env, format, List.of(), List.of());
        }
    }
}
