package dev.cartwheel.testing;

import java.util.Locale;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

import dev.cartwheel.emulators.AwsClients;
import dev.cartwheel.emulators.Emulators;
import dev.cartwheel.emulators.Endpoints;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * JUnit extension giving tests an emulated AWS, started once per test JVM (kept in the root context's store and
 * closed at the end of the run).
 *
 * <ul>
 *   <li>{@code @ExtendWith(AwsEmulators.class)}: the mode comes from the system property {@code aws.emulator}:
 *       {@code embedded} (default: DynamoDB Local + ElasticMQ + the SES and EventBridge capture servers + the Secrets
 *       Manager server, in this JVM) or
 *       {@code localstack} (LocalStack community {@value #LOCALSTACK_IMAGE} through Testcontainers).</li>
 *   <li>{@code @RegisterExtension static AwsEmulators aws = AwsEmulators.localStack();} forces a mode.</li>
 * </ul>
 * Injects {@link AwsEnvironment}, {@link DynamoDbClient}, {@link SqsClient}, {@link SesV2Client},
 * {@link EventBridgeClient}, {@link DynamoDbStreamsClient}, {@link SecretsManagerClient}, {@link Mailbox}, {@link EventBus}, {@link Endpoints},
 * {@link QueuePump} and {@link StreamPump} parameters (a new pump per parameter). In LocalStack mode without a Docker engine the tests are
 * aborted (reported as skipped) with a message saying so; they never pass silently.
 */
public final class AwsEmulators implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    public static final String MODE_PROPERTY = "aws.emulator";
    /** The last LocalStack community image that runs without an auth token. */
    public static final String LOCALSTACK_IMAGE = "localstack/localstack:4.0.3";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AwsEmulators.class);

    private final AwsEnvironment.Mode mode;
    private volatile AwsEnvironment environment;

    /** The mode from {@code -Daws.emulator} (embedded when unset). */
    public AwsEmulators() {
        this(modeFromSystemProperty());
    }

    private AwsEmulators(AwsEnvironment.Mode mode) {
        this.mode = mode;
    }

    public static AwsEmulators embedded() {
        return new AwsEmulators(AwsEnvironment.Mode.EMBEDDED);
    }

    public static AwsEmulators localStack() {
        return new AwsEmulators(AwsEnvironment.Mode.LOCALSTACK);
    }

    public static AwsEnvironment.Mode modeFromSystemProperty() {
        String value = System.getProperty(MODE_PROPERTY, "embedded").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "embedded" -> AwsEnvironment.Mode.EMBEDDED;
            case "localstack" -> AwsEnvironment.Mode.LOCALSTACK;
            default -> throw new IllegalArgumentException(
                    "-D" + MODE_PROPERTY + " must be embedded or localstack, got " + value);
        };
    }

    public AwsEnvironment.Mode mode() {
        return mode;
    }

    /** The environment, once a test of the class has started (for {@code @RegisterExtension} fields). */
    public AwsEnvironment environment() {
        AwsEnvironment env = environment;
        if (env == null) {
            throw new IllegalStateException("AwsEmulators has not started yet: use it from a test or @BeforeEach");
        }
        return env;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (mode == AwsEnvironment.Mode.LOCALSTACK && DockerCheck.unavailableReason() != null) {
            // Abort each test in beforeEach instead: an aborted class shows as "0 tests run" in Surefire reports,
            // aborted tests show as skipped, with the reason.
            return;
        }
        environment(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        environment(context);
    }

    private AwsEnvironment environment(ExtensionContext context) {
        if (mode == AwsEnvironment.Mode.LOCALSTACK) {
            String missingDocker = DockerCheck.unavailableReason();
            if (missingDocker != null) {
                Assumptions.abort(missingDocker);
            }
        }
        Backend backend = context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(mode, m -> Backend.start(mode), Backend.class);
        environment = backend.environment;
        return backend.environment;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == AwsEnvironment.class || type == DynamoDbClient.class || type == SqsClient.class
                || type == SesV2Client.class || type == Mailbox.class || type == Endpoints.class
                || type == QueuePump.class || type == EventBridgeClient.class || type == DynamoDbStreamsClient.class
                || type == EventBus.class || type == StreamPump.class || type == SecretsManagerClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        AwsEnvironment env = environment(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == AwsEnvironment.class) {
            return env;
        } else if (type == DynamoDbClient.class) {
            return env.dynamoDb();
        } else if (type == SqsClient.class) {
            return env.sqs();
        } else if (type == SesV2Client.class) {
            return env.sesV2();
        } else if (type == Mailbox.class) {
            return env.mailbox();
        } else if (type == Endpoints.class) {
            return env.endpoints();
        } else if (type == QueuePump.class) {
            return env.queuePump();
        } else if (type == EventBridgeClient.class) {
            return env.eventBridge();
        } else if (type == DynamoDbStreamsClient.class) {
            return env.dynamoDbStreams();
        } else if (type == EventBus.class) {
            return env.eventBus();
        } else if (type == StreamPump.class) {
            return env.streamPump();
        } else if (type == SecretsManagerClient.class) {
            return env.secretsManager();
        }
        throw new ParameterResolutionException("AwsEmulators cannot inject " + type);
    }

    /** Whether a Docker engine answers; asked once per JVM. */
    private static final class DockerCheck {
        private static final String REASON = check();

        static String unavailableReason() {
            return REASON;
        }

        private static String check() {
            try {
                if (DockerClientFactory.instance().isDockerAvailable()) {
                    return null;
                }
                return "LocalStack mode (-D" + MODE_PROPERTY + "=localstack) needs a Docker engine, and no Docker "
                        + "engine is available on this machine";
            } catch (RuntimeException | LinkageError e) {
                return "LocalStack mode (-D" + MODE_PROPERTY + "=localstack) needs a Docker engine, and no Docker "
                        + "engine is available on this machine: " + e;
            }
        }
    }

    /** One running set of emulators, closed by JUnit with the root store at the end of the run. */
    static final class Backend implements AutoCloseable {
        final AwsEnvironment environment;
        private final AutoCloseable resource;

        private Backend(AwsEnvironment environment, AutoCloseable resource) {
            this.environment = environment;
            this.resource = resource;
        }

        static Backend start(AwsEnvironment.Mode mode) {
            return switch (mode) {
                case EMBEDDED -> {
                    Emulators emulators = Emulators.startEmbedded();
                    Endpoints endpoints = emulators.endpoints();
                    var ses = emulators.ses();
                    var eventBridge = emulators.eventBridge();
                    Mailbox mailbox = new Mailbox() {
                        @Override
                        public java.util.List<dev.cartwheel.emulators.ses.CapturedEmail> messages() {
                            return ses.messages();
                        }

                        @Override
                        public void clear() {
                            ses.clear();
                        }
                    };
                    EventBus eventBus = new EventBus() {
                        @Override
                        public java.util.List<dev.cartwheel.emulators.eventbridge.BusEvent> events(String busName) {
                            return eventBridge.events(busName);
                        }

                        @Override
                        public void clear() {
                            eventBridge.clear();
                        }
                    };
                    yield new Backend(new AwsEnvironment(mode, endpoints, AwsClients.dynamoDb(endpoints),
                            AwsClients.sqs(endpoints), AwsClients.sesV2(endpoints), mailbox,
                            AwsClients.eventBridge(endpoints), AwsClients.dynamoDbStreams(endpoints), eventBus,
                            AwsClients.secretsManager(endpoints)), emulators);
                }
                case LOCALSTACK -> {
                    LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(LOCALSTACK_IMAGE))
                            .withServices("dynamodb", "sqs", "ses", "events", "secretsmanager");
                    container.start();
                    Endpoints endpoints = Endpoints.single(container.getEndpoint(), container.getRegion(),
                            container.getAccessKey(), container.getSecretKey());
                    SqsClient sqs = AwsClients.sqs(endpoints);
                    EventBridgeClient eventBridge = AwsClients.eventBridge(endpoints);
                    yield new Backend(new AwsEnvironment(mode, endpoints, AwsClients.dynamoDb(endpoints),
                            sqs, AwsClients.sesV2(endpoints), new LocalStackMailbox(container.getEndpoint()),
                            eventBridge, AwsClients.dynamoDbStreams(endpoints), new LocalStackEventBus(eventBridge, sqs),
                            AwsClients.secretsManager(endpoints)), container);
                }
            };
        }

        @Override
        public void close() throws Exception {
            environment.closeClients();
            resource.close();
        }
    }
}
