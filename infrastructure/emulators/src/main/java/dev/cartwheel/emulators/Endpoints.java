package dev.cartwheel.emulators;

import java.net.URI;
import java.util.Objects;

/**
 * Where the emulated services listen, with the region and the static credentials to sign with.
 * For LocalStack all the URIs are the same edge endpoint. DynamoDB Streams is served by the DynamoDB endpoint.
 */
public record Endpoints(URI dynamoDb, URI sqs, URI ses, URI eventBridge, URI secretsManager, String region,
                        String accessKeyId, String secretAccessKey) {

    public static final String DUMMY_ACCESS_KEY_ID = "cartwheel";
    public static final String DUMMY_SECRET_ACCESS_KEY = "cartwheel-local";

    public Endpoints {
        Objects.requireNonNull(dynamoDb);
        Objects.requireNonNull(sqs);
        Objects.requireNonNull(ses);
        Objects.requireNonNull(eventBridge);
        Objects.requireNonNull(secretsManager);
        Objects.requireNonNull(region);
        Objects.requireNonNull(accessKeyId);
        Objects.requireNonNull(secretAccessKey);
    }

    /** One endpoint for every service (LocalStack's edge port). */
    public static Endpoints single(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        return new Endpoints(endpoint, endpoint, endpoint, endpoint, endpoint, region, accessKeyId, secretAccessKey);
    }

    /** The same services in another region (the emulators answer any region). */
    public Endpoints withRegion(String newRegion) {
        return new Endpoints(dynamoDb, sqs, ses, eventBridge, secretsManager, newRegion, accessKeyId, secretAccessKey);
    }
}
