package dev.cartwheel.emulators;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import dev.cartwheel.emulators.dynamodb.EmbeddedDynamoDb;
import dev.cartwheel.emulators.eventbridge.EventBridgeCaptureServer;
import dev.cartwheel.emulators.eventbridge.SqsRuleTargets;
import dev.cartwheel.emulators.secretsmanager.SecretsManagerServer;
import dev.cartwheel.emulators.server.EmulatorException;
import dev.cartwheel.emulators.ses.SesCaptureServer;
import dev.cartwheel.emulators.sqs.EmbeddedSqs;
import dev.cartwheel.emulators.template.SamTemplate;

/**
 * DynamoDB Local, ElasticMQ, the SES capture server, the EventBridge capture server and the Secrets Manager server, all
 * in this JVM on 127.0.0.1 free ports. The EventBridge server's rules deliver to ElasticMQ's queues.
 * {@link #close()} stops them all.
 */
public final class Emulators implements AutoCloseable {

    public static final String REGION = SamTemplate.DEFAULT_REGION;
    public static final String ACCOUNT_ID = SamTemplate.DEFAULT_ACCOUNT_ID;

    private final EmbeddedDynamoDb dynamoDb;
    private final EmbeddedSqs sqs;
    private final SesCaptureServer ses;
    private final EventBridgeCaptureServer eventBridge;
    private final SecretsManagerServer secretsManager;
    private final Endpoints endpoints;
    /** The client the EventBridge server's rules send to queues with. */
    private final SqsClient ruleTargetsClient;

    private Emulators(EmbeddedDynamoDb dynamoDb, EmbeddedSqs sqs, SesCaptureServer ses, EventBridgeCaptureServer eventBridge,
                      SecretsManagerServer secretsManager) {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.ses = ses;
        this.eventBridge = eventBridge;
        this.secretsManager = secretsManager;
        this.endpoints = new Endpoints(dynamoDb.endpoint(), sqs.endpoint(), ses.endpoint(), eventBridge.endpoint(),
                secretsManager.endpoint(), REGION, Endpoints.DUMMY_ACCESS_KEY_ID, Endpoints.DUMMY_SECRET_ACCESS_KEY);
        this.ruleTargetsClient = AwsClients.sqs(endpoints);
        eventBridge.routeTargetsWith(new SqsRuleTargets(ruleTargetsClient));
    }

    /** Starts the five emulators (stopping those already started if one fails). */
    public static Emulators startEmbedded() {
        return startEmbedded(0, 0, 0, 0, 0);
    }

    /** Starts the emulators on the given loopback ports (0: any free port), EventBridge and Secrets Manager on any. */
    public static Emulators startEmbedded(int dynamoDbPort, int sqsPort, int sesPort) {
        return startEmbedded(dynamoDbPort, sqsPort, sesPort, 0, 0);
    }

    /** Starts the emulators on the given loopback ports (0: any free port), Secrets Manager on any free port. */
    public static Emulators startEmbedded(int dynamoDbPort, int sqsPort, int sesPort, int eventBridgePort) {
        return startEmbedded(dynamoDbPort, sqsPort, sesPort, eventBridgePort, 0);
    }

    /**
     * Starts the five emulators on the given loopback ports, 0 meaning any free port (stopping those already started
     * if one fails, e.g. because its port is taken). They start at once, each on its own thread: DynamoDB Local and
     * ElasticMQ each spend most of a second loading classes on one core.
     */
    public static Emulators startEmbedded(int dynamoDbPort, int sqsPort, int sesPort, int eventBridgePort,
                                          int secretsManagerPort) {
        return startEmbedded(dynamoDbPort, sqsPort, sesPort, eventBridgePort, secretsManagerPort, endpoint -> { });
    }

    /**
     * Starts the five emulators as {@link #startEmbedded(int, int, int, int, int)} does, telling the
     * endpoint of each as soon as it is up ({@code onStarted}, on that emulator's thread), so that a caller can use one before all are.
     */
    public static Emulators startEmbedded(int dynamoDbPort, int sqsPort, int sesPort, int eventBridgePort,
                                          int secretsManagerPort, Consumer<URI> onStarted) {
        List<CompletableFuture<? extends AutoCloseable>> starts = List.of(
                startAsync("dynamodb", () -> dynamoDbPort == 0 ? EmbeddedDynamoDb.start() : EmbeddedDynamoDb.start(dynamoDbPort),
                        d -> onStarted.accept(d.endpoint())),
                startAsync("sqs", () -> sqsPort == 0 ? EmbeddedSqs.start(REGION, ACCOUNT_ID) : EmbeddedSqs.start(REGION, ACCOUNT_ID, sqsPort),
                        q -> onStarted.accept(q.endpoint())),
                startAsync("ses", () -> sesPort == 0 ? SesCaptureServer.start() : SesCaptureServer.start(sesPort),
                        m -> onStarted.accept(m.endpoint())),
                startAsync("eventbridge", () -> EventBridgeCaptureServer.start(REGION, ACCOUNT_ID, eventBridgePort),
                        b -> onStarted.accept(b.endpoint())),
                startAsync("secretsmanager", () -> SecretsManagerServer.start(REGION, ACCOUNT_ID, secretsManagerPort),
                        m -> onStarted.accept(m.endpoint())));
        List<AutoCloseable> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<? extends AutoCloseable> start : starts) {
            try {
                started.add(start.join());
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new EmulatorException(
                        "an emulator did not start: " + e.getCause(), e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure == null) {
            try {
                return new Emulators((EmbeddedDynamoDb) started.get(0), (EmbeddedSqs) started.get(1),
                        (SesCaptureServer) started.get(2), (EventBridgeCaptureServer) started.get(3),
                        (SecretsManagerServer) started.get(4));
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        for (AutoCloseable c : started.reversed()) {
            try {
                c.close();
            } catch (Exception suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
        throw failure;
    }

    private static <T extends AutoCloseable> CompletableFuture<T> startAsync(String name, Supplier<T> start,
                                                                             Consumer<T> onStarted) {
        CompletableFuture<T> started = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("emulator-start-" + name).start(() -> {
            try {
                T emulator = start.get();
                onStarted.accept(emulator);
                started.complete(emulator);
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        });
        return started;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public String region() {
        return REGION;
    }

    public EmbeddedDynamoDb dynamoDb() {
        return dynamoDb;
    }

    public EmbeddedSqs sqs() {
        return sqs;
    }

    public SesCaptureServer ses() {
        return ses;
    }

    public EventBridgeCaptureServer eventBridge() {
        return eventBridge;
    }

    public SecretsManagerServer secretsManager() {
        return secretsManager;
    }

    /** A new DynamoDB client for these emulators (the caller closes it). */
    public DynamoDbClient newDynamoDbClient() {
        return AwsClients.dynamoDb(endpoints);
    }

    public SqsClient newSqsClient() {
        return AwsClients.sqs(endpoints);
    }

    public SesV2Client newSesV2Client() {
        return AwsClients.sesV2(endpoints);
    }

    public EventBridgeClient newEventBridgeClient() {
        return AwsClients.eventBridge(endpoints);
    }

    public SecretsManagerClient newSecretsManagerClient() {
        return AwsClients.secretsManager(endpoints);
    }

    public DynamoDbStreamsClient newDynamoDbStreamsClient() {
        return AwsClients.dynamoDbStreams(endpoints);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable c : List.<AutoCloseable>of(secretsManager, eventBridge, ruleTargetsClient, ses, sqs, dynamoDb)) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new EmulatorException("emulators did not all stop", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Emulators" + endpoints;
    }
}
