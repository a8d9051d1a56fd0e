package dev.cartwheel.local;

import dev.cartwheel.emulators.AwsClients;
import dev.cartwheel.emulators.Emulators;
import dev.cartwheel.emulators.Endpoints;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.server.FreePorts;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.local.lambda.LambdaEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The AWS services a local cloud runs on: the embedded emulators on the configured ports, or the AWS-compatible
 * endpoint the configuration names (LocalStack), with the SDK clients the local cloud itself uses and the
 * environment that points the functions at them.
 */
final class AwsServices implements AutoCloseable {

    private final Emulators emulators;
    private final Endpoints endpoints;
    private final Consumer<String> log;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final DynamoDbStreamsClient dynamoDbStreams;
    private final EventBridgeClient eventBridge;
    private final SecretsManagerClient secretsManager;

    private AwsServices(Emulators emulators, Endpoints endpoints, Consumer<String> log) {
        this.emulators = emulators;
        this.endpoints = endpoints;
        this.log = log;
        this.dynamoDb = AwsClients.dynamoDb(endpoints);
        this.sqs = AwsClients.sqs(endpoints);
        this.dynamoDbStreams = AwsClients.dynamoDbStreams(endpoints);
        this.eventBridge = AwsClients.eventBridge(endpoints);
        this.secretsManager = AwsClients.secretsManager(endpoints);
    }

    /** The embedded emulators, or the configured endpoint (the emulator ports are then ignored, with a line saying so). */
    static AwsServices start(LocalCloudConfig config) {
        return start(config, plan(config));
    }

    /**
     * The endpoints the embedded emulators will listen on: the configured ports, and a free port chosen now for each
     * left at 0, so that what needs the endpoints (the functions' environment) can be known before they are up.
     * Empty when the configuration names an endpoint instead.
     */
    static Optional<Endpoints> plan(LocalCloudConfig config) {
        if (config.awsEndpoint() != null) {
            return Optional.empty();
        }
        return Optional.of(new Endpoints(loopback(config.dynamoDbPort()), loopback(config.sqsPort()),
                loopback(config.sesPort()), loopback(config.eventBridgePort()), loopback(config.secretsManagerPort()),
                Emulators.REGION, Endpoints.DUMMY_ACCESS_KEY_ID, Endpoints.DUMMY_SECRET_ACCESS_KEY).withRegion(config.region()));
    }

