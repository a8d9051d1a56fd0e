package dev.cartwheel.aws.ses;

import dev.cartwheel.aws.AwsClientSettings;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/** Builds the SES v2 client of a function once, at init. */
public final class SesClients {

    private SesClients() {
    }

    public static SesV2Client create(AwsClientSettings settings) {
        return settings.configure(SesV2Client.builder(), "SESV2")
                .httpClientBuilder(settings.httpClient())
                .build();
    }
}
