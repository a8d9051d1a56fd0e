package dev.cartwheel.aws.eventbridge;

import dev.cartwheel.aws.AwsClientSettings;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** Builds the EventBridge client of a function once, at init. */
public final class EventBridgeClients {

    private EventBridgeClients() {
    }

    public static EventBridgeClient create(AwsClientSettings settings) {
        return settings.configure(EventBridgeClient.builder(), "EVENTBRIDGE")
                .httpClientBuilder(settings.httpClient())
                .build();
    }
}
