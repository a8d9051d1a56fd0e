package dev.cartwheel.bench.baseline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The floor under checkout's cold start: a plain-Java handler that makes exactly the AWS calls checkout makes for
 * one {@code POST /orders} (cost.md: a {@code Query} count on {@code byCustomer}, two {@code BatchGetItem}, one
 * {@code TransactWriteItems} of three puts, one SQS {@code SendMessage}) with hard-coded requests: no validation, no
 * JSON binding, no domain. Clients built like {@link GetItemHandler}'s. What this handler needs to answer first is
 * what any SDK v2 handler doing checkout's work pays; checkout's distance from it is Cartwheel's own cost.
 */
public final class CheckoutCallsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final DynamoDbClient DYNAMO_DB = DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    private static final SqsClient SQS = SqsClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    private static final String ORDERS = System.getenv("ORDERS_TABLE");
    private static final String PRODUCTS = System.getenv("PRODUCTS_TABLE");
    private static final String IDEMPOTENCY = System.getenv("IDEMPOTENCY_TABLE");
    private static final String ADDRESSES = System.getenv("SHIPPING_ADDRESSES_TABLE");
    private static final String QUEUE = System.getenv("INVENTORY_QUEUE_URL");

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String orderId = UUID.randomUUID().toString();
        String customer = "floor-" + orderId;
        int open = DYNAMO_DB.query(q -> q.tableName(ORDERS).indexName("byCustomer").select(Select.COUNT)
                .keyConditionExpression("customerId = :c")
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(customer)))).count();
        int products = DYNAMO_DB.batchGetItem(b -> b.requestItems(Map.of(PRODUCTS, KeysAndAttributes.builder()
                .keys(List.of(Map.of("sku", AttributeValue.fromS("BENCH-A")), Map.of("sku", AttributeValue.fromS("BENCH-B"))))
                .build()))).responses().getOrDefault(PRODUCTS, List.of()).size();
        int rules = DYNAMO_DB.batchGetItem(b -> b.requestItems(Map.of(PRODUCTS, KeysAndAttributes.builder()
                .keys(List.of(Map.of("sku", AttributeValue.fromS("shipping#standard")), Map.of("sku", AttributeValue.fromS("tax#US"))))
                .build()))).responses().getOrDefault(PRODUCTS, List.of()).size();
        DYNAMO_DB.transactWriteItems(t -> t.transactItems(
                put(ORDERS, Map.of("orderId", AttributeValue.fromS(orderId), "customerId", AttributeValue.fromS(customer),
                        "createdAt", AttributeValue.fromS("2026-01-01T00:00:00Z"), "status", AttributeValue.fromS("FLOOR")), "orderId"),
                put(IDEMPOTENCY, Map.of("pk", AttributeValue.fromS("floor#" + orderId)), "pk"),
                put(ADDRESSES, Map.of("orderId", AttributeValue.fromS(orderId), "line1", AttributeValue.fromS("1 Bench Road")), "orderId")));
        SQS.sendMessage(m -> m.queueUrl(QUEUE).messageBody("{\"type\":\"FloorOrder\",\"orderId\":\"" + orderId + "\"}"));
        return APIGatewayV2HTTPResponse.builder().withStatusCode(202)
                .withBody("{\"orderId\":\"" + orderId + "\",\"open\":" + open + ",\"read\":" + (products + rules) + "}").build();
    }

    private static TransactWriteItem put(String table, Map<String, AttributeValue> item, String key) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(" + key + ")")).build();
    }
}
