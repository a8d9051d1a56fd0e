package dev.cartwheel.aws.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.core.payment.PaymentProviderException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * The Stripe API key, kept in a Secrets Manager secret and read with one SigV4-signed {@code GetSecretValue} over the
 * JDK's {@code HttpURLConnection} (the SDK's signer is already in every function jar; the Secrets Manager SDK module would add
 * 0.7 MB to the payment and checkout jars). Read on first use, not at init (no call in a SnapStart snapshot), and
 * cached for five minutes so a rotated key is picked up without a redeploy. The key never reaches a log or an
 * exception message.
 */
public final class StripeApiKey implements Supplier<String> {

    private static final Duration CACHE_FOR = Duration.ofMinutes(5);

    private final AwsClientSettings settings;
    private final String secretId;
    private final URI endpoint;
    private final Clock clock;
    private volatile String value;
    private volatile Instant fetchedAt = Instant.MIN;

    public StripeApiKey(AwsClientSettings settings, String secretId, Clock clock) {
        this.settings = settings;
        this.secretId = secretId;
        this.clock = clock;
        this.endpoint = settings.endpoint("SECRETS_MANAGER")
                .orElseGet(() -> URI.create("https://secretsmanager." + settings.region().id() + ".amazonaws.com"));
    }

    @Override
    public String get() {
        Instant now = clock.instant();
        if (value == null || fetchedAt.plus(CACHE_FOR).isBefore(now)) {
            value = fetch();
            fetchedAt = now;
        }
        return value;
    }

    private String fetch() {
        byte[] body = Json.mapper().createObjectNode().put("SecretId", secretId).toString().getBytes(StandardCharsets.UTF_8);
        URI uri = endpoint.resolve("/");
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "secretsmanager.GetSecretValue")
                .putHeader("Host", uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort())
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(settings.credentials().resolveCredentials())
                .request(request)
                .payload(() -> new ByteArrayInputStream(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "secretsmanager")
                .putProperty(AwsV4HttpSigner.REGION_NAME, settings.region().id()));
        Map<String, String> headers = new LinkedHashMap<>();
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length") && !values.isEmpty()) {
                headers.put(name, values.getFirst());
            }
        });
        try {
            UrlConnectionExchange.Answer response = UrlConnectionExchange.send(uri, "POST", headers, body,
                    Duration.ofSeconds(3), Duration.ofSeconds(5));
            if (response.status() != 200) {
                throw new PaymentProviderException("cannot read the Stripe API key from Secrets Manager: HTTP "
                        + response.status());
            }
            JsonNode secret = Json.mapper().readTree(response.body()).path("SecretString");
            if (!secret.isTextual() || secret.asText().isBlank()) {
                throw new PaymentProviderException("the Stripe API key secret has no SecretString");
            }
            return secret.asText().strip();
        } catch (IOException e) {
            throw new PaymentProviderException("cannot reach Secrets Manager for the Stripe API key: " + e.getClass().getSimpleName());
        }
    }
}