    private static URI loopback(int port) {
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + (port == 0 ? FreePorts.next() : port));
    }

    /**
     * The embedded emulators on the {@code planned} endpoints' ports (should a port chosen there have been taken since,
     * on any free ports, with a line saying so), or the configured endpoint.
     */
    static AwsServices start(LocalCloudConfig config, Optional<Endpoints> planned) {
        return start(config, planned, endpoint -> { });
    }

    /**
     * As {@link #start(LocalCloudConfig, Optional)}, telling {@code started} the endpoint of each emulator as soon as it
     * is up on its planned port (not those started elsewhere after a planned port was taken).
     */
    static AwsServices start(LocalCloudConfig config, Optional<Endpoints> planned, Consumer<URI> started) {
        Consumer<String> log = config.functionLog();
        if (config.awsEndpoint() == null) {
            Endpoints ports = planned.orElseGet(() -> plan(config).orElseThrow());
            Emulators emulators;
            try {
                emulators = Emulators.startEmbedded(ports.dynamoDb().getPort(), ports.sqs().getPort(), ports.ses().getPort(),
                        ports.eventBridge().getPort(), ports.secretsManager().getPort(), started);
            } catch (RuntimeException e) {
                if (config.dynamoDbPort() != 0 && config.sqsPort() != 0 && config.sesPort() != 0
                        && config.eventBridgePort() != 0 && config.secretsManagerPort() != 0) {
                    throw e;
                }
                log.accept("[LocalCloud] the emulators did not start on the ports chosen ahead (" + e.getMessage()
                        + "): starting them on any free ports");
                emulators = Emulators.startEmbedded(config.dynamoDbPort(), config.sqsPort(), config.sesPort(),
                        config.eventBridgePort(), config.secretsManagerPort());
            }
            return new AwsServices(emulators, emulators.endpoints().withRegion(config.region()), log);
        }
        if (config.dynamoDbPort() != 0 || config.sqsPort() != 0 || config.sesPort() != 0 || config.eventBridgePort() != 0
                || config.secretsManagerPort() != 0) {
            log.accept("[LocalCloud] emulator ports ignored: using " + config.awsEndpoint());
        }
        return new AwsServices(null, Endpoints.single(config.awsEndpoint(), config.region(),
                envOr("AWS_ACCESS_KEY_ID", "test"), envOr("AWS_SECRET_ACCESS_KEY", "test")), log);
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Creates the template's tables, queues, identities, event buses and secrets. */
    ProvisionedResources provision(SamTemplate template, String stackName) {
        try (SesV2Client ses = AwsClients.sesV2(endpoints)) {
            return new Provisioner(dynamoDb, sqs, ses, eventBridge, secretsManager).provision(template, stackName);
        }
    }

    /**
     * Creates the template's resources on the emulators at {@code planned} while they still start, each once its
     * service is ({@code serviceReady}, by resource type), with clients of its own.
     */
    static ProvisionedResources provisionAhead(Endpoints planned, SamTemplate template, String stackName,
                                               Map<String, ? extends CompletionStage<?>> serviceReady) {
        try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(planned); SqsClient sqs = AwsClients.sqs(planned);
             SesV2Client ses = AwsClients.sesV2(planned); EventBridgeClient eventBridge = AwsClients.eventBridge(planned);
             SecretsManagerClient secretsManager = AwsClients.secretsManager(planned)) {
            return new Provisioner(dynamoDb, sqs, ses, eventBridge, secretsManager).provision(template, stackName, serviceReady);
        }
    }

    /** What each function's environment gets besides its own: the region, the account, keys and these endpoints. */
    LambdaEnvironment lambdaEnvironment(String region) {
        return lambdaEnvironment(endpoints, region);
    }

    /** What each function's environment gets besides its own, for services at {@code endpoints}. */
    static LambdaEnvironment lambdaEnvironment(Endpoints endpoints, String region) {
        return new LambdaEnvironment(region, SamTemplate.DEFAULT_ACCOUNT_ID, endpoints.accessKeyId(),
                endpoints.secretAccessKey(), null, Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB", endpoints.dynamoDb().toString(),
                "AWS_ENDPOINT_URL_SQS", endpoints.sqs().toString(),
                "AWS_ENDPOINT_URL_SESV2", endpoints.ses().toString(),
                "AWS_ENDPOINT_URL_EVENTBRIDGE", endpoints.eventBridge().toString(),
                "AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoints.secretsManager().toString()));
    }

    Optional<Emulators> emulators() {
        return Optional.ofNullable(emulators);
    }

    Endpoints endpoints() {
        return endpoints;
    }

    DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    SqsClient sqs() {
        return sqs;
    }

    DynamoDbStreamsClient dynamoDbStreams() {
        return dynamoDbStreams;
    }

    EventBridgeClient eventBridge() {
        return eventBridge;
    }

    SecretsManagerClient secretsManager() {
        return secretsManager;
    }

    /**
     * Closes the clients, then the emulators in the background: stopping ElasticMQ and DynamoDB Local can take many
     * seconds, so a daemon thread does it and a CLI process exits at once (the function processes are stopped before).
     */
    @Override
    public void close() {
        for (AutoCloseable client : List.<AutoCloseable>of(secretsManager, eventBridge, dynamoDbStreams, sqs, dynamoDb)) {
            try {
                client.close();
            } catch (Exception e) {
                log.accept("shutdown: " + e);
            }
        }
        if (emulators != null) {
            Thread.ofPlatform().daemon().name("emulators-stop").start(() -> {
                try {
                    emulators.close();
                } catch (RuntimeException e) {
                    log.accept("[LocalCloud] stopping the emulators: " + e);
                }
            });
        }
    }
}
