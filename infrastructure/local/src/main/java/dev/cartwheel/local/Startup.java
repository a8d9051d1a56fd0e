package dev.cartwheel.local;

import dev.cartwheel.emulators.Endpoints;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.local.api.HttpApiGateway;
import dev.cartwheel.local.api.JwtAuthority;
import dev.cartwheel.local.api.RouteThrottles;
import dev.cartwheel.local.console.LocalConsole;
import dev.cartwheel.local.esm.DynamoDbStreamEventSourceMapping;
import dev.cartwheel.local.esm.SqsEventSourceMapping;
import dev.cartwheel.local.lambda.EarlyEnvironments;
import dev.cartwheel.local.lambda.FunctionSpec;
import dev.cartwheel.local.lambda.LambdaEnvironment;
import dev.cartwheel.local.lambda.LambdaRuntime;
import dev.cartwheel.local.lambda.LambdaService;
import dev.cartwheel.local.provider.LocalStripe;
import dev.cartwheel.local.schedule.LocalScheduler;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Starts a local cloud: the services (emulators or an endpoint) first, in the background, while the signing key, the
 * template and the Stripe simulator load and the first functions behind the HTTP API start their environment ahead;
 * the template's resources, each as soon as its service is up; then, in order, the model of the template, the catalog,
 * the functions, the HTTP API with the console, the event source mappings, the schedules, the Stripe simulator's
 * registration, the state file. Each step is logged on a timeline. Whatever started is closed again, in reverse, when a
 * later step fails.
 */
final class Startup {

    /** The parts of a started local cloud, and what closes them (in reverse order of start). */
    record Parts(LocalCloudConfig config, AwsServices services, ProvisionedResources provisioned, TemplateModel model,
                 JwtAuthority authority, LocalStripe paymentProvider, LambdaService lambda, HttpApiGateway gateway,
                 ConsoleReadModel console, List<SqsEventSourceMapping> mappings,
                 List<DynamoDbStreamEventSourceMapping> streamMappings, LocalScheduler scheduler, long readyMillis,
                 List<AutoCloseable> closeables) {
    }

    private final LocalCloudConfig config;
    private final Consumer<String> log;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final long t0 = System.nanoTime();

    private Startup(LocalCloudConfig config) {
        this.config = config;
        this.log = config.functionLog();
    }

    static Parts start(LocalCloudConfig config) throws IOException {
        Startup startup = new Startup(config);
        try {
            return startup.run();
        } catch (IOException | RuntimeException e) {
            closeAll(startup.closeables, startup.log);
            throw e;
        }
    }

    private <T extends AutoCloseable> T closedLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private Consumer<String> log(String prefix) {
        return line -> log.accept("[" + prefix + "] " + line);
    }

    /**
     * Logs one step of the start: milliseconds since the start began, and since this JVM started (what the JVM's own
     * start and the CLI cost before it).
     */
    private void mark(String step) {
        long sinceStart = (System.nanoTime() - t0) / 1_000_000;
        long sinceJvm = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        log.accept("[LocalCloud] timeline: " + step + " at " + sinceStart + " ms (" + sinceJvm + " ms since the JVM started)");
    }

