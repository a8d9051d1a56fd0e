package dev.cartwheel.emulators.provisioning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.TemplateException;
import dev.cartwheel.emulators.template.TemplateResource;

/**
 * Creates a template's {@code AWS::DynamoDB::Table}s, {@code AWS::SQS::Queue}s, {@code AWS::SES::EmailIdentity}s,
 * {@code AWS::Events::EventBus}es, event-pattern {@code AWS::Events::Rule}s and {@code AWS::SecretsManager::Secret}s
 * through SDK v2 clients (pointed at the emulators, or LocalStack), in dependency order (a dead-letter queue before the
 * queue whose RedrivePolicy names it), each resolved against those created before it; resources that do not refer to
 * each other are created at the same time (each table waits for ACTIVE on its own). One {@link ResourceCreator} per
 * type says how ({@link TableCreator}, {@link QueueCreator}, {@link EmailIdentityCreator}, {@link EventBusCreator},
 * {@link EventRuleCreator}, {@link SecretCreator}).
 *
 * <p>Physical names: the TableName / QueueName / Name property when given, else {@code <prefix>-<LogicalId>}. Other
 * resource types are ignored.
 */
public final class Provisioner {

    private static final Set<String> PROVISIONED_TYPES = Set.of(
            SamTemplate.DYNAMODB_TABLE, SamTemplate.SQS_QUEUE, SamTemplate.SES_EMAIL_IDENTITY, SamTemplate.EVENT_BUS,
            SamTemplate.EVENT_RULE, SamTemplate.SECRETS_MANAGER_SECRET);

    /** The creators of the types this provisioner has a client for. */
    private final Map<String, ResourceCreator> creators = new LinkedHashMap<>();

    /**
     * A provisioner of tables, queues, e-mail identities, event buses and rules, and secrets.
     *
     * @param eventBridge    the EventBridge client, or {@code null} to leave the template's event buses and rules out
     *                       (their {@code Ref} and {@code GetAtt} then fall back to the template's placeholders)
     * @param secretsManager the Secrets Manager client, or {@code null} to leave the template's secrets out
     */
    public Provisioner(DynamoDbClient dynamoDb, SqsClient sqs, SesV2Client ses, EventBridgeClient eventBridge,
                       SecretsManagerClient secretsManager) {
        creators.put(SamTemplate.DYNAMODB_TABLE, new TableCreator(Objects.requireNonNull(dynamoDb, "dynamoDb")));
        creators.put(SamTemplate.SQS_QUEUE, new QueueCreator(Objects.requireNonNull(sqs, "sqs")));
        creators.put(SamTemplate.SES_EMAIL_IDENTITY, new EmailIdentityCreator(Objects.requireNonNull(ses, "ses")));
        if (eventBridge != null) {
            creators.put(SamTemplate.EVENT_BUS, new EventBusCreator(eventBridge));
            creators.put(SamTemplate.EVENT_RULE, new EventRuleCreator(eventBridge));
        }
        if (secretsManager != null) {
            creators.put(SamTemplate.SECRETS_MANAGER_SECRET, new SecretCreator(secretsManager));
        }
    }

    /** True for the resource types a provisioner creates (given the client for them). */
    public static boolean provisions(String resourceType) {
        return PROVISIONED_TYPES.contains(resourceType);
    }

    /**
     * Creates every table, queue and e-mail identity of {@code template}, and its event buses, rules and secrets when
     * this provisioner has an EventBridge / Secrets Manager client.
     *
     * @param prefix the prefix of generated names (a random one per test, the stack name for the local cloud)
     */
    public ProvisionedResources provision(SamTemplate template, String prefix) {
        return provision(template, prefix, Map.of());
    }

