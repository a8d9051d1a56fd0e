package dev.cartwheel.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.cartwheel.emulators.Endpoints;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.template.SamTemplate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The emulated AWS a test talks to: endpoints, region, SDK clients (built once, shared: do not close them), the SES
 * mailbox, the events put on the event buses, and per-test provisioning of template.yaml (its secrets included). Injected by
 * {@link AwsEmulators}.
 */
public final class AwsEnvironment {

    /** Which emulators back the environment. */
    public enum Mode { EMBEDDED, LOCALSTACK }

    private final Mode mode;
    private final Endpoints endpoints;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final SesV2Client ses;
    private final Mailbox mailbox;
    private final EventBridgeClient eventBridge;
    private final DynamoDbStreamsClient dynamoDbStreams;
    private final EventBus eventBus;
    private final SecretsManagerClient secretsManager;

    AwsEnvironment(Mode mode, Endpoints endpoints, DynamoDbClient dynamoDb, SqsClient sqs, SesV2Client ses,
                   Mailbox mailbox, EventBridgeClient eventBridge, DynamoDbStreamsClient dynamoDbStreams, EventBus eventBus,
                   SecretsManagerClient secretsManager) {
        this.mode = mode;
        this.endpoints = endpoints;
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.ses = ses;
        this.mailbox = mailbox;
        this.eventBridge = eventBridge;
        this.dynamoDbStreams = dynamoDbStreams;
        this.eventBus = eventBus;
        this.secretsManager = secretsManager;
    }

    public Mode mode() {
        return mode;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    public String region() {
        return endpoints.region();
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public SesV2Client sesV2() {
        return ses;
    }

    public Mailbox mailbox() {
        return mailbox;
    }

    public EventBridgeClient eventBridge() {
        return eventBridge;
    }

    public DynamoDbStreamsClient dynamoDbStreams() {
        return dynamoDbStreams;
    }

    /** Secrets Manager, where {@link #provision()} puts the template's secrets. */
    public SecretsManagerClient secretsManager() {
        return secretsManager;
    }

    /** The events put on the event buses (e.g. {@code eventBus().events(stack.eventBusName("OrderEventBus"))}). */
    public EventBus eventBus() {
        return eventBus;
    }

    /** A QueuePump on this environment's SQS client. */
    public QueuePump queuePump() {
        return new QueuePump(sqs, region());
    }

    /**
     * A new StreamPump on this environment's DynamoDB Streams and SQS clients; keep it for the test: it remembers
     * where it stopped in each stream.
     */
    public StreamPump streamPump() {
        return new StreamPump(dynamoDbStreams, sqs, region());
    }

    /**
     * Environment variables that point an SDK-using handler at these emulators (AWS_REGION, static credentials and
     * the service endpoints as AWS_ENDPOINT_URL_DYNAMODB / _DYNAMODB_STREAMS / _SQS / _SESV2 / _EVENTBRIDGE /
     * _SECRETS_MANAGER, which SDK v2 honours).
     */
    public Map<String, String> sdkEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", region());
        env.put("AWS_DEFAULT_REGION", region());
        env.put("AWS_ACCESS_KEY_ID", endpoints.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", endpoints.secretAccessKey());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", endpoints.dynamoDb().toString());
        env.put("AWS_ENDPOINT_URL_SQS", endpoints.sqs().toString());
        env.put("AWS_ENDPOINT_URL_SESV2", endpoints.ses().toString());
        env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", endpoints.eventBridge().toString());
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoints.secretsManager().toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", endpoints.dynamoDb().toString());
        return env;
    }

    /** Provisions the project's template.yaml (found upwards from the working directory) under a fresh prefix. */
    public ProvisionedStack provision() {
        return provision(ProjectTemplate.locate());
    }

    /**
     * Provisions every table (with its stream), queue, e-mail identity, event bus and secret of {@code templateYaml}
     * under a fresh random prefix (also the stack name, so {@code !Sub "${AWS::StackName}-orders"} is unique per test).
     */
    public ProvisionedStack provision(Path templateYaml) {
        return provision(templateYaml, Map.of());
    }

    public ProvisionedStack provision(Path templateYaml, Map<String, String> parameterOverrides) {
        String prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        SamTemplate template = SamTemplate.load(templateYaml).withParameters(parameterOverrides)
                .withRegion(region()).withStackName(prefix);
        ProvisionedResources resources = new Provisioner(dynamoDb, sqs, ses, eventBridge, secretsManager)
                .provision(template, prefix);
        if (eventBus instanceof LocalStackEventBus localStack) {
            resources.resources().values().stream().filter(r -> r.type().equals(SamTemplate.EVENT_BUS))
                    .forEach(r -> localStack.capture(r.name()));
        }
        SamTemplate resolved = template.withResources(resources);
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        resolved.functions().forEach((id, function) -> environments.put(id, function.environment()));
        return new ProvisionedStack(resolved, resources, environments);
    }

    void closeClients() {
        for (AutoCloseable c : List.<AutoCloseable>of(dynamoDb, sqs, ses, eventBridge, dynamoDbStreams, secretsManager)) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing at the end of the test run; nothing to do about it
            }
        }
    }

    @Override
    public String toString() {
        return "AwsEnvironment[" + mode + ", " + endpoints + "]";
    }
}
