package dev.cartwheel.local.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.emulators.stripe.StripeSimulator;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Stripe for the local cloud: the {@link StripeSimulator} on 127.0.0.1, registered as one registers with Stripe (its
 * API base in the template parameter {@code StripeApiBase}, its API key and webhook signing secret put in the stack's
 * secrets), sending its signed webhooks to the local API's {@code /webhooks/payments} with retries. The customer's
 * 3-D Secure authentication ({@code pm_card_authenticationRequired}) is completed after {@code delay} (0: never by
 * itself), or at once with {@code POST <stripe>/_sim/payment_intents/{id}/authenticate?outcome=succeed|fail}.
 */
public final class LocalStripe implements AutoCloseable {

    /** What the local cloud reads from the template, as one registers a webhook endpoint with Stripe. */
    public static final String API_BASE_PARAMETER = "StripeApiBase";
    public static final String API_KEY_SECRET = "StripeApiKeySecret";
    public static final String WEBHOOK_SECRET = "PaymentWebhookSecret";
    public static final String WEBHOOK_URL_OUTPUT = "PaymentWebhookUrl";
    /**
     * The events the endpoint is registered for, the ones README's deployment steps tell a shop to enable in Stripe's
     * dashboard: those the webhook function acts on. Stripe sends no others (created, requires_action, succeeded, ...),
     * so they cost no webhook invocation and no share of the route's throttle.
     */
    public static final List<String> WEBHOOK_EVENTS = List.of("payment_intent.amount_capturable_updated",
            "payment_intent.payment_failed", "payment_intent.canceled", "charge.refunded", "refund.updated");

    private final StripeSimulator stripe;
    private final Duration delay;
    private final Consumer<String> log;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Instant> waitingSince = new ConcurrentHashMap<>();
    private final ScheduledExecutorService customers = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("local-stripe-3ds").unstarted(r));
    private URI webhookUrl;

    private LocalStripe(StripeSimulator stripe, Duration delay, Consumer<String> log) {
        this.stripe = stripe;
        this.delay = delay;
        this.log = log;
    }

    /** The simulator's port when the local cloud runs on the ports events/env.json is written for (stripe-mock's). */
    public static final int SAM_PORT = 12111;

    /**
     * Starts the simulator on {@code port} (0: any free one) of 127.0.0.1 with a fresh test key (API only: webhooks
     * once {@link #sendWebhooksTo} knows where).
     */
    public static LocalStripe start(int port, Duration delay, Consumer<String> log) {
        StripeSimulator simulator = StripeSimulator.start(port, "sk_test_local_" + UUID.randomUUID().toString().replace("-", ""),
                Clock.systemUTC()).log(log);
        return new LocalStripe(simulator, delay, log);
    }

    /** Registers the webhook endpoint (for {@link #WEBHOOK_EVENTS}) and starts sending (retries from 1 s, doubling, 10 attempts) and authenticating. */
    public LocalStripe sendWebhooksTo(URI url) {
        this.webhookUrl = url;
        stripe.webhookEvents(WEBHOOK_EVENTS).webhookSink(StripeSimulator.httpSink(url))
                .startSendingWebhooks(Duration.ofSeconds(1), 10);
        if (!delay.isZero()) {
            customers.scheduleWithFixedDelay(this::authenticateWaiting, 250, 250, TimeUnit.MILLISECONDS);
        }
        log.accept("Stripe simulator at " + stripe.baseUrl() + ", webhooks to " + url
                + (delay.isZero() ? "" : "; 3-D Secure completed after " + delay.toMillis() + " ms"));
        return this;
    }

    private void authenticateWaiting() {
        try {
            Instant now = clock.instant();
            for (JsonNode intent : stripe.paymentIntentsIn("requires_action")) {
                String id = intent.path("id").asText();
                Instant since = waitingSince.computeIfAbsent(id, k -> now);
                if (!now.isBefore(since.plus(delay))) {
                    waitingSince.remove(id);
                    stripe.authenticate(id, true);
                    log.accept("the customer authenticated " + id + " (3-D Secure) after "
                            + Duration.between(since, now).toMillis() + " ms");
                }
            }
        } catch (RuntimeException e) {
            log.accept("authenticating: " + e.getMessage()); // decided meanwhile (e.g. canceled): look again
        }
    }

    public StripeSimulator simulator() {
        return stripe;
    }

    public URI webhookUrl() {
        return webhookUrl;
    }

    public Duration delay() {
        return delay;
    }

    /** Every webhook delivery attempt so far, oldest first. */
    public List<StripeSimulator.Delivery> deliveries() {
        return stripe.deliveries();
    }

    /** The delivery attempts of one order's webhooks, oldest first. */
    public List<StripeSimulator.Delivery> deliveries(String orderId) {
        return deliveries().stream().filter(d -> orderId.equals(d.orderId())).toList();
    }

    @Override
    public void close() {
        customers.shutdownNow();
        stripe.close();
    }
}
