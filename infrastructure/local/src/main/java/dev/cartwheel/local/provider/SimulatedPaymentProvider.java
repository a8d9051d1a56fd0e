package dev.cartwheel.local.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The third-party payment provider's back office, as far as asynchronous authorizations go. It works on its own store
 * (the SimulatedPaymentsTable) through the SDK, as the provider would on its database, and talks to Cartwheel only
 * the way a real provider does: a signed webhook to the URL registered with it.
 *
 * <p>Every {@code poll} it looks for pending authorizations ({@code operation = authorize}, {@code pending = true});
 * once one has been pending for {@code delay} it approves it ({@code REMOVE pending}, on condition it is still
 * pending, so a decision is taken once) and sends {@code payment.succeeded} for its order:
 * {@code {"id":"evt_...","type":"payment.succeeded","created":<unix>,"data":{"orderId":"ord_..."}}} with the header
 * {@code webhook-signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>}, signed afresh for
 * each attempt. Anything but a 200 (or no answer) is retried with exponential back-off, as providers do, up to
 * {@code maxAttempts}. The shared secret is read (through {@code secret}) for each attempt, so a secret put meanwhile
 * is used at once. Each attempt is kept as a {@link Delivery} and logged.
 */
public final class SimulatedPaymentProvider implements AutoCloseable {

    /** What the local cloud reads from the template to configure the provider, as one registers a webhook. */
    public static final String TABLE_LOGICAL_ID = "SimulatedPaymentsTable";
    public static final String WEBHOOK_URL_OUTPUT = "PaymentWebhookUrl";
    public static final String WEBHOOK_SECRET_OUTPUT = "PaymentWebhookSecretArn";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final String SUCCEEDED = "payment.succeeded";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTHORIZE_SUFFIX = ":authorize";
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final int MAX_KEPT_DELIVERIES = 500;

    /**
     * One attempt to deliver a webhook.
     *
     * @param status   the HTTP status answered, or 0 when there was no answer
     * @param response the response body, or the error when there was no answer
     */
    public record Delivery(String eventId, String type, String orderId, int attempt, Instant at, int status, String response) {
        public boolean delivered() {
            return status == 200;
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final URI webhookUrl;
    private final Supplier<String> secret;
    private final Duration delay;
    private final Duration poll;
    private final Duration firstRetry;
    private final int maxAttempts;
    private final Consumer<String> log;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Instant> pendingSince = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("payment-provider-poll").unstarted(r));
    private final ScheduledExecutorService sender = Executors.newScheduledThreadPool(2,
            r -> Thread.ofPlatform().daemon().name("payment-provider-webhooks").unstarted(r));

    /**
     * @param table      the provider's store (the SimulatedPaymentsTable's physical name)
     * @param webhookUrl where the provider POSTs its webhooks (the local API's /webhooks/payments)
     * @param secret     the shared signing secret, read for each attempt
     * @param delay      how long an authorization stays pending before the provider approves it
     */
    public SimulatedPaymentProvider(DynamoDbClient dynamoDb, String table, URI webhookUrl, Supplier<String> secret,
                                    Duration delay, Duration poll, Duration firstRetry, int maxAttempts,
                                    Consumer<String> log, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.webhookUrl = webhookUrl;
        this.secret = secret;
        this.delay = delay;
        this.poll = poll;
        this.firstRetry = firstRetry;
        this.maxAttempts = maxAttempts;
        this.log = log;
        this.clock = clock;
    }

    /** Polls every 250 ms, retries from 1 s doubling (at most a minute apart), 10 attempts per webhook. */
    public static SimulatedPaymentProvider withDefaults(DynamoDbClient dynamoDb, String table, URI webhookUrl,
                                                        Supplier<String> secret, Duration delay, Consumer<String> log) {
        return new SimulatedPaymentProvider(dynamoDb, table, webhookUrl, secret, delay, Duration.ofMillis(250),
                Duration.ofSeconds(1), 10, log, Clock.systemUTC());
    }

