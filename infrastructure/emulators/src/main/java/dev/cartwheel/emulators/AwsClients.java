package dev.cartwheel.emulators;

import java.net.URI;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
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
        return build(DynamoDbClient.builder(), endpoints.dynamoDb(), endpoints);
    }

    public static SqsClient sqs(Endpoints endpoints) {
        return build(SqsClient.builder(), endpoints.sqs(), endpoints);
    }

    public static SesV2Client sesV2(Endpoints endpoints) {
        return build(SesV2Client.builder(), endpoints.ses(), endpoints);
    }

    /** DynamoDB Streams, served by the DynamoDB endpoint (DynamoDB Local answers both APIs). */
    public static DynamoDbStreamsClient dynamoDbStreams(Endpoints endpoints) {
        return build(DynamoDbStreamsClient.builder(), endpoints.dynamoDb(), endpoints);
    }

    public static EventBridgeClient eventBridge(Endpoints endpoints) {
        return build(EventBridgeClient.builder(), endpoints.eventBridge(), endpoints);
    }

    public static SecretsManagerClient secretsManager(Endpoints endpoints) {
        return build(SecretsManagerClient.builder(), endpoints.secretsManager(), endpoints);
    }

    /** Any service's client at {@code endpoint}, with the endpoints' region and credentials. */
    private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(
            B builder, URI endpoint, Endpoints endpoints) {
        return builder
                .endpointOverride(endpoint)
                .region(Region.of(endpoints.region()))
                .credentialsProvider(credentials(endpoints))
                .httpClient(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }
}
