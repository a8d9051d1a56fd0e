package dev.cartwheel.emulators.dynamodb;

import static dev.cartwheel.emulators.SharedEmulators.DYNAMO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import dev.cartwheel.emulators.SharedEmulators;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.SamTemplateTest;

/** What Cartwheel uses of DynamoDB, against DynamoDB Local through the real SDK client. */
class EmbeddedDynamoDbIT {

    static ProvisionedResources stack;

    @BeforeAll
    static void provision() {
        stack = new Provisioner(DYNAMO, SharedEmulators.SQS, SharedEmulators.SES, null, null)
                .provision(SamTemplate.load(SamTemplateTest.fixture()), SharedEmulators.freshPrefix());
    }

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        var endpoint = SharedEmulators.EMULATORS.endpoints().dynamoDb();
        assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", endpoint.getPort()), 1000);
        }
    }

    @Test
    void transactWriteWithConditionCheckUpdateAndPut() {
        String orders = stack.tableName("OrdersTable");
        String idempotency = stack.tableName("IdempotencyTable");
        DYNAMO.putItem(r -> r.tableName(orders).item(Map.of("orderId", s("o1"), "customerId", s("c1"),
                "createdAt", s("2026-01-01T00:00:00Z"), "stock", n(5))));
        DYNAMO.putItem(r -> r.tableName(orders).item(Map.of("orderId", s("customer-c1"), "active", s("yes"))));

        var result = DYNAMO.transactWriteItems(r -> r.returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).transactItems(
                TransactWriteItem.builder().conditionCheck(c -> c.tableName(orders).key(Map.of("orderId", s("customer-c1")))
                        .conditionExpression("active = :yes").expressionAttributeValues(Map.of(":yes", s("yes")))).build(),
                TransactWriteItem.builder().update(u -> u.tableName(orders).key(Map.of("orderId", s("o1")))
                        .updateExpression("SET stock = stock - :q").conditionExpression("stock >= :q")
                        .expressionAttributeValues(Map.of(":q", n(2)))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(idempotency).item(Map.of("pk", s("key-1"),
                        "expiresAt", n(4_000_000_000L))).conditionExpression("attribute_not_exists(pk)")).build()));
        assertThat(result.consumedCapacity()).isNotEmpty();
        assertThat(DYNAMO.getItem(r -> r.tableName(orders).key(Map.of("orderId", s("o1")))).item().get("stock").n())
                .isEqualTo("3");

        assertThatThrownBy(() -> DYNAMO.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().update(u -> u.tableName(orders).key(Map.of("orderId", s("o1")))
                        .updateExpression("SET stock = stock - :q").conditionExpression("stock >= :q")
                        .expressionAttributeValues(Map.of(":q", n(10)))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(idempotency).item(Map.of("pk", s("key-2")))).build())))
                .isInstanceOf(TransactionCanceledException.class)
                .satisfies(e -> assertThat(((TransactionCanceledException) e).cancellationReasons())
                        .extracting(c -> c.code()).containsExactly("ConditionalCheckFailed", "None"));
        assertThat(DYNAMO.getItem(r -> r.tableName(idempotency).key(Map.of("pk", s("key-2")))).hasItem()).isFalse();
    }

    @Test
    void conditionalUpdateFailsWithConditionalCheckFailed() {
        String orders = stack.tableName("OrdersTable");
        DYNAMO.putItem(r -> r.tableName(orders).item(Map.of("orderId", s("o2"), "status", s("PLACED"))));
        DYNAMO.updateItem(r -> r.tableName(orders).key(Map.of("orderId", s("o2")))
                .updateExpression("SET #s = :new").conditionExpression("#s = :old")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":new", s("PAID"), ":old", s("PLACED"))));
        assertThatThrownBy(() -> DYNAMO.updateItem(r -> r.tableName(orders).key(Map.of("orderId", s("o2")))
                .updateExpression("SET #s = :new").conditionExpression("#s = :old")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":new", s("PAID"), ":old", s("PLACED")))))
                .isInstanceOf(ConditionalCheckFailedException.class);
    }

    @Test
    void gsiQueryBatchGetAndTtl() {
        String orders = stack.tableName("OrdersTable");
        for (int i = 0; i < 3; i++) {
            int n = i;
            DYNAMO.putItem(r -> r.tableName(orders).item(Map.of("orderId", s("g" + n), "customerId", s("cust-g"),
                    "createdAt", s("2026-01-0" + (n + 1)))));
        }
        var page = DYNAMO.query(r -> r.tableName(orders).indexName("byCustomer")
                .keyConditionExpression("customerId = :c").expressionAttributeValues(Map.of(":c", s("cust-g")))
                .scanIndexForward(false).limit(2));
        assertThat(page.items()).extracting(i -> i.get("orderId").s()).containsExactly("g2", "g1");
        assertThat(page.lastEvaluatedKey()).isNotEmpty();

        var batch = DYNAMO.batchGetItem(r -> r.requestItems(Map.of(orders, KeysAndAttributes.builder()
                .keys(List.of(Map.of("orderId", s("g0")), Map.of("orderId", s("g1")), Map.of("orderId", s("none"))))
                .build())).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(batch.responses().get(orders)).hasSize(2);

        var ttl = DYNAMO.describeTimeToLive(r -> r.tableName(stack.tableName("IdempotencyTable")))
                .timeToLiveDescription();
        assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
        assertThat(ttl.attributeName()).isEqualTo("expiresAt");
    }
}
