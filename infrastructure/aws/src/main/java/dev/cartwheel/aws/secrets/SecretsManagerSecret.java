package dev.cartwheel.aws.secrets;

import dev.cartwheel.aws.AwsClientSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A secret kept in Secrets Manager, fetched on first use rather than at init (no call during a SnapStart snapshot,
 * none for an instance that never needs it) and cached for five minutes, so a rotated secret is picked up without a
 * redeploy.
 */
public final class SecretsManagerSecret implements Supplier<byte[]> {

    private static final Duration CACHE_FOR = Duration.ofMinutes(5);

    private final SecretsManagerClient secretsManager;
    private final String secretId;
    private final Clock clock;
    private volatile byte[] value;
    private volatile Instant fetchedAt = Instant.MIN;

    public SecretsManagerSecret(SecretsManagerClient secretsManager, String secretId, Clock clock) {
        this.secretsManager = secretsManager;
        this.secretId = secretId;
        this.clock = clock;
    }

    /** Builds the Secrets Manager client of a function once, at init. */
    public static SecretsManagerClient client(AwsClientSettings settings) {
        return settings.configure(SecretsManagerClient.builder(), "SECRETS_MANAGER")
                .httpClientBuilder(settings.httpClient()).build();
    }

    @Override
    public byte[] get() {
        Instant now = clock.instant();
        if (value == null || fetchedAt.plus(CACHE_FOR).isBefore(now)) {
            String secret = secretsManager.getSecretValue(b -> b.secretId(secretId)).secretString();
            value = secret.getBytes(StandardCharsets.UTF_8);
            fetchedAt = now;
        }
        return value.clone();
    }
}