    private Parts run() throws IOException {
        mark("start");
        // the services start first, in the background: the rest of the start needs them only from the provisioning on
        Optional<Endpoints> planned = AwsServices.plan(config);
        Map<URI, CompletableFuture<URI>> up = new HashMap<>();
        planned.ifPresent(p -> List.of(p.dynamoDb(), p.sqs(), p.ses(), p.eventBridge(), p.secretsManager())
                .forEach(endpoint -> up.put(endpoint, new CompletableFuture<>())));
        CompletableFuture<AwsServices> servicesStarting = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("services-start").start(() -> {
            try {
                long t = System.nanoTime();
                servicesStarting.complete(AwsServices.start(config, planned, endpoint -> {
                    CompletableFuture<URI> started = up.get(endpoint);
                    if (started != null) {
                        started.complete(endpoint);
                    }
                }));
                log.accept("[LocalCloud] services started in " + (System.nanoTime() - t) / 1_000_000 + " ms");
            } catch (Throwable e) {
                servicesStarting.completeExceptionally(e);
            } finally {
                // an emulator that did not start on its planned port is not there to provision on
                up.values().forEach(f -> f.completeExceptionally(new IllegalStateException("not started as planned")));
            }
        });
        // closes them whenever they are up, should a later step fail before
        closeables.add(() -> servicesStarting.thenAccept(AwsServices::close));
        Files.createDirectories(config.home());
        JwtAuthority authority = JwtAuthority.loadOrCreate(config.home().resolve("jwt-signing-key.pem"));
        // Stripe, simulated, unless the parameters point the stack at another Stripe (e.g. Stripe's test mode)
        Map<String, String> parameters = new HashMap<>(config.parameterOverrides());
        SamTemplate declared = SamTemplate.load(config.template());
        LocalStripe stripe = null;
        if (!parameters.containsKey(LocalStripe.API_BASE_PARAMETER)
                && declared.parameters().containsKey(LocalStripe.API_BASE_PARAMETER)) {
            int port = config.secretsManagerPort() == LocalCloudCli.SAM_SECRETS_MANAGER_PORT ? LocalStripe.SAM_PORT : 0;
            stripe = closedLater(LocalStripe.start(port, config.asyncPaymentDelay(), log("Stripe")));
            parameters.put(LocalStripe.API_BASE_PARAMETER, stripe.simulator().baseUrl().toString());
        }
        SamTemplate base = TemplateModel.withLocalIssuer(declared, parameters).withRegion(config.region())
                .withAccountId(SamTemplate.DEFAULT_ACCOUNT_ID).withStackName(LocalCloud.STACK_NAME);

        mark("template read, Stripe simulator started");

        LambdaRuntime runtime = LambdaRuntime.defaults(config.home().resolve("runtime"));
        EarlyEnvironments early = config.prewarm() && planned.isPresent()
                ? closedLater(startAhead(base, planned.get(), runtime)) : null;
        // each resource is created as soon as its service is up (the tables while ElasticMQ still starts)
        long tProvisioning = System.nanoTime();
        ProvisionedResources provisioned = null;
        RuntimeException provisioningFailure = null;
        if (planned.isPresent()) {
            try {
                provisioned = AwsServices.provisionAhead(planned.get(), base, LocalCloud.STACK_NAME, Map.of(
                        SamTemplate.DYNAMODB_TABLE, up.get(planned.get().dynamoDb()),
                        SamTemplate.SQS_QUEUE, up.get(planned.get().sqs()),
                        SamTemplate.SES_EMAIL_IDENTITY, up.get(planned.get().ses()),
                        SamTemplate.EVENT_BUS, up.get(planned.get().eventBridge()),
                        SamTemplate.EVENT_RULE, up.get(planned.get().eventBridge()),
                        SamTemplate.SECRETS_MANAGER_SECRET, up.get(planned.get().secretsManager())));
            } catch (RuntimeException e) {
                provisioningFailure = e;
            }
        }
        AwsServices services = awaitServices(servicesStarting);
        mark("services started");
        boolean asPlanned = planned.isPresent() && services.endpoints().equals(planned.get())
                && up.values().stream().noneMatch(CompletableFuture::isCompletedExceptionally);
        if (asPlanned && provisioningFailure != null) {
            throw provisioningFailure;
        }
        if (!asPlanned) {
            // an endpoint given (LocalStack), or the emulators started elsewhere than planned: provision now
            provisioned = services.provision(base, LocalCloud.STACK_NAME);
        }
        log.accept(String.format("[LocalCloud] provisioning %d ms", (System.nanoTime() - tProvisioning) / 1_000_000));
        mark("provisioned");
        TemplateModel model = TemplateModel.of(base, provisioned, config.template().toAbsolutePath().getParent());
        CatalogSeed.seed(services.dynamoDb(), provisioned, config.seed());
        mark("catalog seeded");

        LambdaEnvironment environment = services.lambdaEnvironment(config.region());
        LambdaService lambda = closedLater(new LambdaService(model.functions(), runtime, environment,
                config.localConcurrency(), name -> log(name), early));
        if (early != null) {
            early.close();
        }
        if (config.prewarm()) {
            lambda.prewarm();
        }
        mark("functions prewarming");
        AtomicReference<HttpApiGateway> started = new AtomicReference<>();
        ConsoleReadModel console = new ConsoleReadModel(model.template(), provisioned, services, lambda,
                () -> started.get().recentEvents(), authority, stripe);
        HttpApiGateway gateway = closedLater(new HttpApiGateway(model.api(), lambda, authority,
                SamTemplate.DEFAULT_ACCOUNT_ID, config.port(), new LocalConsole(console), log("HttpApi"),
                RouteThrottles.fromTemplate(model.template(), model.api().logicalId(), model.api().apiId())));
        started.set(gateway);
        gateway.start();
        mark("HTTP API listening");
        URI apiUrl = LocalCloud.apiUrl(gateway.port());

        List<SqsEventSourceMapping> mappings = new ArrayList<>();
        List<DynamoDbStreamEventSourceMapping> streamMappings = new ArrayList<>();
        for (FunctionSpec f : model.functions()) {
            Consumer<String> functionLog = log(f.name());
            for (FunctionSpec.SqsMapping m : f.sqsMappings()) {
                SqsEventSourceMapping esm = closedLater(new SqsEventSourceMapping(f.name(), m, lambda.pool(f.name()),
                        services.sqs(), config.region(), config.fastRetrySeconds(), functionLog));
                mappings.add(esm);
                esm.start();
            }
            for (FunctionSpec.StreamMapping m : f.streamMappings()) {
                if (!Files.exists(f.codeUri())) {
                    // a function not built yet: its records stay in the stream (24 h) for a later start to deliver
                    functionLog.accept("event source mapping " + m.eventName() + " not started: " + f.codeUri()
                            + " does not exist (mvn package builds it)");
                    continue;
                }
                DynamoDbStreamEventSourceMapping esm = closedLater(new DynamoDbStreamEventSourceMapping(f.name(), m,
                        lambda.pool(f.name()), services.dynamoDbStreams(), services.sqs(), config.region(),
                        environment.functionArn(f.name()), functionLog));
                streamMappings.add(esm);
                esm.start();
            }
        }
        LocalScheduler scheduler = closedLater(new LocalScheduler(model.scheduleRules(LocalCloud.STACK_NAME, config.region(), log),
                lambda, config.region(), SamTemplate.DEFAULT_ACCOUNT_ID, config.scheduleRateOverride(), log("Schedule")));
        scheduler.start();
        if (stripe != null) {
            register(stripe, services, provisioned, model.template(), apiUrl);
        }
        long readyMillis = (System.nanoTime() - t0) / 1_000_000;
        mark("ready");
        Path state = StateFile.write(config.home(), gateway.port(), apiUrl, services.endpoints(), config.template(),
                model.functions());
        closeables.add(() -> Files.deleteIfExists(state));
        return new Parts(config, services, provisioned, model, authority, stripe, lambda, gateway, console,
                List.copyOf(mappings), List.copyOf(streamMappings), scheduler, readyMillis, List.copyOf(closeables));
    }

