package dev.cartwheel.aws.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartwheel.core.payment.PaymentProviderException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A thin client of Stripe's REST API on the JDK's {@code HttpURLConnection} ({@link UrlConnectionExchange}):
 * form-encoded requests, JSON answers, the API key as a Bearer token (read through {@code apiKey} on each call, never
 * logged), {@code Stripe-Version} pinned, every POST with an {@code Idempotency-Key}. Each attempt waits at most
 * {@code connectTimeout} to connect and {@code requestTimeout} for each read of the answer. It retries, always with the same
 * key, only what may pass: no answer (connection refused or reset, timeout), {@code 409} conflicts, {@code 429}
 * ({@code lock_timeout}, {@code idempotency_key_in_use}) and {@code 5xx}, unless Stripe says {@code Stripe-Should-Retry: false} (and it also retries whatever Stripe marks
 * {@code Stripe-Should-Retry: true}). After the last attempt such a failure is a {@link PaymentProviderException}
 * (the step fails and SQS redelivers it later); any other error answer is a {@link StripeApiException}.
 */
public final class StripeClient {

    /** The API version every request pins, so an account upgrade cannot change the answers under Cartwheel. */
    public static final String API_VERSION = "2024-06-20";
    public static final URI DEFAULT_API_BASE = URI.create("https://api.stripe.com");

    /** Attempts, timeouts and back-off. */
    public record Settings(Duration connectTimeout, Duration requestTimeout, int maxAttempts, Duration firstBackoff) {
        public Settings {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }

        /**
         * 3 s to connect, 5 s for the answer, 3 attempts 250 ms then 500 ms apart: at most about 16 s for Stripe's
         * small answers, inside the payment function's 20 s timeout.
         */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), 3, Duration.ofMillis(250));
        }
    }

    private final URI apiBase;
    private final Supplier<String> apiKey;
    private final Settings settings;
    private final ObjectMapper json;

    public StripeClient(URI apiBase, Supplier<String> apiKey, Settings settings, ObjectMapper json) {
        this.apiBase = Objects.requireNonNull(apiBase, "apiBase");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.settings = settings;
        this.json = json;
    }

    /**
     * An answer: the object, and whether Stripe replayed it for a key used before ({@code Idempotent-Replayed: true}):
     * then it is the object as it was at the first request, not as it is now.
     */
    public record Answer(JsonNode body, boolean replayed) {
    }

    /** {@code POST path} with {@code form} (in order) under {@code idempotencyKey}. */
    public Answer post(String path, List<Map.Entry<String, String>> form, String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        byte[] body = encode(form).getBytes(StandardCharsets.UTF_8);
        return call("POST", path, body, idempotencyKey, "POST " + path);
    }

    /** {@code GET path?query}. */
    public JsonNode get(String path, List<Map.Entry<String, String>> query) {
        String suffix = query.isEmpty() ? "" : "?" + encode(query);
        return call("GET", path + suffix, null, null, "GET " + path).body();
    }

    /** {@code a=1&b=2}, each name and value URL-encoded ({@code metadata[order_id]} becomes {@code metadata%5Border_id%5D}). */
    static String encode(List<Map.Entry<String, String>> pairs) {
        return pairs.stream().map(p -> URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private Map<String, String> headers(String idempotencyKey, boolean form) {
        String key = apiKey.get();
        if (key == null || key.isBlank()) {
            throw new PaymentProviderException("no Stripe API key configured");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + key.strip());
        headers.put("Stripe-Version", API_VERSION);
        headers.put("Accept", "application/json");
        headers.put("User-Agent", "cartwheel/1.0");
        if (form) {
            headers.put("Content-Type", "application/x-www-form-urlencoded");
        }
        if (idempotencyKey != null) {
            headers.put("Idempotency-Key", idempotencyKey);
        }
        return headers;
    }

    private Answer call(String method, String pathAndQuery, byte[] body, String idempotencyKey, String what) {
        String lastFailure = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            if (attempt > 1) {
                pause(attempt);
            }
            UrlConnectionExchange.Answer response;
            try {
                response = UrlConnectionExchange.send(apiBase.resolve(pathAndQuery), method, headers(idempotencyKey, body != null),
                        body, settings.connectTimeout(), settings.requestTimeout());
            } catch (IOException e) {
                // no answer: the request may or may not have reached Stripe; the same key makes a retry safe
                lastFailure = "no answer (" + e.getClass().getSimpleName() + ")";
                continue;
            }
            int status = response.status();
            if (status >= 200 && status < 300) {
                return new Answer(parse(response.body(), what), "true".equals(response.header("Idempotent-Replayed")));
            }
            JsonNode error = errorOf(response.body());
            String code = text(error, "code");
            String shouldRetry = response.header("Stripe-Should-Retry");
            // 409: a lock timeout, or the same key still in flight (idempotency_key_in_use): both pass
            boolean mayPass = status == 409 || status == 429 || status >= 500;
            boolean retry = "false".equals(shouldRetry) ? false : "true".equals(shouldRetry) || mayPass;
            if (retry || mayPass || status == 401 || status == 403) {
                // 401/403: Cartwheel's key is wrong or lacks rights; no order is to blame, so the step waits for a fix
                lastFailure = status + " " + (code == null ? text(error, "type") : code);
                if (retry) {
                    continue;
                }
                break;
            }
            throw new StripeApiException(status, text(error, "type"), code, text(error, "decline_code"),
                    text(error, "message"), error);
        }
        throw new PaymentProviderException("Stripe " + what + " failed: " + lastFailure);
    }

    private void pause(int attempt) {
        long base = settings.firstBackoff().toMillis() << Math.min(attempt - 2, 10);
        long jitter = base <= 1 ? 0 : ThreadLocalRandom.current().nextLong(base / 2);
        try {
            Thread.sleep(base + jitter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PaymentProviderException("interrupted while waiting to retry");
        }
    }

    private JsonNode parse(String body, String what) {
        try {
            JsonNode tree = json.readTree(body);
            if (tree == null || !tree.isObject()) {
                throw new PaymentProviderException("Stripe " + what + " answered something that is not an object");
            }
            return tree;
        } catch (IOException e) {
            throw new PaymentProviderException("Stripe " + what + " answered malformed JSON");
        }
    }

    private JsonNode errorOf(String body) {
        try {
            JsonNode tree = json.readTree(body);
            return tree != null && tree.path("error").isObject() ? tree.get("error") : json.createObjectNode();
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