    public SimulatedPaymentProvider start() {
        poller.scheduleWithFixedDelay(this::pollOnce, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
        log.accept("webhooks to " + webhookUrl + "; pending authorizations approved after " + delay.toMillis() + " ms");
        return this;
    }

    public URI webhookUrl() {
        return webhookUrl;
    }

    public Duration delay() {
        return delay;
    }

    /** Every delivery attempt so far, oldest first. */
    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    /** The delivery attempts of one order's webhooks, oldest first. */
    public List<Delivery> deliveries(String orderId) {
        return deliveries().stream().filter(d -> d.orderId().equals(orderId)).toList();
    }

    // ---------------------------------------------------------------------------------------------- deciding

    private void pollOnce() {
        try {
            Instant now = clock.instant();
            dynamoDb.scanPaginator(r -> r.tableName(table).consistentRead(true)
                    .filterExpression("#operation = :authorize AND pending = :true")
                    .expressionAttributeNames(Map.of("#operation", "operation"))
                    .expressionAttributeValues(Map.of(":authorize", AttributeValue.fromS("authorize"),
                            ":true", AttributeValue.fromBool(true))))
                    .items().forEach(item -> {
                        String key = item.get("idempotencyKey").s();
                        Instant since = pendingSince.computeIfAbsent(key, k -> now);
                        if (!now.isBefore(since.plus(delay))) {
                            approve(key, item, Duration.between(since, now));
                        }
                    });
        } catch (SdkException | IllegalStateException e) {
            // the store is unreachable for a moment (or going away at shutdown): look again at the next poll
            log.accept("could not read pending authorizations: " + e.getMessage());
        } catch (RuntimeException e) {
            log.accept("poll failed: " + e);
        }
    }

    private void approve(String key, Map<String, AttributeValue> item, Duration pendingFor) {
        try {
            dynamoDb.updateItem(r -> r.tableName(table)
                    .key(Map.of("idempotencyKey", AttributeValue.fromS(key)))
                    .conditionExpression("pending = :true")
                    .updateExpression("REMOVE pending")
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
        } catch (ConditionalCheckFailedException decidedMeanwhile) {
            pendingSince.remove(key);
            return;
        }
        pendingSince.remove(key);
        String orderId = key.endsWith(AUTHORIZE_SUFFIX) ? key.substring(0, key.length() - AUTHORIZE_SUFFIX.length()) : key;
        AttributeValue paymentId = item.get("paymentId");
        log.accept(String.format("approved the authorization %s of %s after %.1f s", paymentId == null ? key : paymentId.s(),
                orderId, pendingFor.toMillis() / 1000.0));
        ObjectNode event = JSON.createObjectNode();
        event.put("id", "evt_" + UUID.randomUUID().toString().replace("-", ""));
        event.put("type", SUCCEEDED);
        event.put("created", clock.instant().getEpochSecond());
        event.putObject("data").put("orderId", orderId);
        sender.execute(() -> deliver(event, orderId, 1));
    }

    // ---------------------------------------------------------------------------------------------- delivering

    private void deliver(ObjectNode event, String orderId, int attempt) {
        String eventId = event.path("id").asText();
        String type = event.path("type").asText();
        int status = 0;
        String response;
        try {
            String body = JSON.writeValueAsString(event);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(webhookUrl)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "cartwheel-simulated-payment-provider/1.0")
                    .header(SIGNATURE_HEADER, sign(body, secret.get().getBytes(StandardCharsets.UTF_8), clock.instant()))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            response = r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IOException | RuntimeException e) {
            response = String.valueOf(e);
        }
        Delivery delivery = new Delivery(eventId, type, orderId, attempt, clock.instant(), status, response);
        synchronized (deliveries) {
            deliveries.add(delivery);
            if (deliveries.size() > MAX_KEPT_DELIVERIES) {
                deliveries.removeFirst();
            }
        }
        String line = "webhook " + type + " " + eventId + " for " + orderId + " attempt " + attempt + " -> "
                + (status == 0 ? "no answer" : Integer.toString(status)) + " " + abbreviate(response);
        if (status == 200) {
            log.accept(line);
        } else if (attempt < maxAttempts) {
            Duration wait = backoff(attempt);
            log.accept(line + "; retrying in " + wait.toMillis() + " ms");
            try {
                sender.schedule(() -> deliver(event, orderId, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the local cloud is stopping
            }
        } else {
            log.accept(line + "; giving up after " + attempt + " attempts");
        }
    }

    /** The wait after failed attempt {@code attempt}: firstRetry, doubling, at most a minute. */
    Duration backoff(int attempt) {
        Duration wait = firstRetry.multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /**
     * The provider's signature header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}. Computed here,
     * as the third party computes it, not with Cartwheel's own code.
     */
    public static String sign(String body, byte[] secret, Instant at) {
        long t = at.getEpochSecond();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("cannot sign the webhook: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }

    @Override
    public void close() {
        poller.shutdownNow();
        sender.shutdownNow();
    }
}