    /**
     * Starts ahead, while the services start, an execution environment of each of the first functions behind the HTTP
     * API (as many as the machine has cores) whose environment is known before the resources exist: their init needs no
     * endpoint, and a person's first request goes to one of them. The {@link LambdaService} adopts those planned right.
     */
    private EarlyEnvironments startAhead(SamTemplate base, Endpoints planned, LambdaRuntime runtime) {
        List<FunctionSpec> functions;
        try {
            functions = TemplateModel.plannedHttpFunctions(base,
                    new PlannedResources(base, LocalCloud.STACK_NAME, planned.sqs()),
                    config.template().toAbsolutePath().getParent()).stream()
                    .filter(f -> Files.exists(f.codeUri())).toList();
        } catch (RuntimeException e) {
            log.accept("[LocalCloud] no function started ahead: " + e.getMessage());
            functions = List.of();
        }
        EarlyEnvironments early = EarlyEnvironments.start(functions, Runtime.getRuntime().availableProcessors(), runtime,
                AwsServices.lambdaEnvironment(planned, config.region()), this::log, log);
        mark("started ahead: " + early.functions());
        return early;
    }

    private static AwsServices awaitServices(CompletableFuture<AwsServices> starting) {
        try {
            return starting.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * The Stripe simulator, registered as one registers with Stripe: its API key and webhook signing secret put in the
     * stack's secrets ({@value LocalStripe#API_KEY_SECRET}, {@value LocalStripe#WEBHOOK_SECRET}), its webhooks sent to
     * the path of the template's {@value LocalStripe#WEBHOOK_URL_OUTPUT} output on this cloud's API.
     */
    private void register(LocalStripe stripe, AwsServices services, ProvisionedResources provisioned, SamTemplate template,
                          URI apiUrl) {
        Consumer<String> stripeLog = log("Stripe");
        var simulator = stripe.simulator();
        if (provisioned.find(LocalStripe.API_KEY_SECRET).isPresent()) {
            services.secretsManager().putSecretValue(r -> r.secretId(provisioned.secretArn(LocalStripe.API_KEY_SECRET))
                    .secretString(simulator.apiKey()));
        }
        if (provisioned.find(LocalStripe.WEBHOOK_SECRET).isPresent()) {
            services.secretsManager().putSecretValue(r -> r.secretId(provisioned.secretArn(LocalStripe.WEBHOOK_SECRET))
                    .secretString(simulator.webhookSecret()));
        }
        Object url;
        try {
            url = template.outputs().get(LocalStripe.WEBHOOK_URL_OUTPUT);
        } catch (RuntimeException e) {
            stripeLog.accept("webhooks not sent: the template's Outputs do not resolve: " + e.getMessage());
            return;
        }
        if (url == null) {
            stripeLog.accept("webhooks not sent: the template has no " + LocalStripe.WEBHOOK_URL_OUTPUT + " output");
            return;
        }
        stripe.sendWebhooksTo(apiUrl.resolve(URI.create(url.toString()).getRawPath()));
    }

    /** Closes {@code closeables} in reverse order, logging what fails or takes longer than half a second. */
    static void closeAll(List<AutoCloseable> closeables, Consumer<String> log) {
        for (AutoCloseable c : closeables.reversed()) {
            try {
                long t = System.nanoTime();
                c.close();
                long ms = (System.nanoTime() - t) / 1_000_000;
                if (ms > 500) {
                    log.accept("[LocalCloud] closing " + c.getClass().getSimpleName() + " took " + ms + " ms");
                }
            } catch (Exception e) {
                log.accept("shutdown: " + e);
            }
        }
    }
}
