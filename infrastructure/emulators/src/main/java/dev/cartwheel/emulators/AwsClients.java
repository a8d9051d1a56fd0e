package dev.cartwheel.emulators;

import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SDK v2 clients pointed at {@link Endpoints}: {@link UrlConnectionHttpClient} (no Apache/Netty), static dummy
 * credentials, the endpoints' region. Each call builds a new client; the caller closes it.
 */
public final class AwsClients {

    private AwsClients() {
    }

    public static StaticCredentialsProvider credentials(Endpoints endpoints) {
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(endpoints.accessKeyId(), endpoints.secretAccessKey()));
    }

    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60)).build();
    }

    public static DynamoDbClient dynamoDb(Endpoints endpoints) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoints.dynamoDb())
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials(endpoints))
                .httpClient(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }

    public static SqsClient sqs(Endpoints endpoints) {
        return SqsClient.builder()
                .endpointOverride(endpoints.sqs())
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials(endpoints))
                .httpClient(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }

    public static SesV2Client sesV2(Endpoints endpoints) {
        return SesV2Client.builder()
                .endpointOverride(endpoints.ses())
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials(endpoints))
                .httpClient(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }

    /** DynamoDB Streams, served by the DynamoDB endpoint (DynamoDB Local answers both APIs). */
    public static DynamoDbStreamsClient dynamoDbStreams(Endpoints endpoints) {
        return DynamoDbStreamsClient.builder()
                .endpointOverride(endpoints.dynamoDb())
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials(endpoints))
                .httpClient(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }

    public static EventBridgeClient eventBridge(Endpoints endpoints) {
        return EventBridgeClient.builder()
                .endpointOverride(endpoints.eventBridge())
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials(endpoints))
                .httpClient(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }

    public static SecretsManagerClient secretsManager(Endpoints endpoints) {
        return SecretsManagerClient.builder()
                .endpointOverride(endpoints.secretsManager())
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials(endpoints))
                .httpClient(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }
}