    /**
     * Creates the template's resources as {@link #provision(SamTemplate, String)} does, each of a type named in
     * {@code serviceReady} once that stage completed (its service is up; a stage that fails fails the provisioning), so
     * that the tables can be created while the queues' service still starts.
     *
     * @param serviceReady by resource type ({@code AWS::DynamoDB::Table}, ...), when its service can be called
     */
    public ProvisionedResources provision(SamTemplate template, String prefix,
                                          Map<String, ? extends CompletionStage<?>> serviceReady) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9_-]{1,40}")) {
            throw new IllegalArgumentException("prefix must be 1-40 of [A-Za-z0-9_-], got " + prefix);
        }
        List<TemplateResource> ordered = inDependencyOrder(template);
        Map<String, PhysicalResource> created = new ConcurrentHashMap<>();
        Map<String, CompletableFuture<Void>> creations = new LinkedHashMap<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (TemplateResource resource : ordered) {
                ResourceCreator creator = creators.get(resource.type());
                if (creator == null) {
                    creations.put(resource.logicalId(), CompletableFuture.completedFuture(null));
                    continue;
                }
                // a resource is created once those it refers to exist (dependency order puts them in the map first)
                List<CompletableFuture<?>> waits = new ArrayList<>(template.dependencies(resource.logicalId()).stream()
                        .map(creations::get).filter(Objects::nonNull).toList());
                CompletionStage<?> ready = serviceReady.get(resource.type());
                if (ready != null) {
                    waits.add(ready.toCompletableFuture());
                }
                CompletableFuture<?>[] dependencies = waits.toArray(CompletableFuture[]::new);
                creations.put(resource.logicalId(), CompletableFuture.allOf(dependencies).thenRunAsync(() -> {
                    ProvisionedResources soFar = new ProvisionedResources(prefix, created);
                    SamTemplate resolving = template.withResources(soFar.orElse(template.resourceLookup()));
                    Map<String, Object> props = resolving.resolvedProperties(resource.logicalId());
                    creator.create(resource.logicalId(), props, prefix)
                            .ifPresent(p -> created.put(resource.logicalId(), p));
                }, workers));
            }
            awaitAll(creations.values());
        }
        Map<String, PhysicalResource> inOrder = new LinkedHashMap<>();
        for (TemplateResource resource : ordered) {
            PhysicalResource physical = created.get(resource.logicalId());
            if (physical != null) {
                inOrder.put(resource.logicalId(), physical);
            }
        }
        return new ProvisionedResources(prefix, inOrder);
    }

    /** Waits for every creation; rethrows the first failure in dependency order (a dependent's failure is its cause). */
    private static void awaitAll(Iterable<CompletableFuture<Void>> creations) {
        RuntimeException failure = null;
        for (CompletableFuture<Void> creation : creations) {
            try {
                creation.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                while (cause instanceof CompletionException && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                if (failure == null) {
                    failure = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The physical names {@link #provision} will give the template's tables, queues and event buses, by logical id,
     * known before they exist (a queue's URL, and every ARN, are the service's to give). A name property that refers
     * to another resource resolves to that resource's placeholder here, so a caller must treat these as a plan and
     * compare with what was provisioned.
     */
    public static Map<String, String> plannedNames(SamTemplate template, String prefix) {
        Map<String, String> names = new LinkedHashMap<>();
        for (TemplateResource resource : template.resources().values()) {
            String id = resource.logicalId();
            switch (resource.type()) {
                case SamTemplate.DYNAMODB_TABLE ->
                        names.put(id, ResourceCreator.name(template.resolvedProperties(id), "TableName", prefix, id));
                case SamTemplate.SQS_QUEUE -> names.put(id, QueueCreator.physicalName(template.resolvedProperties(id), prefix, id));
                case SamTemplate.EVENT_BUS -> names.put(id, ResourceCreator.name(template.resolvedProperties(id), "Name", prefix, id));
                default -> {
                    // named by the service (secrets get a random suffix), or not provisioned
                }
            }
        }
        return names;
    }

    private static List<TemplateResource> inDependencyOrder(SamTemplate template) {
        Map<String, TemplateResource> wanted = new LinkedHashMap<>();
        template.resources().values().stream().filter(r -> provisions(r.type()))
                .forEach(r -> wanted.put(r.logicalId(), r));
        List<TemplateResource> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (String id : wanted.keySet()) {
            visit(id, template, wanted, done, new LinkedHashSet<>(), ordered);
        }
        return ordered;
    }

    private static void visit(String id, SamTemplate template, Map<String, TemplateResource> wanted, Set<String> done,
                              Set<String> path, List<TemplateResource> ordered) {
        if (done.contains(id)) {
            return;
        }
        if (!path.add(id)) {
            throw new TemplateException("circular dependency between resources: " + path + " -> " + id);
        }
        for (String dependency : template.dependencies(id)) {
            if (wanted.containsKey(dependency)) {
                visit(dependency, template, wanted, done, path, ordered);
            }
        }
        path.remove(id);
        done.add(id);
        ordered.add(wanted.get(id));
    }
}
