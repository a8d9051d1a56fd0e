package dev.cartwheel.emulators.provisioning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetRandomPasswordRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import dev.cartwheel.emulators.server.EmulatorException;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.TemplateException;
import dev.cartwheel.emulators.template.TemplateResource;
import dev.cartwheel.emulators.template.Yamls;

/**
 * Creates a template's {@code AWS::DynamoDB::Table}s (with their stream when StreamSpecification names a view type),
 * {@code AWS::SQS::Queue}s, {@code AWS::SES::EmailIdentity}s, {@code AWS::Events::EventBus}es, event-pattern
 * {@code AWS::Events::Rule}s with their Targets, and {@code AWS::SecretsManager::Secret}s through SDK v2 clients (pointed at the emulators, or LocalStack), in dependency
 * order (a dead-letter queue before the queue whose RedrivePolicy names it).
 *
 * <p>Physical names: the TableName / QueueName / Name property when given, else {@code <prefix>-<LogicalId>} (with
 * {@code .fifo} appended for FIFO queues). Other resource types are ignored. {@code Ref} of a table gives its name,
 * {@code GetAtt Table.StreamArn} its LatestStreamArn; {@code Ref} of an event bus gives its name,
 * {@code GetAtt Bus.Arn} its ARN; {@code Ref} of a rule gives its name, {@code GetAtt Rule.Arn} its ARN (a schedule
 * rule, one with ScheduleExpression and no EventPattern, is not created: the local cloud runs schedules itself);
 * {@code Ref} of a secret (as {@code GetAtt Secret.Id}) gives its ARN, as in
 * CloudFormation. A secret gets its SecretString, or with GenerateSecretString a password made by
 * {@code GetRandomPassword} with its options (PasswordLength, ExcludeCharacters, ExcludePunctuation, ...), put under
 * GenerateStringKey in SecretStringTemplate when those are given.
 */
