package dev.cartwheel.aws.sqs;

import dev.cartwheel.aws.AwsClientSettings;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds the SQS client of a function once, at init. */
public final class SqsClients {

    private SqsClients() {
    }

    public static SqsClient create(AwsClientSettings settings) {
        return settings.configure(SqsClient.builder(), "SQS")
                .httpClientBuilder(settings.httpClient())
                .build();
    }
}
