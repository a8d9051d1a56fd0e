package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.emulators.Emulators;
import dev.cartwheel.emulators.Endpoints;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.local.api.HttpApiGateway;
import dev.cartwheel.local.api.JwtAuthority;
import dev.cartwheel.local.console.ConsoleBackend;
import dev.cartwheel.local.esm.DynamoDbStreamEventSourceMapping;
import dev.cartwheel.local.esm.SqsEventSourceMapping;
import dev.cartwheel.local.lambda.FunctionSpec;
import dev.cartwheel.local.lambda.LambdaService;
import dev.cartwheel.local.provider.LocalStripe;
import dev.cartwheel.local.schedule.LocalScheduler;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole backend, run locally from template.yaml: emulators (or external endpoints), the template's tables (with
 * their streams), queues, identities, event buses and secrets, a catalog, the functions under Lambda's runtime, the
 * HTTP API, the SQS and DynamoDB stream event source mappings, the Stripe simulator (its simulated customers complete
 * 3-D Secure; it sends its signed webhooks to the API) and the console.
 *
 * <p>The facade its callers (the CLI, the demo, the bench, the tests) use: {@link Startup} starts the parts,
 * {@link AwsServices} runs the services, {@link TemplateModel} reads the template, {@link CatalogSeed} writes the
 * catalog, {@link StateFile} tells other commands where it runs and {@link ConsoleReadModel} answers the console.
 */
public final class LocalCloud implements AutoCloseable, ConsoleBackend {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String STACK_NAME = "cartwheel";
    /** The issuer of the local cloud's tokens (the one in events/*.json), used as the template's JwtIssuer. */
    public static final String LOCAL_ISSUER = TemplateModel.LOCAL_ISSUER;

    private final Startup.Parts parts;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalCloud(Startup.Parts parts) {
        this.parts = parts;
    }

    /** Starts everything; returns once the API answers and the event source mappings poll. */
    public static LocalCloud start(LocalCloudConfig config) throws IOException {
        return new LocalCloud(Startup.start(config));
    }

    static URI apiUrl(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    // ------------------------------------------------------------------ sam local invoke

    /**
     * The {@code --env-vars} file for {@code sam local invoke}: per function, the template's environment as this
     * cloud resolved it (physical table names, queue URLs) plus the {@code CARTWHEEL_ENDPOINT_URL_*} of the emulators
     * (declared blank in the template), with 127.0.0.1 replaced by {@code host} (e.g. {@code host.docker.internal}, how
     * a SAM container reaches this machine).
     */
    public ObjectNode samEnvVars(String host) {
        Endpoints endpoints = endpoints();
        ObjectNode out = JSON.createObjectNode();
        for (FunctionSpec f : parts.model().functions()) {
            ObjectNode env = out.putObject(f.name());
            new TreeMap<>(f.environment()).forEach((k, v) -> env.put(k, onHost(v, host)));
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

    // ------------------------------------------------------------------ the parts

    public URI apiUrl() {
        return apiUrl(parts.gateway().port());
    }

    public long readyMillis() {
        return parts.readyMillis();
    }

    public Endpoints endpoints() {
        return parts.services().endpoints();
    }

    public SamTemplate template() {
        return parts.model().template();
    }

    public ProvisionedResources provisioned() {
        return parts.provisioned();
    }

    public LambdaService lambda() {
        return parts.lambda();
    }

    public HttpApiGateway gateway() {
        return parts.gateway();
    }

    public LocalCloudConfig config() {
        return parts.config();
    }

    public LocalScheduler scheduler() {
        return parts.scheduler();
    }

    public List<SqsEventSourceMapping> mappings() {
        return parts.mappings();
    }

    /** The DynamoDB stream event source mappings that run (not those of functions whose code is missing). */
    public List<DynamoDbStreamEventSourceMapping> streamMappings() {
        return parts.streamMappings();
    }

    public EventBridgeClient eventBridge() {
        return parts.services().eventBridge();
    }

    public SecretsManagerClient secretsManager() {
        return parts.services().secretsManager();
    }

    /** The Stripe simulator, unless the template has no {@code StripeApiBase} or it was pointed elsewhere. */
    public Optional<LocalStripe> paymentProvider() {
        return Optional.ofNullable(parts.paymentProvider());
    }

    public Optional<Emulators> emulators() {
        return parts.services().emulators();
    }

    public DynamoDbClient dynamoDb() {
        return parts.services().dynamoDb();
    }

    public SqsClient sqs() {
        return parts.services().sqs();
    }

    public JwtAuthority authority() {
        return parts.authority();
    }

    // ------------------------------------------------------------------ tokens

    @Override
    public String issuer() {
        return parts.console().issuer();
    }

    public String audience() {
        Object aud = template().parameterValues().get("JwtAudience");
        return aud == null ? "cartwheel" : aud.toString();
    }

    /** A dev token for this cloud's API. */
    public String token(String subject, String email, String scope) {
        return authority().issue(issuer(), audience(), subject, email, scope, 3600);
    }

    /** A dev token for this cloud's API whose {@code cognito:groups} claim lists {@code groups}. */
    public String token(String subject, String email, String scope, List<String> groups) {
        return authority().issue(issuer(), audience(), subject, email, scope, groups, 3600);
    }

    /** A dev token of an admin: the scopes and the template's {@code AdminGroup} in {@code cognito:groups}. */
    public String adminToken(String subject, String email, String scope) {
        return token(subject, email, scope, List.of(String.valueOf(template().parameterValues().get("AdminGroup"))));
    }

    // ------------------------------------------------------------------ the console's read model

    @Override
    public JsonNode orders() {
        return parts.console().orders();
    }

    @Override
    public JsonNode fulfilmentQueue() {
        return parts.console().fulfilmentQueue();
    }

    @Override
    public JsonNode queues() {
        return parts.console().queues();
    }

    @Override
    public int redrive(String deadLetterQueueName) {
        return parts.console().redrive(deadLetterQueueName);
    }

    @Override
    public JsonNode mail() {
        return parts.console().mail();
    }

    @Override
    public JsonNode busEvents() {
        return parts.console().busEvents();
    }

    @Override
    public JsonNode authenticate(String orderId, boolean succeed) {
        return parts.console().authenticate(orderId, succeed);
    }

    @Override
    public JsonNode webhooks() {
        return parts.console().webhooks();
    }

    @Override
    public JsonNode functions() {
        return parts.console().functions();
    }

    @Override
    public JsonNode httpEvents() {
        return parts.console().httpEvents();
    }

    @Override
    public JsonNode jwks() {
        return parts.console().jwks();
    }

    /** Stops everything, in reverse order of start; a second call does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Startup.closeAll(parts.closeables(), parts.config().functionLog());
        }
    }
}
