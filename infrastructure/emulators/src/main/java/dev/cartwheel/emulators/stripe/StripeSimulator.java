package dev.cartwheel.emulators.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Stripe-compatible simulator of the part of Stripe's API that Cartwheel uses, for the local cloud and the tests
 * (never a function jar). A JDK HttpServer on 127.0.0.1 speaking Stripe's rules:
 * <ul>
 *   <li>{@code Authorization: Bearer <key>} (a wrong or missing key: 401); form-encoded bodies; unknown parameters
 *   refused (400 {@code parameter_unknown}); answers shaped like Stripe's objects ({@code payment_intent},
 *   {@code charge}, {@code refund}, {@code event}, {@code list}, {@code search_result}, {@code error}).</li>
 *   <li>{@code Idempotency-Key} on POSTs: the same key with the same parameters replays the first answer with
 *   {@code Idempotent-Replayed: true}; with other parameters it is a 400 {@code idempotency_error}; after 24 hours
 *   (by the simulator's clock) the key is forgotten and a new request.</li>
 *   <li>The PaymentIntent state machine: {@code POST /v1/payment_intents} (confirm, manual or automatic capture),
 *   {@code GET /v1/payment_intents/{id}}, {@code /capture} only from {@code requires_capture} (at most
 *   {@code amount_capturable}), {@code /cancel} never after {@code succeeded}, {@code GET /v1/payment_intents/search}
 *   ({@code metadata['order_id']:'...'}); {@code POST /v1/refunds} capped at what was captured minus earlier refunds,
 *   {@code GET /v1/refunds?payment_intent=}, {@code GET /v1/refunds/{id}}.</li>
 *   <li>Stripe's test payment methods ({@link TestCard}).</li>
 *   <li>Signed webhooks (Stripe event objects, {@code Stripe-Signature: t=..,v1=..}, one {@code v1} per active signing
 *   secret during a roll) to a {@link WebhookSink}: queued and sent by {@link #deliverWebhooks()} (tests), or sent by a
 *   background sender that retries with back-off ({@link #startSendingWebhooks}, the local cloud).</li>
 *   <li>The console's actions, as Java methods and as {@code POST /_sim/...} endpoints (no key needed):
 *   {@code /_sim/payment_intents/{id}/authenticate?outcome=succeed|fail} (the customer's 3-D Secure),
 *   {@code /_sim/payment_intents/{id}/refund?amount=} (a dashboard refund),
 *   {@code /_sim/payment_intents/{id}/expire} (an authorization that lapsed), and the fault switches
 *   {@code /_sim/faults?status=500|429&count=N} and {@code /_sim/faults?hang=N} (the next N API requests fail, or
 *   are carried out but answered only after {@link #hangFor} — a timeout after Stripe acted).</li>
 * </ul>
 *
 * <p>Over 400 lines: one HTTP server for every Stripe route Cartwheel calls, with the state those routes share
 * (intents, refunds, idempotency keys, webhooks, faults); {@link StripeObjects} builds the JSON, {@link TestCard} the
 * cards. Splitting it along routes is left to a later change (issue 15 covers the AWS emulators).
 */
public final class StripeSimulator implements AutoCloseable {

    /** Where the simulator sends its webhooks: answers the HTTP status for a signed body. */
    @FunctionalInterface
    public interface WebhookSink {
        int deliver(String body, String stripeSignature) throws Exception;
    }

    /** A sink that also tells what the receiver answered (shown in deliveries), e.g. {@link #httpSink}. */
    public interface AnsweringSink extends WebhookSink {
        /** The status and the body the receiver answered. */
        Map.Entry<Integer, String> answer(String body, String stripeSignature) throws Exception;

        @Override
        default int deliver(String body, String stripeSignature) throws Exception {
            return answer(body, stripeSignature).getKey();
        }
    }

    /** One attempt to deliver a webhook; {@code status} 0 when there was no answer. */
    public record Delivery(String eventId, String type, String orderId, int attempt, java.time.Instant at, int status,
                           String response) {
        public boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    /** A POST made under an idempotency key, as first carried out (replays are not new entries). */
    public record KeyedRequest(String idempotencyKey, String path, Map<String, String> parameters, int status) {
        /** {@code authorize}, {@code capture}, {@code void} or {@code refund}, by path. */
        public String operation() {
            if (path.endsWith("/capture")) {
                return "capture";
            }
            if (path.endsWith("/cancel")) {
                return "void";
            }
            return path.startsWith("/v1/refunds") ? "refund" : "authorize";
        }

        /** The amount the request moved or asked for ({@code amount} or {@code amount_to_capture}), else 0. */
        public long amount() {
            String amount = parameters.getOrDefault("amount", parameters.get("amount_to_capture"));
            return amount == null ? 0 : Long.parseLong(amount);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern SEARCH = Pattern.compile("^\\s*metadata\\[['\"]([A-Za-z0-9_]+)['\"]]\\s*:\\s*['\"]([^'\"]*)['\"]\\s*$");
    private static final Set<String> CREATE_PARAMS = Set.of("amount", "currency", "payment_method", "confirm",
            "capture_method", "description", "receipt_email", "return_url", "payment_method_types[]", "expand[]");
    private static final int MAX_KEPT_DELIVERIES = 1000;
    private static final int MAX_OUTBOX = 20_000;

    private final String apiKey;
    private final Clock clock;
    private final HttpServer server;
    private final java.util.concurrent.atomic.AtomicLong servedNanos = new java.util.concurrent.atomic.AtomicLong();
    private final ExecutorService executor;
    private final SecureRandom random = new SecureRandom();
    private final Object lock = new Object();

    private final Map<String, ObjectNode> intents = new LinkedHashMap<>();
    private final Map<String, ObjectNode> charges = new LinkedHashMap<>();
    private final Map<String, ObjectNode> refunds = new LinkedHashMap<>();
    private final Map<String, Stored> idempotency = new LinkedHashMap<>();
    private final List<KeyedRequest> keyed = new ArrayList<>();

    private final List<String> signingSecrets = new CopyOnWriteArrayList<>();
    private final List<ObjectNode> outbox = new ArrayList<>();
    private final List<Delivery> deliveries = new ArrayList<>();
    /** Events sent at least once, by id (the newest {@value #MAX_KEPT_DELIVERIES}). */
    private final Map<String, ObjectNode> sent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > MAX_KEPT_DELIVERIES;
        }
    };
    private volatile WebhookSink sink;
    /** The endpoint's {@code enabled_events}: {@code null} for every event ({@code *}). */
    private volatile Set<String> enabledEvents;
    private volatile ScheduledExecutorService sender;
    private volatile Consumer<String> log = line -> { };

    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 500;
    private final AtomicInteger hangsLeft = new AtomicInteger();
    private volatile Duration hangFor = Duration.ofSeconds(2);
    /** How far Stripe's search index is behind: {@link #searchLag}. */
    private volatile Duration searchLag = Duration.ZERO;
    /** Each PaymentIntent's states as its events announced them, oldest first: what a lagging search index shows. */
    private final Map<String, List<Map.Entry<java.time.Instant, ObjectNode>>> searchIndex = new HashMap<>();

    private record Stored(String path, Map<String, List<String>> parameters, int status, String body, long at) {
    }

    /** How long Stripe keeps an idempotency key: afterwards the same key is a new request. */
    public static final Duration IDEMPOTENCY_KEY_LIFETIME = Duration.ofHours(24);

    private record Answer(int status, JsonNode body) {
    }

    private StripeSimulator(String apiKey, Clock clock, HttpServer server, ExecutorService executor) {
        this.apiKey = apiKey;
        this.clock = clock;
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free port of 127.0.0.1 with a fresh random test key and webhook signing secret. */
    public static StripeSimulator start() {
        return start(0, "sk_test_" + randomString(new SecureRandom(), 24), Clock.systemUTC());
    }

    /** Starts on {@code port} (0: any free one) of 127.0.0.1, accepting only {@code apiKey}. */
    public static StripeSimulator start(int port, String apiKey, Clock clock) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 64);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            http.setExecutor(executor);
            StripeSimulator simulator = new StripeSimulator(apiKey, clock, http, executor);
            simulator.signingSecrets.add("whsec_" + randomString(simulator.random, 32));
            http.createContext("/", simulator::handle);
            http.start();
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Stripe simulator", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: the API base to give the adapter ({@code StripeApiBase}). */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String apiKey() {
        return apiKey;
    }

    /** The webhook signing secret (the newest, during a roll). */
    public String webhookSecret() {
        return signingSecrets.getLast();
    }

    /**
     * Rolls the webhook signing secret as the dashboard does: webhooks are signed with the old and the new secret
     * (two {@code v1}) until {@link #expireOldWebhookSecrets()}. Returns the new secret.
     */
    public String rollWebhookSecret() {
        String next = "whsec_" + randomString(random, 32);
        signingSecrets.add(next);
        return next;
    }

    /** Ends a roll: only the newest secret signs from now on. */
    public void expireOldWebhookSecrets() {
        String newest = webhookSecret();
        signingSecrets.retainAll(List.of(newest));
    }

    public StripeSimulator log(Consumer<String> log) {
        this.log = Objects.requireNonNull(log);
        return this;
    }

    /** Where webhooks go. Until set they are kept and sent once there is a sink. */
    public StripeSimulator webhookSink(WebhookSink sink) {
        this.sink = sink;
        return this;
    }

    /**
     * The webhook endpoint's {@code enabled_events}, as registered in Stripe's dashboard: from now on only events of
     * these types are sent (every type until this is called, as an endpoint registered for {@code *}).
     */
    public StripeSimulator webhookEvents(Collection<String> types) {
        this.enabledEvents = Set.copyOf(types);
        return this;
    }

    /** Webhooks by HTTP POST to {@code url} ({@code Content-Type: application/json}, {@code Stripe-Signature}). */
    public static WebhookSink httpSink(URI url) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        return (AnsweringSink) (body, signature) -> {
            var response = http.send(java.net.http.HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json; charset=utf-8")
                            .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                            .header("Stripe-Signature", signature)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return Map.entry(response.statusCode(), response.body());
        };
    }

    /**
     * Sends webhooks in the background as soon as they happen, retrying a failed one from {@code firstRetry}
     * doubling (at most a minute apart) up to {@code maxAttempts}, as Stripe does (over days; here over minutes).
     */
    public StripeSimulator startSendingWebhooks(Duration firstRetry, int maxAttempts) {
        ScheduledExecutorService s = Executors.newScheduledThreadPool(2,
                r -> Thread.ofPlatform().daemon().name("stripe-simulator-webhooks").unstarted(r));
        this.sender = s;
        s.scheduleWithFixedDelay(() -> {
            for (ObjectNode event : takeOutbox()) {
                s.execute(() -> sendWithRetries(s, event, 1, firstRetry, maxAttempts));
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        return this;
    }

    private void sendWithRetries(ScheduledExecutorService s, ObjectNode event, int attempt, Duration firstRetry, int maxAttempts) {
        Delivery delivery = send(event, attempt);
        if (!delivery.delivered() && attempt < maxAttempts) {
            long wait = Math.min(firstRetry.toMillis() << Math.min(attempt - 1, 16), 60_000);
            try {
                s.schedule(() -> sendWithRetries(s, event, attempt + 1, firstRetry, maxAttempts), wait, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // shutting down
            }
        }
    }

    /** Sends every webhook waiting to be sent, now, in order, once each; returns what each attempt got. */
    public List<Delivery> deliverWebhooks() {
        List<Delivery> sent = new ArrayList<>();
        for (ObjectNode event : takeOutbox()) {
            sent.add(send(event, 1));
        }
        return sent;
    }

    /**
     * Sends the waiting webhooks about one order ({@code metadata[order_id]} of their object), now, in order; the
     * others keep waiting (tests sharing one simulator each deliver their own).
     */
    public List<Delivery> deliverWebhooks(String orderId) {
        List<ObjectNode> mine = new ArrayList<>();
        synchronized (outbox) {
            outbox.removeIf(event -> {
                boolean match = orderId.equals(event.path("data").path("object").path("metadata").path("order_id").asText(null));
                if (match) {
                    mine.add(event);
                }
                return match;
            });
        }
        List<Delivery> sent = new ArrayList<>();
        for (ObjectNode event : mine) {
            sent.add(send(event, 1));
        }
        return sent;
    }

    /** Sends an event already sent once more, as the dashboard's "Resend" does (same id, signed now). */
    public Delivery resendWebhook(String eventId) {
        ObjectNode event;
        synchronized (sent) {
            event = sent.get(eventId);
        }
        if (event == null) {
            throw new IllegalStateException("no event " + eventId + " was sent");
        }
        return send(event, 2);
    }

    /** An event already sent, by id (its JSON exactly as sent). */
    public Optional<JsonNode> sentEvent(String eventId) {
        synchronized (sent) {
            return Optional.ofNullable(sent.get(eventId)).map(ObjectNode::deepCopy);
        }
    }

    /** The webhooks waiting to be sent (event objects). */
    public List<JsonNode> pendingWebhooks() {
        synchronized (outbox) {
            return List.copyOf(outbox);
        }
    }

    /** Every delivery attempt so far, oldest first. */
    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    private List<ObjectNode> takeOutbox() {
        if (sink == null) {
            return List.of();
        }
        synchronized (outbox) {
            List<ObjectNode> taken = List.copyOf(outbox);
            outbox.clear();
            return taken;
        }
    }

    private Delivery send(ObjectNode event, int attempt) {
        synchronized (sent) {
            sent.put(event.path("id").asText(), event);
        }
        String body = event.toString();
        int status = 0;
        String response = "";
        try {
            String signature = signatureHeader(body, clock.instant().getEpochSecond());
            if (sink instanceof AnsweringSink answering) {
                Map.Entry<Integer, String> answer = answering.answer(body, signature);
                status = answer.getKey();
                response = answer.getValue();
            } else {
                status = sink.deliver(body, signature);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = "interrupted";
        } catch (Exception e) {
            response = String.valueOf(e);
        }
        JsonNode object = event.path("data").path("object");
        String orderId = object.path("metadata").path("order_id").asText(null);
        Delivery delivery = new Delivery(event.path("id").asText(), event.path("type").asText(), orderId, attempt,
                clock.instant(), status, response);
        synchronized (deliveries) {
            deliveries.add(delivery);
            if (deliveries.size() > MAX_KEPT_DELIVERIES) {
                deliveries.removeFirst();
            }
        }
        log.accept("webhook " + delivery.type() + " " + delivery.eventId() + (orderId == null ? "" : " for " + orderId)
                + " attempt " + attempt + " -> " + (status == 0 ? "no answer " + response : status));
        return delivery;
    }

    /** {@code t=<now>,v1=<hmac>[,v1=<hmac>...]}: one signature per active signing secret. */
    public String signatureHeader(String body, long timestamp) {
        StringBuilder header = new StringBuilder("t=").append(timestamp);
        for (String secret : signingSecrets) {
            header.append(",v1=").append(sign(timestamp + "." + body, secret));
        }
        return header.toString();
    }

    /** HMAC-SHA256 of {@code payload} with {@code secret}, hex: Stripe's {@code v1} scheme. */
    public static String sign(String payload, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- faults

    /** The next {@code count} API requests answer {@code status} (500 {@code api_error}, 429 {@code rate_limit}). */
    public void failNext(int count, int status) {
        failureStatus = status;
        failuresLeft.set(count);
    }

    /** The next {@code count} API requests are carried out, but answered only after {@link #hangFor}. */
    public void hangNext(int count) {
        hangsLeft.set(count);
    }

    public void hangFor(Duration duration) {
        hangFor = duration;
    }

    /**
     * Stripe's search is not read-after-write ("data is searchable in under 1 minute", up to an hour behind during an
     * outage): from now on {@code GET /v1/payment_intents/search} shows each PaymentIntent as it was {@code lag} ago,
     * and not at all when it is younger. Retrieve by id and the list APIs stay current. {@link Duration#ZERO} (the
     * default) is an index that keeps up.
     */
    public void searchLag(Duration lag) {
        searchLag = lag;
    }

    // ---------------------------------------------------------------------------------------------- console actions

    /**
     * The customer finishes (or fails) the 3-D Secure authentication of a {@code requires_action} PaymentIntent:
     * it becomes {@code requires_capture} (or {@code succeeded} with automatic capture), or
     * {@code requires_payment_method} with {@code payment_intent_authentication_failure}; the webhook follows.
     *
     * @throws IllegalStateException if the intent does not exist or is not waiting for an authentication
     */
    public JsonNode authenticate(String paymentIntentId, boolean succeed) {
        synchronized (lock) {
            ObjectNode intent = intents.get(paymentIntentId);
            if (intent == null || !"requires_action".equals(intent.path("status").asText())) {
                throw new IllegalStateException("no PaymentIntent " + paymentIntentId + " waits for an authentication");
            }
            intent.putNull("next_action");
            if (succeed) {
                authorizeCharge(intent, TestCard.of(intent.path("payment_method").asText()).orElseThrow());
            } else {
                ObjectNode error = JSON.createObjectNode().put("type", "card_error")
                        .put("code", "payment_intent_authentication_failure")
                        .put("message", "The provided PaymentMethod has failed authentication.");
                intent.set("last_payment_error", error);
                intent.put("status", "requires_payment_method");
                emit("payment_intent.payment_failed", intent, null);
            }
            return intent.deepCopy();
        }
    }

    /** Someone refunds in the dashboard: a refund of {@code amount} (all that is left when null), then its webhooks. */
    public JsonNode dashboardRefund(String paymentIntentId, Long amount) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("payment_intent", List.of(paymentIntentId));
        if (amount != null) {
            params.put("amount", List.of(Long.toString(amount)));
        }
        Answer answer = createRefund(params, null);
        if (answer.status() != 200) {
            throw new IllegalStateException(answer.body().toString());
        }
        return answer.body();
    }

    /** The authorization of a {@code requires_capture} intent lapses (after 7 days at Stripe): it is canceled. */
    public JsonNode expireAuthorization(String paymentIntentId) {
        synchronized (lock) {
            ObjectNode intent = intents.get(paymentIntentId);
            if (intent == null || !"requires_capture".equals(intent.path("status").asText())) {
                throw new IllegalStateException("no PaymentIntent " + paymentIntentId + " holds an authorization");
            }
            cancel(intent, "automatic");
            return intent.deepCopy();
        }
    }

    // ---------------------------------------------------------------------------------------------- inspection

    public Optional<JsonNode> paymentIntent(String id) {
        synchronized (lock) {
            return Optional.ofNullable(intents.get(id)).map(ObjectNode::deepCopy);
        }
    }

    /** The PaymentIntents whose {@code metadata[order_id]} is {@code orderId}, oldest first. */
    public List<JsonNode> paymentIntentsOfOrder(String orderId) {
        synchronized (lock) {
            return intents.values().stream().filter(i -> orderId.equals(i.path("metadata").path("order_id").asText(null)))
                    .map(i -> (JsonNode) i.deepCopy()).toList();
        }
    }

    /** Every POST carried out under a key starting with {@code prefix} (e.g. {@code "ord_1:"}), oldest first. */
    public List<KeyedRequest> keyedRequests(String prefix) {
        synchronized (lock) {
            return keyed.stream().filter(k -> k.idempotencyKey().startsWith(prefix)).toList();
        }
    }

    /** The PaymentIntents in {@code status} (e.g. {@code requires_action}: waiting for 3-D Secure), oldest first. */
    public List<JsonNode> paymentIntentsIn(String status) {
        synchronized (lock) {
            return intents.values().stream().filter(i -> status.equals(i.path("status").asText()))
                    .map(i -> (JsonNode) i.deepCopy()).toList();
        }
    }

    /** Every refund of a PaymentIntent, oldest first. */
    public List<JsonNode> refundsOf(String paymentIntentId) {
        synchronized (lock) {
            return refunds.values().stream().filter(r -> paymentIntentId.equals(r.path("payment_intent").asText(null)))
                    .map(r -> (JsonNode) r.deepCopy()).toList();
        }
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    /**
     * Nanoseconds spent serving requests so far, from the request read to the response written: a bench that runs
     * one payment at a time counts this as the time its handler spent in Stripe calls, as it counts SDK calls.
     */
    public long servedNanos() {
        return servedNanos.get();
    }

    private void handle(HttpExchange exchange) {
        long began = System.nanoTime();
        try {
            serve(exchange);
        } finally {
            servedNanos.addAndGet(System.nanoTime() - began);
        }
    }

    private void serve(HttpExchange exchange) {
        try (exchange) {
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            String path = uri.getPath();
            String body = new String(exchange.getRequestBody().readNBytes(1 << 20), StandardCharsets.UTF_8);
            Map<String, List<String>> query = parseForm(uri.getRawQuery());
            if (path.startsWith("/_sim/")) {
                respond(exchange, console(method, path, query), false);
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + apiKey)) {
                respond(exchange, error(401, "invalid_request_error", null, null,
                        auth == null ? "You did not provide an API key." : "Invalid API Key provided: " + mask(auth)), false);
                return;
            }
            if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                int status = failureStatus;
                respond(exchange, status == 429
                        ? error(429, "invalid_request_error", "rate_limit", null, "Too many requests hit the API too quickly.")
                        : error(status, "api_error", null, null, "An unknown error occurred"), false);
                return;
            }
            boolean hang = hangsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
            Map<String, List<String>> params = "POST".equals(method) ? parseForm(body) : query;
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            Answer answer;
            boolean replayed = false;
            if ("POST".equals(method) && key != null) {
                synchronized (lock) {
                    Stored stored = idempotency.get(key);
                    if (stored != null && now() - stored.at() >= IDEMPOTENCY_KEY_LIFETIME.toSeconds()) {
                        idempotency.remove(key); // pruned, as Stripe prunes keys after 24 hours
                        stored = null;
                    }
                    if (stored != null) {
                        if (stored.path().equals(path) && stored.parameters().equals(params)) {
                            answer = new Answer(stored.status(), JSON.readTree(stored.body()));
                            replayed = true;
                        } else {
                            answer = error(400, "idempotency_error", null, null, "Keys for idempotent requests can only be"
                                    + " used with the same parameters they were first used with. Try using a key other"
                                    + " than '" + key + "' if you meant to execute a different request.");
                        }
                    } else {
                        answer = route(method, path, params, key);
                        if (answer.status() < 500) {
                            idempotency.put(key, new Stored(path, params, answer.status(), answer.body().toString(), now()));
                            keyed.add(new KeyedRequest(key, path, flat(params), answer.status()));
                        }
                    }
                }
            } else {
                answer = route(method, path, params, key);
            }
            if (hang) {
                Thread.sleep(hangFor.toMillis());
            }
            respond(exchange, answer, replayed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.accept("request failed: " + e);
        }
    }

    private Answer route(String method, String path, Map<String, List<String>> params, String key) {
        String[] parts = path.split("/");
        synchronized (lock) {
            if (path.equals("/v1/payment_intents") && method.equals("POST")) {
                return createIntent(params, key);
            }
            if (path.equals("/v1/payment_intents/search") && method.equals("GET")) {
                return search(params);
            }
            if (parts.length == 4 && path.startsWith("/v1/payment_intents/") && method.equals("GET")) {
                ObjectNode intent = intents.get(parts[3]);
                return intent == null ? missing("payment_intent", parts[3]) : new Answer(200, expand(intent, params, ""));
            }
            if (parts.length == 5 && path.startsWith("/v1/payment_intents/") && method.equals("POST")) {
                ObjectNode intent = intents.get(parts[3]);
                if (intent == null) {
                    return missing("payment_intent", parts[3]);
                }
                return switch (parts[4]) {
                    case "capture" -> capture(intent, params);
                    case "cancel" -> cancelRequest(intent, params);
                    default -> new Answer(404, errorBody("invalid_request_error", null, null, "Unrecognized request URL (POST: " + path + ")"));
                };
            }
            if (path.equals("/v1/refunds") && method.equals("POST")) {
                return createRefund(params, key);
            }
            if (path.equals("/v1/refunds") && method.equals("GET")) {
                return listRefunds(params);
            }
            if (parts.length == 4 && path.startsWith("/v1/refunds/") && method.equals("GET")) {
                ObjectNode refund = refunds.get(parts[3]);
                return refund == null ? missing("refund", parts[3]) : new Answer(200, refund.deepCopy());
            }
        }
        return new Answer(404, errorBody("invalid_request_error", null, null,
                "Unrecognized request URL (" + method + ": " + path + ")."));
    }

    private Answer console(String method, String path, Map<String, List<String>> query) {
        if (!method.equals("POST")) {
            return new Answer(405, errorBody("invalid_request_error", null, null, "use POST"));
        }
        Matcher m = Pattern.compile("^/_sim/payment_intents/([A-Za-z0-9_]+)/(authenticate|refund|expire)$").matcher(path);
        try {
            if (m.matches()) {
                return switch (m.group(2)) {
                    case "authenticate" -> {
                        String outcome = first(query, "outcome");
                        if (!"succeed".equals(outcome) && !"fail".equals(outcome)) {
                            yield new Answer(400, errorBody("invalid_request_error", "parameter_invalid", null,
                                    "outcome must be succeed or fail"));
                        }
                        yield new Answer(200, authenticate(m.group(1), "succeed".equals(outcome)));
                    }
                    case "refund" -> {
                        String amount = first(query, "amount");
                        yield new Answer(200, dashboardRefund(m.group(1), amount == null ? null : Long.parseLong(amount)));
                    }
                    default -> new Answer(200, expireAuthorization(m.group(1)));
                };
            }
            if (path.equals("/_sim/faults")) {
                int count = Integer.parseInt(Objects.requireNonNullElse(first(query, "count"), "1"));
                if (first(query, "hang") != null) {
                    hangNext(Integer.parseInt(first(query, "hang")));
                } else {
                    failNext(count, Integer.parseInt(Objects.requireNonNullElse(first(query, "status"), "500")));
                }
                return new Answer(200, JSON.createObjectNode().put("ok", true));
            }
        } catch (IllegalStateException | NumberFormatException e) {
            return new Answer(400, errorBody("invalid_request_error", "parameter_invalid", null, e.getMessage()));
        }
        return new Answer(404, errorBody("invalid_request_error", null, null, "no console action " + path));
    }

    // ---------------------------------------------------------------------------------------------- PaymentIntents

    private Answer createIntent(Map<String, List<String>> params, String key) {
        for (String name : params.keySet()) {
            if (!CREATE_PARAMS.contains(name) && !name.matches("metadata\\[[A-Za-z0-9_]{1,40}]")) {
                return new Answer(400, errorBody("invalid_request_error", "parameter_unknown", null,
                        "Received unknown parameter: " + name).put("param", name));
            }
        }
        long amount;
        try {
            amount = Long.parseLong(Objects.requireNonNullElse(first(params, "amount"), ""));
        } catch (NumberFormatException e) {
            return new Answer(400, errorBody("invalid_request_error", "parameter_missing", null,
                    "Missing required param: amount.").put("param", "amount"));
        }
        String currency = first(params, "currency");
        if (amount < 50 || currency == null || !currency.matches("[a-z]{3}")) {
            return new Answer(400, errorBody("invalid_request_error", amount < 50 ? "amount_too_small" : "parameter_invalid",
                    null, amount < 50 ? "Amount must be at least $0.50 usd" : "Invalid currency: " + currency)
                    .put("param", amount < 50 ? "amount" : "currency"));
        }
        String paymentMethod = first(params, "payment_method");
        Optional<TestCard> card = paymentMethod == null ? Optional.empty() : TestCard.of(paymentMethod);
        if (paymentMethod != null && card.isEmpty()) {
            return new Answer(400, errorBody("invalid_request_error", "resource_missing", null,
                    "No such PaymentMethod: '" + paymentMethod + "'").put("param", "payment_method"));
        }
        String captureMethod = Objects.requireNonNullElse(first(params, "capture_method"), "automatic");
        String id = "pi_" + randomString(random, 24);
        ObjectNode intent = StripeObjects.paymentIntent(id, id + "_secret_" + randomString(random, 25), amount, currency,
                captureMethod, paymentMethod, metadata(params), now());
        intents.put(id, intent);
        emit("payment_intent.created", intent, key);
        if (!"true".equals(first(params, "confirm"))) {
            intent.put("status", paymentMethod == null ? "requires_payment_method" : "requires_confirmation");
            return new Answer(200, expand(intent, params, ""));
        }
        if (card.isEmpty()) {
            return new Answer(400, errorBody("invalid_request_error", "payment_intent_unexpected_state", null,
                    "You cannot confirm this PaymentIntent because it's missing a payment method."));
        }
        TestCard c = card.get();
        if (c.declineCode() != null) {
            String chargeId = "ch_" + randomString(random, 24);
            ObjectNode charge = StripeObjects.charge(chargeId, intent, c, now());
            charge.put("status", "failed").put("paid", false).put("failure_code", c.errorCode())
                    .put("failure_message", c.message());
            charges.put(chargeId, charge);
            ObjectNode error = errorObject("card_error", c.errorCode(), c.declineCode(), c.message());
            error.put("charge", chargeId);
            intent.set("last_payment_error", error.deepCopy());
            intent.put("status", "requires_payment_method").put("latest_charge", chargeId);
            emit("charge.failed", charge, key);
            emit("payment_intent.payment_failed", intent, key);
            error.set("payment_intent", intent.deepCopy());
            error.set("payment_method", StripeObjects.paymentMethod(c, intent.path("created").asLong()));
            ObjectNode body = JSON.createObjectNode();
            body.set("error", error);
            return new Answer(402, body);
        }
        if (c.requiresAuthentication()) {
            intent.put("status", "requires_action");
            intent.putObject("next_action").put("type", "use_stripe_sdk").putObject("use_stripe_sdk")
                    .put("type", "three_d_secure_redirect").put("stripe_js", baseUrl() + "/_sim/3ds/" + id);
            emit("payment_intent.requires_action", intent, key);
            return new Answer(200, expand(intent, params, ""));
        }
        authorizeCharge(intent, c);
        return new Answer(200, expand(intent, params, ""));
    }

    /** The card authorized: a charge made, the intent held (manual) or paid (automatic). */
    private void authorizeCharge(ObjectNode intent, TestCard card) {
        String chargeId = "ch_" + randomString(random, 24);
        ObjectNode charge = StripeObjects.charge(chargeId, intent, card, now());
        charges.put(chargeId, charge);
        intent.put("latest_charge", chargeId);
        intent.putNull("last_payment_error");
        long amount = intent.path("amount").asLong();
        if ("manual".equals(intent.path("capture_method").asText())) {
            intent.put("status", "requires_capture").put("amount_capturable", amount);
            emit("payment_intent.amount_capturable_updated", intent, null);
        } else {
            charge.put("captured", true).put("amount_captured", amount);
            intent.put("status", "succeeded").put("amount_received", amount);
            emit("charge.succeeded", charge, null);
            emit("payment_intent.succeeded", intent, null);
        }
    }

    private Answer capture(ObjectNode intent, Map<String, List<String>> params) {
        for (String name : params.keySet()) {
            if (!Set.of("amount_to_capture", "expand[]").contains(name) && !name.startsWith("metadata[")) {
                return new Answer(400, errorBody("invalid_request_error", "parameter_unknown", null,
                        "Received unknown parameter: " + name).put("param", name));
            }
        }
        String status = intent.path("status").asText();
        if ("canceled".equals(status) && "automatic".equals(intent.path("cancellation_reason").asText())) {
            return new Answer(400, errorBody("invalid_request_error", "charge_expired_for_capture", null,
                    "The charge you're attempting to capture has expired."));
        }
        if (!"requires_capture".equals(status)) {
            return unexpectedState(intent, "capture", "requires_capture");
        }
        long capturable = intent.path("amount_capturable").asLong();
        long amount;
        try {
            amount = first(params, "amount_to_capture") == null ? capturable : Long.parseLong(first(params, "amount_to_capture"));
        } catch (NumberFormatException e) {
            return new Answer(400, errorBody("invalid_request_error", "parameter_invalid_integer", null,
                    "Invalid integer: " + first(params, "amount_to_capture")).put("param", "amount_to_capture"));
        }
        if (amount <= 0 || amount > capturable) {
            return new Answer(400, errorBody("invalid_request_error", "amount_too_large", null,
                    "The amount to capture must be at most the amount capturable, " + capturable + ".")
                    .put("param", "amount_to_capture"));
        }
        ObjectNode charge = charges.get(intent.path("latest_charge").asText());
        charge.put("captured", true).put("amount_captured", amount);
        intent.put("status", "succeeded").put("amount_capturable", 0).put("amount_received", amount);
        emit("charge.captured", charge, null);
        emit("payment_intent.succeeded", intent, null);
        return new Answer(200, expand(intent, params, ""));
    }

    private Answer cancelRequest(ObjectNode intent, Map<String, List<String>> params) {
        String status = intent.path("status").asText();
        if ("succeeded".equals(status) || "canceled".equals(status)) {
            return unexpectedState(intent, "cancel", "requires_payment_method, requires_capture, requires_confirmation,"
                    + " requires_action or processing");
        }
        String reason = first(params, "cancellation_reason");
        cancel(intent, reason == null ? "requested_by_customer" : reason);
        return new Answer(200, expand(intent, params, ""));
    }

    private void cancel(ObjectNode intent, String reason) {
        intent.put("status", "canceled").put("canceled_at", now()).put("cancellation_reason", reason)
                .put("amount_capturable", 0).putNull("next_action");
        emit("payment_intent.canceled", intent, null);
    }

    private Answer search(Map<String, List<String>> params) {
        String query = first(params, "query");
        Matcher m = SEARCH.matcher(query == null ? "" : query);
        if (!m.matches()) {
            return new Answer(400, errorBody("invalid_request_error", "parameter_invalid", null,
                    "The simulator searches metadata['key']:'value' only; got: " + query).put("param", "query"));
        }
        int limit = limit(params);
        List<JsonNode> found = searchable().stream()
                .filter(i -> m.group(2).equals(i.path("metadata").path(m.group(1)).asText(null)))
                .sorted(Comparator.comparingLong((JsonNode i) -> i.path("created").asLong()).reversed())
                .map(i -> (JsonNode) expand(i, params, "data.")).toList();
        ObjectNode result = JSON.createObjectNode().put("object", "search_result");
        ArrayNode data = result.putArray("data");
        found.stream().limit(limit).forEach(data::add);
        result.put("has_more", found.size() > limit).putNull("next_page").put("url", "/v1/payment_intents/search");
        return new Answer(200, result);
    }

    /** The PaymentIntents as the search index has them: all as they are now, or each as it was {@link #searchLag} ago. */
    private List<ObjectNode> searchable() {
        Duration lag = searchLag;
        if (lag.isZero()) {
            return List.copyOf(intents.values());
        }
        java.time.Instant indexed = clock.instant().minus(lag);
        List<ObjectNode> out = new ArrayList<>();
        synchronized (searchIndex) {
            for (List<Map.Entry<java.time.Instant, ObjectNode>> states : searchIndex.values()) {
                states.stream().filter(state -> !state.getKey().isAfter(indexed)).reduce((older, newer) -> newer)
                        .ifPresent(state -> out.add(state.getValue()));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- refunds

    private Answer createRefund(Map<String, List<String>> params, String key) {
        for (String name : params.keySet()) {
            if (!Set.of("payment_intent", "charge", "amount", "reason", "expand[]").contains(name)
                    && !name.matches("metadata\\[[A-Za-z0-9_]{1,40}]")) {
                return new Answer(400, errorBody("invalid_request_error", "parameter_unknown", null,
                        "Received unknown parameter: " + name).put("param", name));
            }
        }
        synchronized (lock) {
            String intentId = first(params, "payment_intent");
            ObjectNode intent = intentId == null ? null : intents.get(intentId);
            if (intent == null) {
                return intentId == null ? new Answer(400, errorBody("invalid_request_error", "parameter_missing", null,
                        "One of the following params should be provided for this request: payment_intent or charge."))
                        : missing("payment_intent", intentId);
            }
            if (!"succeeded".equals(intent.path("status").asText())) {
                return new Answer(400, errorBody("invalid_request_error", "charge_not_refundable", null,
                        "This PaymentIntent (" + intentId + ") does not have a successful charge to refund."));
            }
            ObjectNode charge = charges.get(intent.path("latest_charge").asText());
            long left = charge.path("amount_captured").asLong() - charge.path("amount_refunded").asLong();
            if (left <= 0) {
                return new Answer(400, errorBody("invalid_request_error", "charge_already_refunded", null,
                        "Charge " + charge.path("id").asText() + " has already been refunded."));
            }
            long amount;
            try {
                amount = first(params, "amount") == null ? left : Long.parseLong(first(params, "amount"));
            } catch (NumberFormatException e) {
                return new Answer(400, errorBody("invalid_request_error", "parameter_invalid_integer", null,
                        "Invalid integer: " + first(params, "amount")).put("param", "amount"));
            }
            if (amount <= 0 || amount > left) {
                return new Answer(400, errorBody("invalid_request_error", "amount_too_large", null,
                        "Refund amount (" + amount + ") is greater than unrefunded amount on charge (" + left + ")")
                        .put("param", "amount"));
            }
            String id = "re_" + randomString(random, 24);
            ObjectNode refund = StripeObjects.refund(id, amount, intent, charge.path("id").asText(),
                    first(params, "reason"), metadata(params), now());
            refunds.put(id, refund);
            long refunded = charge.path("amount_refunded").asLong() + amount;
            charge.put("amount_refunded", refunded).put("refunded", refunded == charge.path("amount_captured").asLong());
            ArrayNode chargeRefunds = (ArrayNode) charge.with("refunds").withArray("data");
            chargeRefunds.insert(0, refund.deepCopy());
            emit("refund.created", refund, key);
            emit("charge.refunded", charge, key);
            return new Answer(200, refund.deepCopy());
        }
    }

    private Answer listRefunds(Map<String, List<String>> params) {
        String intentId = first(params, "payment_intent");
        String after = first(params, "starting_after");
        int limit = limit(params);
        List<JsonNode> all = refunds.values().stream()
                .filter(r -> intentId == null || intentId.equals(r.path("payment_intent").asText(null)))
                .sorted(Comparator.comparingLong((JsonNode r) -> r.path("created").asLong()).reversed())
                .map(r -> (JsonNode) r.deepCopy()).toList();
        int from = 0;
        if (after != null) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("id").asText().equals(after)) {
                    from = i + 1;
                }
            }
        }
        List<JsonNode> page = all.subList(Math.min(from, all.size()), Math.min(from + limit, all.size()));
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        page.forEach(data::add);
        list.put("has_more", from + limit < all.size()).put("url", "/v1/refunds");
        return new Answer(200, list);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void emit(String type, ObjectNode object, String idempotencyKey) {
        if ("payment_intent".equals(object.path("object").asText())) {
            synchronized (searchIndex) {
                searchIndex.computeIfAbsent(object.path("id").asText(), id -> new ArrayList<>())
                        .add(Map.entry(clock.instant(), object.deepCopy()));
            }
        }
        Set<String> enabled = enabledEvents;
        if (enabled != null && !enabled.contains(type)) {
            return; // the endpoint is not registered for it: Stripe sends it nowhere
        }
        ObjectNode event = StripeObjects.event("evt_" + randomString(random, 24), type, object.deepCopy(), now(),
                idempotencyKey);
        synchronized (outbox) {
            outbox.add(event);
            if (outbox.size() > MAX_OUTBOX) {
                outbox.removeFirst(); // nobody delivers them (a test that never looks at webhooks): forget the oldest
            }
        }
    }

    /** The object with {@code payment_method} expanded when {@code expand[]} asks for {@code <prefix>payment_method}. */
    private ObjectNode expand(ObjectNode intent, Map<String, List<String>> params, String prefix) {
        ObjectNode copy = intent.deepCopy();
        if (params.getOrDefault("expand[]", List.of()).contains(prefix + "payment_method")) {
            TestCard.of(intent.path("payment_method").asText()).ifPresent(card ->
                    copy.set("payment_method", StripeObjects.paymentMethod(card, intent.path("created").asLong())));
        }
        return copy;
    }

    private Answer unexpectedState(ObjectNode intent, String action, String allowed) {
        ObjectNode body = errorBody("invalid_request_error", "payment_intent_unexpected_state", null,
                "This PaymentIntent could not be " + (action.equals("cancel") ? "canceled" : "captured")
                        + " because it has a status of " + intent.path("status").asText() + ". Only a PaymentIntent with one"
                        + " of the following statuses may be " + (action.equals("cancel") ? "canceled" : "captured")
                        + ": " + allowed + ".");
        ((ObjectNode) body.get("error")).set("payment_intent", intent.deepCopy());
        return new Answer(400, body);
    }

    private Answer missing(String object, String id) {
        return new Answer(404, errorBody("invalid_request_error", "resource_missing", null,
                "No such " + object + ": '" + id + "'").put("param", "id"));
    }

    private static Answer error(int status, String type, String code, String declineCode, String message) {
        return new Answer(status, errorBody(type, code, declineCode, message));
    }

    /** {@code {"error": {...}}}; {@code put} on the answer adds to the inner error object. */
    private static ObjectNode errorBody(String type, String code, String declineCode, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = errorObject(type, code, declineCode, message);
        body.set("error", error);
        return body;
    }

    private static ObjectNode errorObject(String type, String code, String declineCode, String message) {
        ObjectNode error = JSON.createObjectNode();
        if (code != null) {
            error.put("code", code);
            error.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        if (declineCode != null) {
            error.put("decline_code", declineCode);
        }
        error.put("message", message);
        error.put("request_log_url", "https://dashboard.stripe.com/test/logs");
        error.put("type", type);
        return error;
    }

    private void respond(HttpExchange exchange, Answer answer, boolean replayed) throws IOException {
        JsonNode body = answer.body();
        if (body.has("error") && body.size() > 1) {
            // errorBody(...).put("param", x) lands beside "error": move it inside, where Stripe has it
            ObjectNode fixed = JSON.createObjectNode();
            ObjectNode error = ((ObjectNode) body.get("error")).deepCopy();
            body.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("error")) {
                    error.set(e.getKey(), e.getValue());
                }
            });
            fixed.set("error", error);
            body = fixed;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Request-Id", "req_" + randomString(random, 14));
        exchange.getResponseHeaders().set("Stripe-Version", "2024-06-20");
        if (replayed) {
            exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
        }
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static int limit(Map<String, List<String>> params) {
        try {
            return Math.max(1, Math.min(100, Integer.parseInt(Objects.requireNonNullElse(first(params, "limit"), "10"))));
        } catch (NumberFormatException e) {
            return 10;
        }
    }

    private static ObjectNode metadata(Map<String, List<String>> params) {
        ObjectNode metadata = JSON.createObjectNode();
        params.forEach((name, values) -> {
            if (name.startsWith("metadata[") && name.endsWith("]")) {
                metadata.put(name.substring("metadata[".length(), name.length() - 1), values.getLast());
            }
        });
        return metadata;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static Map<String, String> flat(Map<String, List<String>> params) {
        Map<String, String> flat = new TreeMap<>();
        params.forEach((k, v) -> flat.put(k, String.join(",", v)));
        return flat;
    }

    /** {@code a=1&b=2&b=3} as a map of lists, in order; names and values URL-decoded. */
    static Map<String, List<String>> parseForm(String raw) {
        Map<String, List<String>> form = new TreeMap<>();
        if (raw == null || raw.isEmpty()) {
            return form;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return form;
    }

    private static String mask(String authorization) {
        String key = authorization.startsWith("Bearer ") ? authorization.substring(7) : authorization;
        return key.length() <= 8 ? "****" : key.substring(0, Math.min(8, key.length())) + "****" + key.substring(key.length() - 4);
    }

    static String randomString(SecureRandom random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHANUM.charAt(random.nextInt(ALPHANUM.length())));
        }
        return s.toString();
    }

    @Override
    public void close() {
        ScheduledExecutorService s = sender;
        if (s != null) {
            s.shutdownNow();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
