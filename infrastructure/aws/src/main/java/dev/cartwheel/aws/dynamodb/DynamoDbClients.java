package dev.cartwheel.aws.dynamodb;

import dev.cartwheel.aws.AwsClientSettings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Builds the DynamoDB client of a function once, at init. */
public final class DynamoDbClients {

    private DynamoDbClients() {
    }

    public static DynamoDbClient create(AwsClientSettings settings) {
        return settings.configure(DynamoDbClient.builder(), "DYNAMODB")
                .httpClientBuilder(settings.httpClient())
                .build();
    }
}
