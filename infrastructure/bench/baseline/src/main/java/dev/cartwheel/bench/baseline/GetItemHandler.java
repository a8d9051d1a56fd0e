package dev.cartwheel.bench.baseline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The plain-Java yardstick: one SDK v2 DynamoDB client built the documented way (URL-connection HTTP client; region,
 * credentials and endpoint from the environment through the SDK's default chains), one GetItem on
 * {@code TABLE_NAME} by the {@code sku} path parameter, the item's attribute count in the body. Nothing else.
 */
public final class GetItemHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final DynamoDbClient DYNAMO_DB = DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    private static final String TABLE = System.getenv("TABLE_NAME");

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        Map<String, String> path = event.getPathParameters();
        String sku = path == null ? "" : path.getOrDefault("sku", "");
        GetItemResponse item = DYNAMO_DB.getItem(b -> b.tableName(TABLE).key(Map.of("sku", AttributeValue.fromS(sku))));
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(item.hasItem() ? 200 : 404)
                .withBody("{\"attributes\":" + (item.hasItem() ? item.item().size() : 0) + "}");
    }
}
