package dev.cartwheel.emulators.provisioning;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
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
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

import dev.cartwheel.emulators.server.EmulatorException;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.Yamls;

/**
 * {@code AWS::DynamoDB::Table}: keys, billing, global and local secondary indexes, the stream when
 * StreamSpecification names a view type, and time to live; waits with the SDK's {@link DynamoDbWaiter} until the table
 * is ACTIVE. {@code Ref} gives the table name, {@code GetAtt Arn} its ARN, {@code GetAtt StreamArn} its LatestStreamArn.
 */
final class TableCreator implements ResourceCreator {

    private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);

    private final DynamoDbClient dynamoDb;

    TableCreator(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    @Override
    public Optional<PhysicalResource> create(String logicalId, Map<String, Object> props, String prefix) {
        String name = ResourceCreator.name(props, "TableName", prefix, logicalId);
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(Yamls.mapList(props.get("AttributeDefinitions"), logicalId + ".AttributeDefinitions")
                        .stream()
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
        List<Map<String, Object>> gsis = Yamls.mapList(props.get("GlobalSecondaryIndexes"), logicalId + ".GlobalSecondaryIndexes");
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
        List<Map<String, Object>> lsis = Yamls.mapList(props.get("LocalSecondaryIndexes"), logicalId + ".LocalSecondaryIndexes");
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
        return Optional.of(new PhysicalResource(logicalId, SamTemplate.DYNAMODB_TABLE, name, null, table.tableArn(), name,
                attributes));
    }

    /** The SDK's tableExists waiter (ACTIVE), polling every 50 ms instead of its default 20 s: emulators are quick. */
    private TableDescription awaitActive(String name) {
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(dynamoDb)
                .overrideConfiguration(o -> o.backoffStrategyV2(BackoffStrategy.fixedDelay(POLL)).waitTimeout(ACTIVE_TIMEOUT))
                .build()) {
            return waiter.waitUntilTableExists(r -> r.tableName(name)).matched().response()
                    .orElseThrow(() -> new EmulatorException("table " + name + " did not become ACTIVE"))
                    .table();
        } catch (SdkException e) {
            throw new EmulatorException("table " + name + " not ACTIVE after " + ACTIVE_TIMEOUT + ": " + e.getMessage(), e);
        }
    }

    private static List<KeySchemaElement> keySchema(Object value, String what) {
        return Yamls.mapList(value, what).stream().map(k -> KeySchemaElement.builder()
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
                .readCapacityUnits((long) capacity(t, "ReadCapacityUnits"))
                .writeCapacityUnits((long) capacity(t, "WriteCapacityUnits"))
                .build();
    }

    private static int capacity(Map<String, Object> throughput, String property) {
        return throughput.get(property) == null ? 5 : Yamls.toInt(throughput.get(property), property);
    }
}
