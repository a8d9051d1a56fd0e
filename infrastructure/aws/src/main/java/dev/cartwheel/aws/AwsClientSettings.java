package dev.cartwheel.aws;

import java.net.URI;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * How every SDK client of a function is configured, chosen for cold start: the region from
 * {@code AWS_REGION} and credentials from the environment (no provider-chain probing), the
 * URL-connection HTTP client (no Apache, no Netty), and an endpoint override from
 * {@code AWS_ENDPOINT_URL_<SERVICE>}, {@code AWS_ENDPOINT_URL} or {@code CARTWHEEL_ENDPOINT_URL_<SERVICE>} when set
 * (the local cloud, tests, {@code sam local invoke}).
 */
public final class AwsClientSettings {

    private final Map<String, String> environment;

    public AwsClientSettings(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Settings from this process's environment, as Lambda sets it. */
    public static AwsClientSettings fromEnvironment() {
        return new AwsClientSettings(System.getenv());
    }

    public Region region() {
        return Region.of(require("AWS_REGION"));
    }

    /**
     * The function's credentials from {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY} /
     * {@code AWS_SESSION_TOKEN}, read when a request is signed, not at init; without them (a SnapStart restore,
     * where Lambda serves credentials over {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}) from the container endpoint.
     * No other provider is probed.
     */
    public AwsCredentialsProvider credentials() {
        return new AwsCredentialsProvider() {
            private volatile ContainerCredentialsProvider container;

            @Override
            public AwsCredentials resolveCredentials() {
                String accessKey = environment.get("AWS_ACCESS_KEY_ID");
                String secretKey = environment.get("AWS_SECRET_ACCESS_KEY");
                if (accessKey != null && secretKey != null) {
                    String token = environment.get("AWS_SESSION_TOKEN");
                    return token == null ? AwsBasicCredentials.create(accessKey, secretKey)
                            : AwsSessionCredentials.create(accessKey, secretKey, token);
                }
                if (container == null) {
                    container = ContainerCredentialsProvider.builder().build();
                }
                return container.resolveCredentials();
            }
        };
    }

    /**
     * The endpoint override for a service id such as {@code DYNAMODB}, {@code SQS} or {@code SESV2}: the SDK's own
     * {@code AWS_ENDPOINT_URL_<SERVICE>} or {@code AWS_ENDPOINT_URL}, else {@code CARTWHEEL_ENDPOINT_URL_<SERVICE>}.
     * The last is declared blank in template.yaml so that {@code sam local invoke --env-vars} may set it (SAM only
     * passes declared variables); a blank {@code AWS_ENDPOINT_URL_*} cannot be declared because the SDK rejects it.
     */
    public Optional<URI> endpoint(String serviceId) {
        for (String name : List.of("AWS_ENDPOINT_URL_" + serviceId, "AWS_ENDPOINT_URL", "CARTWHEEL_ENDPOINT_URL_" + serviceId)) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(URI.create(value));
            }
        }
        return Optional.empty();
    }

    /** Applies region, credentials and endpoint to a client builder; the caller sets the HTTP client. */
    public <B extends AwsClientBuilder<B, ?>> B configure(B builder, String serviceId) {
        builder.region(region()).credentialsProvider(credentials());
        endpoint(serviceId).ifPresent(builder::endpointOverride);
        return builder;
    }

    public UrlConnectionHttpClient.Builder httpClient() {
        return UrlConnectionHttpClient.builder();
    }

    /** A required setting, e.g. a table name from template.yaml. */
    public String require(String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (see template.yaml)");
        }
        return value;
    }
}