public final class Provisioner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PROVISIONED_TYPES = Set.of(
            SamTemplate.DYNAMODB_TABLE, SamTemplate.SQS_QUEUE, SamTemplate.SES_EMAIL_IDENTITY, SamTemplate.EVENT_BUS,
            SamTemplate.EVENT_RULE, SamTemplate.SECRETS_MANAGER_SECRET);
    private static final Duration TABLE_ACTIVE_TIMEOUT = Duration.ofSeconds(60);

    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final SesV2Client ses;
    private final EventBridgeClient eventBridge;
    private final SecretsManagerClient secretsManager;

    /**
     * A provisioner without EventBridge and Secrets Manager: the template's event buses and secrets are not created
     * (their {@code Ref} and {@code GetAtt} fall back to the template's placeholders). Prefer the five-client
     * constructor.
     */
    public Provisioner(DynamoDbClient dynamoDb, SqsClient sqs, SesV2Client ses) {
        this(dynamoDb, sqs, ses, null, null);
    }

    /** A provisioner of tables, queues, e-mail identities and event buses; secrets are not created. */
    public Provisioner(DynamoDbClient dynamoDb, SqsClient sqs, SesV2Client ses, EventBridgeClient eventBridge) {
        this(dynamoDb, sqs, ses, eventBridge, null);
    }

    /** A provisioner of tables, queues, e-mail identities, event buses and secrets. */
    public Provisioner(DynamoDbClient dynamoDb, SqsClient sqs, SesV2Client ses, EventBridgeClient eventBridge,
                       SecretsManagerClient secretsManager) {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.ses = ses;
        this.eventBridge = eventBridge;
        this.secretsManager = secretsManager;
    }

    /** True for the resource types this provisioner creates. */
    public static boolean provisions(String resourceType) {
        return PROVISIONED_TYPES.contains(resourceType);
    }

    /**
     * Creates every table, queue and e-mail identity of {@code template}, and its event buses and secrets when this
     * provisioner has an EventBridge / Secrets Manager client.
     *
     * @param prefix the prefix of generated names (a random one per test, the stack name for the local cloud)
     */
    public ProvisionedResources provision(SamTemplate template, String prefix) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9_-]{1,40}")) {
            throw new IllegalArgumentException("prefix must be 1-40 of [A-Za-z0-9_-], got " + prefix);
        }
        Map<String, PhysicalResource> created = new LinkedHashMap<>();
        for (TemplateResource resource : inDependencyOrder(template)) {
            if (((resource.is(SamTemplate.EVENT_BUS) || resource.is(SamTemplate.EVENT_RULE)) && eventBridge == null)
                    || (resource.is(SamTemplate.SECRETS_MANAGER_SECRET) && secretsManager == null)) {
                continue;
            }
            ProvisionedResources soFar = new ProvisionedResources(prefix, created);
            SamTemplate resolving = template.withResources(soFar.orElse(template.resourceLookup()));
            Map<String, Object> props = resolving.resolvedProperties(resource.logicalId());
            if (resource.is(SamTemplate.EVENT_RULE) && props.get("EventPattern") == null) {
                if (props.get("ScheduleExpression") == null) {
                    throw new TemplateException(resource.logicalId() + ": an AWS::Events::Rule needs an EventPattern "
                            + "or a ScheduleExpression");
                }
                continue;
            }
            PhysicalResource physical = switch (resource.type()) {
                case SamTemplate.DYNAMODB_TABLE -> createTable(resource.logicalId(), props, prefix);
                case SamTemplate.SQS_QUEUE -> createQueue(resource.logicalId(), props, prefix);
                case SamTemplate.SES_EMAIL_IDENTITY -> createIdentity(resource.logicalId(), props);
                case SamTemplate.EVENT_BUS -> createEventBus(resource.logicalId(), props, prefix);
                case SamTemplate.EVENT_RULE -> createRule(resource.logicalId(), props, prefix);
                case SamTemplate.SECRETS_MANAGER_SECRET -> createSecret(resource.logicalId(), props, prefix);
                default -> throw new IllegalStateException(resource.type());
            };
            created.put(resource.logicalId(), physical);
        }
        return new ProvisionedResources(prefix, created);
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

    // ---------------------------------------------------------------------------------------------- DynamoDB

    private PhysicalResource createTable(String logicalId, Map<String, Object> props, String prefix) {
        String name = props.get("TableName") != null ? Yamls.stringify(props.get("TableName")) : prefix + "-" + logicalId;
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(list(props.get("AttributeDefinitions"), logicalId + ".AttributeDefinitions").stream()
                        .map(a -> AttributeDefinition.builder()
                                .attributeName(Yamls.stringify(a.get("AttributeName")))
                                .attributeType(Yamls.stringify(a.get("AttributeType")))
                                .build())
                        .toList())
                .keySchema(keySchema(props.get("KeySchema"), logicalId + ".KeySchema"));
        String billing = props.get("BillingMode") == null ? "PROVISIONED" : Yamls.stringify(props.get("BillingMode"));
        boolean onDemand = billing.equals("PAY_PER_REQUEST");
        request.billingMode(onDemand ? BillingMode.PAY_PER_REQUEST : BillingMode.PROVISIONED);
        if (!onDemand) {
            request.provisionedThroughput(throughput(props.get("ProvisionedThroughput")));
        }
        List<Map<String, Object>> gsis = list(props.get("GlobalSecondaryIndexes"), logicalId + ".GlobalSecondaryIndexes");
        if (!gsis.isEmpty()) {
            request.globalSecondaryIndexes(gsis.stream().map(g -> {
                GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder()
                        .indexName(Yamls.stringify(g.get("IndexName")))
                        .keySchema(keySchema(g.get("KeySchema"), logicalId + " index KeySchema"))
                        .projection(projection(g.get("Projection")));
                if (!onDemand) {
                    gsi.provisionedThroughput(throughput(g.get("ProvisionedThroughput")));
                }
                return gsi.build();
            }).toList());
        }
        List<Map<String, Object>> lsis = list(props.get("LocalSecondaryIndexes"), logicalId + ".LocalSecondaryIndexes");
        if (!lsis.isEmpty()) {
            request.localSecondaryIndexes(lsis.stream().map(l -> LocalSecondaryIndex.builder()
                    .indexName(Yamls.stringify(l.get("IndexName")))
                    .keySchema(keySchema(l.get("KeySchema"), logicalId + " index KeySchema"))
                    .projection(projection(l.get("Projection")))
                    .build()).toList());
        }
        Map<String, Object> stream = Yamls.asMap(props.get("StreamSpecification"), logicalId + ".StreamSpecification");
        if (stream.get("StreamViewType") != null) {
            request.streamSpecification(StreamSpecification.builder()
                    .streamEnabled(true)
                    .streamViewType(Yamls.stringify(stream.get("StreamViewType")))
                    .build());
        }
        dynamoDb.createTable(request.build());
        TableDescription table = awaitActive(name);

        Map<String, Object> ttl = Yamls.asMap(props.get("TimeToLiveSpecification"), logicalId + ".TimeToLiveSpecification");
        if (ttl.get("AttributeName") != null
                && (ttl.get("Enabled") == null || Yamls.toBoolean(ttl.get("Enabled"), "TimeToLiveSpecification.Enabled"))) {
            dynamoDb.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(s -> s
                    .attributeName(Yamls.stringify(ttl.get("AttributeName")))
                    .enabled(true)));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("Arn", table.tableArn());
        if (table.latestStreamArn() != null) {
            attributes.put("StreamArn", table.latestStreamArn());
        }
        return new PhysicalResource(logicalId, SamTemplate.DYNAMODB_TABLE, name, null, table.tableArn(), name, attributes);
    }

    private TableDescription awaitActive(String name) {
        long deadline = System.nanoTime() + TABLE_ACTIVE_TIMEOUT.toNanos();
        while (true) {
            TableDescription table = dynamoDb.describeTable(r -> r.tableName(name)).table();
            boolean indexesActive = table.globalSecondaryIndexes().stream()
                    .allMatch(i -> "ACTIVE".equals(i.indexStatusAsString()));
            if (table.tableStatus() == TableStatus.ACTIVE && indexesActive) {
                return table;
            }
            if (System.nanoTime() > deadline) {
                throw new EmulatorException("table " + name + " not ACTIVE after " + TABLE_ACTIVE_TIMEOUT
                        + ": " + table.tableStatus());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmulatorException("interrupted waiting for table " + name, e);
            }
        }
    }

    private static List<KeySchemaElement> keySchema(Object value, String what) {
        return list(value, what).stream().map(k -> KeySchemaElement.builder()
                .attributeName(Yamls.stringify(k.get("AttributeName")))
                .keyType(Yamls.stringify(k.get("KeyType")))
                .build()).toList();
    }

    private static Projection projection(Object value) {
        Map<String, Object> p = Yamls.asMap(value, "Projection");
        Projection.Builder projection = Projection.builder()
                .projectionType(p.get("ProjectionType") == null ? "ALL" : Yamls.stringify(p.get("ProjectionType")));
        List<String> nonKey = Yamls.stringList(p.get("NonKeyAttributes"));
        if (!nonKey.isEmpty()) {
            projection.nonKeyAttributes(nonKey);
        }
        return projection.build();
    }

    private static ProvisionedThroughput throughput(Object value) {
        Map<String, Object> t = Yamls.asMap(value, "ProvisionedThroughput");
        return ProvisionedThroughput.builder()
                .readCapacityUnits((long) (t.get("ReadCapacityUnits") == null ? 5 : Yamls.toInt(t.get("ReadCapacityUnits"), "ReadCapacityUnits")))
                .writeCapacityUnits((long) (t.get("WriteCapacityUnits") == null ? 5 : Yamls.toInt(t.get("WriteCapacityUnits"), "WriteCapacityUnits")))
                .build();
    }

    // ---------------------------------------------------------------------------------------------- SQS

    private PhysicalResource createQueue(String logicalId, Map<String, Object> props, String prefix) {
        boolean fifo = props.get("FifoQueue") != null && Yamls.toBoolean(props.get("FifoQueue"), "FifoQueue");
        String name = props.get("QueueName") != null ? Yamls.stringify(props.get("QueueName")) : prefix + "-" + logicalId;
        if (fifo && !name.endsWith(".fifo")) {
            name = name + ".fifo";
        }
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        copy(props, "VisibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT, attributes);
        copy(props, "MessageRetentionPeriod", QueueAttributeName.MESSAGE_RETENTION_PERIOD, attributes);
        copy(props, "DelaySeconds", QueueAttributeName.DELAY_SECONDS, attributes);
        copy(props, "ReceiveMessageWaitTimeSeconds", QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, attributes);
        copy(props, "MaximumMessageSize", QueueAttributeName.MAXIMUM_MESSAGE_SIZE, attributes);
        if (fifo) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            copy(props, "ContentBasedDeduplication", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, attributes);
        }
        if (props.get("RedrivePolicy") != null) {
            attributes.put(QueueAttributeName.REDRIVE_POLICY, json(props.get("RedrivePolicy")));
        }
        String queueName = name;
        String url = sqs.createQueue(r -> r.queueName(queueName).attributes(attributes)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        Map<String, String> atts = new LinkedHashMap<>();
        atts.put("Arn", arn);
        atts.put("QueueName", name);
        atts.put("QueueUrl", url);
        return new PhysicalResource(logicalId, SamTemplate.SQS_QUEUE, name, url, arn, url, atts);
    }

    private static void copy(Map<String, Object> props, String property, QueueAttributeName attribute,
                             Map<QueueAttributeName, String> attributes) {
        Object value = props.get(property);
        if (value != null) {
            attributes.put(attribute, Yamls.stringify(value).toLowerCase(Locale.ROOT).equals("true")
                    || Yamls.stringify(value).equalsIgnoreCase("false")
                    ? Yamls.stringify(value).toLowerCase(Locale.ROOT) : Yamls.stringify(value));
        }
    }

    private static String json(Object value) {
        if (value instanceof String s) {
            return s;
        }
        Map<String, Object> policy = new LinkedHashMap<>(Yamls.asMap(value, "RedrivePolicy"));
        // SQS expects maxReceiveCount as a number; the template may give "5".
        if (policy.get("maxReceiveCount") != null) {
            policy.put("maxReceiveCount", Yamls.toInt(policy.get("maxReceiveCount"), "maxReceiveCount"));
        }
        try {
            return JSON.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new TemplateException("RedrivePolicy is not serialisable: " + value, e);
        }
    }

    // ---------------------------------------------------------------------------------------------- SES

    private PhysicalResource createIdentity(String logicalId, Map<String, Object> props) {
        Object identityValue = props.get("EmailIdentity");
        if (identityValue == null) {
            throw new TemplateException(logicalId + ": AWS::SES::EmailIdentity needs EmailIdentity");
        }
        String identity = Yamls.stringify(identityValue);
        try {
            ses.createEmailIdentity(r -> r.emailIdentity(identity));
        } catch (AlreadyExistsException alreadyThere) {
            // identities are per account, not per test: another test's provisioning already made it
        }
        return new PhysicalResource(logicalId, SamTemplate.SES_EMAIL_IDENTITY, identity, null, null, identity,
                Map.of());
    }

    // ---------------------------------------------------------------------------------------------- EventBridge

    private PhysicalResource createEventBus(String logicalId, Map<String, Object> props, String prefix) {
        String name = props.get("Name") != null ? Yamls.stringify(props.get("Name")) : prefix + "-" + logicalId;
        if (props.get("EventSourceName") != null) {
            throw new TemplateException(logicalId + ": partner event buses (EventSourceName) are not supported locally");
        }
        String arn;
        try {
            arn = eventBridge.createEventBus(r -> r.name(name)
                    .description(props.get("Description") == null ? null : Yamls.stringify(props.get("Description"))))
                    .eventBusArn();
        } catch (ResourceAlreadyExistsException alreadyThere) {
            // an endpoint that outlives the stack (e.g. a running LocalStack given to the local cloud)
            arn = eventBridge.describeEventBus(r -> r.name(name)).arn();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("Arn", arn);
        attributes.put("Name", name);
        return new PhysicalResource(logicalId, SamTemplate.EVENT_BUS, name, null, arn, name, attributes);
    }

    /** An event-pattern rule on its bus (the default bus when EventBusName is absent), then its targets. */
    private PhysicalResource createRule(String logicalId, Map<String, Object> props, String prefix) {
        String name = props.get("Name") != null ? Yamls.stringify(props.get("Name")) : prefix + "-" + logicalId;
        String bus = props.get("EventBusName") == null ? null : Yamls.stringify(props.get("EventBusName"));
        String pattern;
        try {
            pattern = JSON.writeValueAsString(props.get("EventPattern"));
        } catch (JsonProcessingException e) {
            throw new TemplateException(logicalId + ": EventPattern is not JSON: " + e.getOriginalMessage());
        }
        String state = props.get("State") == null ? "ENABLED" : Yamls.stringify(props.get("State"));
        List<Map<String, Object>> targets = list(props.get("Targets"), logicalId + ".Targets");
        String arn;
        try {
            arn = eventBridge.putRule(r -> r.name(name).eventBusName(bus).eventPattern(pattern).state(state)
                    .description(props.get("Description") == null ? null : Yamls.stringify(props.get("Description"))))
                    .ruleArn();
            if (!targets.isEmpty()) {
                eventBridge.putTargets(r -> r.rule(name).eventBusName(bus).targets(targets.stream().map(target -> {
                    for (String key : target.keySet()) {
                        if (!key.equals("Id") && !key.equals("Arn")) {
                            throw new TemplateException(logicalId + ": target property " + key
                                    + " is not supported locally (only Id and Arn)");
                        }
                    }
                    return Target.builder().id(Yamls.stringify(target.get("Id"))).arn(Yamls.stringify(target.get("Arn")))
                            .build();
                }).toList()));
            }
        } catch (EventBridgeException e) {
            throw new TemplateException(logicalId + ": " + e.awsErrorDetails().errorMessage());
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("Arn", arn);
        return new PhysicalResource(logicalId, SamTemplate.EVENT_RULE, name, null, arn, name, attributes);
    }

    // ---------------------------------------------------------------------------------------------- Secrets Manager

    private PhysicalResource createSecret(String logicalId, Map<String, Object> props, String prefix) {
        String name = props.get("Name") != null ? Yamls.stringify(props.get("Name")) : prefix + "-" + logicalId;
        Object given = props.get("SecretString");
        Object generate = props.get("GenerateSecretString");
        if (given != null && generate != null) {
            throw new TemplateException(logicalId + ": SecretString and GenerateSecretString cannot both be given");
        }
        if (given == null && generate == null) {
            throw new TemplateException(logicalId + ": AWS::SecretsManager::Secret needs SecretString or GenerateSecretString");
        }
        String value = given != null ? Yamls.stringify(given)
                : generatedSecretString(logicalId, Yamls.asMap(generate, logicalId + ".GenerateSecretString"));
        List<Tag> tags = list(props.get("Tags"), logicalId + ".Tags").stream()
                .map(t -> Tag.builder().key(Yamls.stringify(t.get("Key"))).value(Yamls.stringify(t.get("Value"))).build())
                .toList();
        String arn;
        try {
            arn = secretsManager.createSecret(r -> r.name(name).secretString(value)
                    .description(props.get("Description") == null ? null : Yamls.stringify(props.get("Description")))
                    .kmsKeyId(props.get("KmsKeyId") == null ? null : Yamls.stringify(props.get("KmsKeyId")))
                    .tags(tags.isEmpty() ? null : tags))
                    .arn();
        } catch (ResourceExistsException alreadyThere) {
            // an endpoint that outlives the stack (e.g. a running LocalStack given to the local cloud): keep its value
            arn = secretsManager.describeSecret(r -> r.secretId(name)).arn();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("Id", arn);
        return new PhysicalResource(logicalId, SamTemplate.SECRETS_MANAGER_SECRET, name, null, arn, arn, attributes);
    }

    /** What CloudFormation stores for GenerateSecretString: a GetRandomPassword password, alone or in the template. */
    private String generatedSecretString(String logicalId, Map<String, Object> generate) {
        String where = logicalId + ".GenerateSecretString";
        GetRandomPasswordRequest.Builder request = GetRandomPasswordRequest.builder();
        if (generate.get("PasswordLength") != null) {
            request.passwordLength((long) Yamls.toInt(generate.get("PasswordLength"), where + ".PasswordLength"));
        }
        if (generate.get("ExcludeCharacters") != null) {
            request.excludeCharacters(Yamls.stringify(generate.get("ExcludeCharacters")));
        }
        request.excludeNumbers(flag(generate, "ExcludeNumbers", where))
                .excludePunctuation(flag(generate, "ExcludePunctuation", where))
                .excludeUppercase(flag(generate, "ExcludeUppercase", where))
                .excludeLowercase(flag(generate, "ExcludeLowercase", where))
                .includeSpace(flag(generate, "IncludeSpace", where));
        if (generate.get("RequireEachIncludedType") != null) {
            request.requireEachIncludedType(flag(generate, "RequireEachIncludedType", where));
        }
        String password = secretsManager.getRandomPassword(request.build()).randomPassword();
        Object template = generate.get("SecretStringTemplate");
        Object key = generate.get("GenerateStringKey");
        if (template == null && key == null) {
            return password;
        }
        if (template == null || key == null) {
            throw new TemplateException(where + ": SecretStringTemplate and GenerateStringKey go together");
        }
        try {
            JsonNode parsed = JSON.readTree(Yamls.stringify(template));
            if (!(parsed instanceof ObjectNode object)) {
                throw new TemplateException(where + ".SecretStringTemplate is not a JSON object: " + template);
            }
            object.put(Yamls.stringify(key), password);
            return JSON.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new TemplateException(where + ".SecretStringTemplate is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Boolean flag(Map<String, Object> props, String name, String where) {
        return props.get(name) == null ? null : Yamls.toBoolean(props.get(name), where + "." + name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value, String what) {
        if (value == null) {
            return List.of();
        }
        List<Object> items = Yamls.asList(value, what);
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object item : items) {
            maps.add((Map<String, Object>) Yamls.asMap(item, what + " item"));
        }
        return maps;
    }
}
