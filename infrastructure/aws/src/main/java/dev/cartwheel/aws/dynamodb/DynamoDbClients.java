package dev.cartwheel.aws.dynamodb;

import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.aws.lambda.SnapStartPriming;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Builds the DynamoDB client of a function once, at init. */
public final class DynamoDbClients {

    private DynamoDbClients() {
    }

    public static DynamoDbClient create(AwsClientSettings settings) {
        return settings.configure(DynamoDbClient.builder(), "DYNAMODB")
                .httpClientBuilder(settings.httpClient())
                .build();
    }

    /**
     * Registers SnapStart priming for a function that reads {@code table} by {@code keyAttribute}: a consistent
     * read of a key that never exists (signing, marshalling, HTTP and unmarshalling paths, no data touched) and
     * the JSON paths.
     */
    public static void primeOnCheckpoint(DynamoDbClient dynamoDb, String table, String keyAttribute) {
        SnapStartPriming.register("dynamodb " + keyAttribute, () -> {
            Json.prime();
            dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of(keyAttribute, AttributeValue.fromS("__snapstart_priming__"))));
        });
    }
}
