package dev.cartwheel.local;

import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.local.api.HttpApiGateway;
import dev.cartwheel.local.api.JwtAuthority;
import dev.cartwheel.local.api.RouteThrottles;
import dev.cartwheel.local.console.LocalConsole;
import dev.cartwheel.local.esm.DynamoDbStreamEventSourceMapping;
import dev.cartwheel.local.esm.SqsEventSourceMapping;
import dev.cartwheel.local.lambda.FunctionSpec;
import dev.cartwheel.local.lambda.LambdaEnvironment;
import dev.cartwheel.local.lambda.LambdaRuntime;
import dev.cartwheel.local.lambda.LambdaService;
import dev.cartwheel.local.provider.LocalStripe;
import dev.cartwheel.local.schedule.LocalScheduler;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Starts a local cloud, in order: the signing key, the Stripe simulator, the services (emulators or an endpoint), the
 * template's resources, the model of the template, the catalog, the functions, the HTTP API with the console, the
 * event source mappings, the schedules, the Stripe simulator's registration, the state file. Whatever started is
 * closed again, in reverse, when a later step fails.
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

    private Parts run() throws IOException {
        long t0 = System.nanoTime();
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

        AwsServices services = closedLater(AwsServices.start(config));
        long tServices = System.nanoTime();
        ProvisionedResources provisioned = services.provision(base, LocalCloud.STACK_NAME);
        long tProvisioned = System.nanoTime();
        log.accept(String.format("[LocalCloud] services %d ms, provisioning %d ms",
                (tServices - t0) / 1_000_000, (tProvisioned - tServices) / 1_000_000));
        TemplateModel model = TemplateModel.of(base, provisioned, config.template().toAbsolutePath().getParent());
        CatalogSeed.seed(services.dynamoDb(), provisioned, config.seed());

        LambdaEnvironment environment = services.lambdaEnvironment(config.region());
        LambdaService lambda = closedLater(new LambdaService(model.functions(),
                LambdaRuntime.defaults(config.home().resolve("runtime")), environment, config.localConcurrency(),
                name -> log(name)));
        if (config.prewarm()) {
            lambda.prewarm();
        }
        AtomicReference<HttpApiGateway> started = new AtomicReference<>();
        ConsoleReadModel console = new ConsoleReadModel(model.template(), provisioned, services, lambda,
                () -> started.get().recentEvents(), authority, stripe);
        HttpApiGateway gateway = closedLater(new HttpApiGateway(model.api(), lambda, authority,
                SamTemplate.DEFAULT_ACCOUNT_ID, config.port(), new LocalConsole(console), log("HttpApi"),
                RouteThrottles.fromTemplate(model.template(), model.api().logicalId(), model.api().apiId())));
        started.set(gateway);
        gateway.start();
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
        Path state = StateFile.write(config.home(), gateway.port(), apiUrl, services.endpoints(), config.template(),
                model.functions());
        closeables.add(() -> Files.deleteIfExists(state));
        return new Parts(config, services, provisioned, model, authority, stripe, lambda, gateway, console,
                List.copyOf(mappings), List.copyOf(streamMappings), scheduler, readyMillis, List.copyOf(closeables));
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
