package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.json.StepMessageCodec;
import dev.cartwheel.checkout.CheckoutHandler;
import dev.cartwheel.core.email.EmailType;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.StatusChange;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.emulators.stripe.StripeSimulator;
import dev.cartwheel.paymentwebhook.PaymentWebhookHandler;
import dev.cartwheel.systemtests.SoakPlan.Path;
import dev.cartwheel.systemtests.SoakPlan.Planned;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.SimulatedCrash;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole-lifecycle soak. A plan drawn from the seed ({@link SoakPlan}) sends orders down every path an order can
 * take: approved, declined, 3-D Secure completed or failed at the Stripe simulator and learnt from its signed webhook,
 * 3-D Secure abandoned and expired, cancelled while the pipeline works on it or after its confirmation, refunded in
 * part or in full (two refunds at once, a key repeated), refunded at Stripe's dashboard, shipped with the capture on
 * authorization or on fulfilment, held and then cancelled or expired, a fulfilment racing a cancel, and orders
 * competing for scarce stock. Four clients act while four pumps per queue run the real handlers (four concurrent
 * invocations of each function), and faults are injected at random at every point (duplicate messages, redeliveries,
 * crashes at every step, provider errors, throttling, transaction conflicts, writes whose response is lost); the
 * reconciler then nudges, expires and re-sends what is owed. Then the invariants, per order and in total, and a
 * table of the faults fired, the races hit and the invariants checked, per path.
 *
 * <p>A short run in every build ({@code -Dsoak.shortOrders=}), 5,000 orders with {@code -Dgroups=soak}
 * ({@code -Dsoak.orders=}); {@code -Dsoak.seed=} replays a plan.
 */
@ExtendWith(AwsEmulators.class)
class SoakIT {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern TOKEN = Pattern.compile("(?:tok|pm)_[A-Za-z0-9]");
    /** 13+ digits in a row, or card-style groups (4-4-4-4[-n], 4-6-5) split by spaces or dashes; never inside a UUID. */
    private static final Pattern DIGIT_RUN = Pattern.compile("(?<![0-9A-Za-z_-])(?:[0-9]{13,}"
            + "|[0-9]{4}(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,3})?|[0-9]{4}[ -][0-9]{6}[ -][0-9]{5})(?![0-9A-Za-z_-])");
    /** The parts of every order's shipping address (Pipeline.ADDRESS): personal data, never in a log line. */
    private static final List<String> ADDRESS_PARTS = List.of("Ada Lovelace", "Lovelace", "12 Main Street");

    /** Concurrent pumps per queue during the soak (each a concurrent invocation of the queue's function). */
    private static final int PUMPS = 4;
    /** Concurrent clients (customers, the warehouse, admins, Stripe's webhooks) acting on the orders. */
    private static final int CLIENTS = 4;
    private static final String ADMIN_SCOPES = "orders/read orders/admin";
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * The fault points the soak does not inject: a definitive refusal by the provider ends an order otherwise
     * (PAYMENT_FAILED at capture, a FAILED refund). PaymentRefusalIT proves them one by one.
     */
    private static final Set<FaultPoint> NOT_INJECTED = EnumSet.of(FaultPoint.PROVIDER_REJECTS_CAPTURE,
            FaultPoint.PROVIDER_REJECTS_REFUND);

    @Test
    void shortSoak_invariantsHold(AwsEnvironment aws) throws Exception {
        soak(aws, Integer.getInteger("soak.shortOrders", 300), Long.getLong("soak.seed", 1));
    }

    @Tag("soak")
    @Test
    void longSoak_invariantsHold(AwsEnvironment aws) throws Exception {
        soak(aws, Integer.getInteger("soak.orders", 5000), Long.getLong("soak.seed", 7));
    }

    private static void soak(AwsEnvironment aws, int count, long seed) throws Exception {
        long began = System.nanoTime();
        SoakPlan plan = SoakPlan.of(seed, count);
        assertThat(SoakPlan.of(seed, count).digest()).as("the plan is the seed's alone").isEqualTo(plan.digest());
        System.out.printf("soak: seed %d, %d orders, plan %s (the same plan again: -Dsoak.seed=%d)%n", seed, count,
                plan.digest(), seed);
        progress(count, "seed " + seed + ", plan " + plan.digest());
        Map<String, Planned> planned = new HashMap<>();
        plan.orders().forEach(order -> planned.put(order.orderId(), order));

        // GIVEN random faults at every point
        Map<FaultPoint, Double> probabilities = new EnumMap<>(FaultPoint.class);
        for (FaultPoint point : FaultPoint.values()) {
            if (NOT_INJECTED.contains(point)) {
                continue;
            }
            // a crash fails its whole batch of up to ten: crashes are rarer than the faults a single message sees, and
            // so is SES's refusal, which leaves the e-mail's claim taken as a crash does, until the lease ends (a
            // redelivery is drawn once per batch, so it gets a higher rate)
            probabilities.put(point, point.isCrash() || point == FaultPoint.SES_ERROR ? 0.01
                    : point == FaultPoint.REDELIVERY ? 0.25 : 0.08);
        }
        Faults faults = Faults.random(seed, probabilities, true);
        // checkout takes each order's id from the plan: the placing client names it just before the call
        ThreadLocal<String> nextOrderId = new ThreadLocal<>();
        Wiring wiring = new Wiring(faults).withOrderIds(() -> {
            String id = nextOrderId.get();
            if (id == null) {
                throw new IllegalStateException("the soak names every order it places");
            }
            return id;
        });
        // the races the soak hits: writes that lost on the version (someone else wrote the order first), by path
        Map<Path, AtomicInteger> staleByPath = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> staleBy = new ConcurrentHashMap<>();
        faults.onHook((at, orderId, version) -> {
            if (at == Faults.Checkpoint.ORDER_WRITE_STALE) {
                Planned order = planned.get(orderId);
                if (order != null) {
                    staleByPath.computeIfAbsent(order.path(), k -> new AtomicInteger()).incrementAndGet();
                }
                staleBy.computeIfAbsent(Thread.currentThread().getName().startsWith("pump-") ? "stale write (pumps)"
                        : "stale write (clients)", k -> new AtomicInteger()).incrementAndGet();
            }
        });
        Map<String, String> parameters = new HashMap<>(Pipeline.NO_OPEN_ORDER_LIMIT);
        // a day to pay: however long the first drain takes, the reconciler's nudges find orders stuck, not overdue;
        // the soak expires the orders it means to expire by moving the clocks past it
        parameters.put("PaymentTimeoutSeconds", "86400");
        try (StripeSimulator stripe = StripeSimulator.start()) {
            Pipeline pipeline = new Pipeline(aws, parameters, stripe, wiring::handlers);
            plan.stock().forEach((sku, units) -> pipeline.seed(sku, "Soak item " + sku,
                    sku.equals(SoakPlan.SCARCE) ? SoakPlan.SCARCE_PRICE : SoakPlan.PRICES.get(sku), units));
            String run = "soak" + seed + "r" + RUNS.incrementAndGet() + "c";
            Run soak = new Run(plan, pipeline, wiring, stripe, wiring.checkout(pipeline, CapturePolicy.ON_FULFILMENT),
                    nextOrderId, run);
            Duration drainTimeout = Duration.ofMinutes(count > 1000 ? 60 : 5);
            // a crash in the e-mail step leaves its claim taken: its redelivery comes after the queue's visibility
            // timeout, longer than the claim's lease, so the e-mail clock jumps that far, but only while no e-mail
            // invocation is running: a live sender never loses its claim (the lease outlasts the function's timeout)
            EmailClockGate gate = new EmailClockGate(wiring.emailClock, Duration.ofSeconds(Long.parseLong(String.valueOf(
                    pipeline.stack.template().resolvedProperties("EmailQueue").get("VisibilityTimeout")))));
            faults.onFailedDelivery(gate::failed);
            Map<String, java.util.function.Function<com.amazonaws.services.lambda.runtime.events.SQSEvent,
                    com.amazonaws.services.lambda.runtime.events.SQSBatchResponse>> routes = new LinkedHashMap<>(wiring.routes(pipeline));
            routes.computeIfPresent(pipeline.queueUrl("EmailQueue"), (url, handler) -> gate.around(handler));

            // WHEN the clients place every order (cancelling some while the pipeline works on them), with poison
            // in the queues and four pumps per queue running
            List<String> poison = List.of("{\"schemaVersion\":1,\"type\":\"OrderPlaced\"}", "not json at all",
                    "{\"schemaVersion\":2,\"type\":\"OrderPaid\",\"orderId\":\"ord_x\",\"correlationId\":\"c\"}");
            List<String> queues = List.of("InventoryQueue", "PaymentQueue", "EmailQueue");
            for (String body : poison) {
                aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl(queues.get(body.length() % 3))).messageBody(body));
            }
            long phase = System.nanoTime();
            try (BackgroundPumps pumps = new BackgroundPumps(aws.queuePump(), routes, PUMPS)) {
                clients(client -> soak.placeAll(plan.share(client, CLIENTS)));
                pumps.awaitDrained(drainTimeout);
            }
            Duration placing = since(phase);
            progress(count, "placing done in " + placing);
            // AND the reconciler nudges what a crash left behind until every order rests where its path expects
            phase = System.nanoTime();
            Map<String, Integer> nudged = new TreeMap<>();
            List<String> restless = List.of();
            for (int pass = 0; pass < 4 && (pass == 0 || !restless.isEmpty()); pass++) {
                wiring.reconciler(pipeline, wiring.nudgeAge(pipeline)).handleRequest(Map.of(), null)
                        .forEach((what, n) -> nudged.merge(what, n, Integer::sum));
                pipeline.drainInParallel(routes, PUMPS, drainTimeout);
                restless = soak.restless();
            }
            assertThat(restless).as("orders not where their path rests after the pipeline and the reconciler").isEmpty();
            Duration settling = since(phase);
            progress(count, "settled in " + settling);

            // AND the clients act on the orders (3-D Secure at the simulator and Stripe's webhooks, cancels, refunds,
            // dashboard refunds, fulfilments, a fulfilment racing a cancel) while the pumps run
            phase = System.nanoTime();
            try (BackgroundPumps pumps = new BackgroundPumps(aws.queuePump(), routes, PUMPS)) {
                clients(client -> soak.actOnAll(plan.share(client, CLIENTS)));
                pumps.awaitDrained(drainTimeout);
            }
            // the refunds of orders captured at their fulfilment, once captured
            try (BackgroundPumps pumps = new BackgroundPumps(aws.queuePump(), routes, PUMPS)) {
                clients(client -> soak.refundAllShipped(plan.share(client, CLIENTS)));
                pumps.awaitDrained(drainTimeout);
            }
            wiring.reconciler(pipeline, wiring.nudgeAge(pipeline)).handleRequest(Map.of(), null)
                    .forEach((what, n) -> nudged.merge(what, n, Integer::sum));
            pipeline.drainInParallel(routes, PUMPS, drainTimeout);
            Duration acting = since(phase);
            progress(count, "acting done in " + acting);

            // AND a day later the unpaid orders expire (Stripe's late events about them change nothing); an hour
            // before their authorization hold ends, the held orders nobody shipped expire
            phase = System.nanoTime();
            wiring.paymentClock.advance(wiring.overdueAge(pipeline));
            Map<String, Integer> overdue = wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null);
            pipeline.drainInParallel(routes, PUMPS, drainTimeout);
            soak.deliverLateEvents();
            pipeline.drainInParallel(routes, PUMPS, drainTimeout);
            Duration hold = Duration.ofDays(Long.parseLong(pipeline.environment("ReconcilerFunction").get("AUTHORIZATION_HOLD_DAYS")));
            wiring.paymentClock.advance(hold.minusMinutes(29).minus(wiring.overdueAge(pipeline)));
            Map<String, Integer> lapsing = wiring.reconciler(pipeline, hold.minusMinutes(30)).handleRequest(Map.of(), null);
            pipeline.drainInParallel(routes, PUMPS, drainTimeout);
            Map<String, Integer> afterwards = wiring.reconciler(pipeline, hold.minusMinutes(30)).handleRequest(Map.of(), null);
            Duration expiring = since(phase);
            progress(count, "expiring done in " + expiring);
            Duration took = since(began);

            // THEN every invariant, per order and in total
            Checks checks = soak.checks;
            DynamoDbOrderStore store = soak.store;
            Map<String, List<CapturedEmail>> mail = mailByOrder(aws, soak.addresses());
            Map<Path, Map<OrderStatus, Integer>> endings = new EnumMap<>(Path.class);
            Map<String, Long> sold = new HashMap<>();
            long bookedKept = 0;
            int documentedDuplicates = 0;
            for (Planned p : plan.orders()) {
                Order order = store.find(p.orderId()).orElse(null);
                checks.that(p.path(), order != null, p.orderId() + " was placed");
                if (order == null) {
                    continue;
                }
                endings.computeIfAbsent(p.path(), k -> new EnumMap<>(OrderStatus.class)).merge(order.status(), 1, Integer::sum);
                checks.that(p.path(), order.status().isFinal(), p.orderId() + " final, is " + order.status());
                checks.that(p.path(), p.path().endings.contains(order.status()),
                        p.orderId() + " (" + p.path() + ") ends " + p.path().endings + ", is " + order.status());
                checks.that(p.path(), order.total().amount() == p.total(), p.orderId() + " total " + order.total());
                checks.that(p.path(), order.capture() == p.capture(), p.orderId() + " capture " + order.capture());
                bookedKept += soak.checkMoney(p, order);
                documentedDuplicates += soak.checkEmails(p, order, mail.getOrDefault(p.orderId(), List.of()));
                if (order.status() == OrderStatus.CONFIRMED || order.status() == OrderStatus.FULFILLED) {
                    order.lines().forEach(line -> sold.merge(line.sku(), (long) line.quantity(), Long::sum));
                }
            }
            // the money in total, read from the simulator's own state: what Stripe kept is what the orders' books say
            long captured = 0;
            long refunded = 0;
            for (JsonNode intent : soak.allIntents()) {
                String orderId = intent.path("metadata").path("order_id").asText();
                checks.that(null, planned.containsKey(orderId), "PaymentIntent " + intent.path("id").asText() + " of a soak order");
                long received = "succeeded".equals(intent.path("status").asText()) ? intent.path("amount_received").asLong() : 0;
                long back = stripe.refundsOf(intent.path("id").asText()).stream().mapToLong(r -> r.path("amount").asLong()).sum();
                checks.that(null, back <= received, intent.path("id").asText() + " refunds " + back + " <= capture " + received);
                captured += received;
                refunded += back;
            }
            checks.that(null, captured - refunded == bookedKept,
                    "Stripe kept " + (captured - refunded) + ", the orders' books say " + bookedKept);
            // conservation per SKU, none reserved, and sold exactly what the confirmed and shipped orders bought
            Map<String, long[]> stock = pipeline.allStock();
            for (var sku : plan.stock().entrySet()) {
                long[] c = stock.get(sku.getKey());
                checks.that(null, c[0] + c[1] + c[2] == sku.getValue(), sku.getKey() + " conserved " + java.util.Arrays.toString(c));
                checks.that(null, c[1] == 0, sku.getKey() + " reserved " + c[1]);
                checks.that(null, c[2] == sold.getOrDefault(sku.getKey(), 0L), sku.getKey() + " sold " + c[2]
                        + ", bought " + sold.getOrDefault(sku.getKey(), 0L));
            }
            checks.that(null, afterwards.isEmpty(), "nothing left for the reconciler: " + afterwards);

            Map<String, Integer> failures = new TreeMap<>();
            wiring.logs.lines().stream().filter(line -> line.contains("\"outcome\":\"failed\""))
                    .forEach(line -> failures.merge(line.replaceAll(".*\"step\":\"([a-z]+)\".*\"message\":\"([A-Za-z0-9]+):.*", "$1 $2"),
                            1, Integer::sum));
            System.out.printf("soak: failed deliveries by step and cause %s%n", failures);
            java.nio.file.Files.write(Root.path("infrastructure", "system-tests", "target", "soak-" + count + ".log"),
                    wiring.logs.lines());
            // the DLQs hold the poison and nothing the system could still process: a message that ran out of receives
            // because its batch-mates crashed (a crash fails the whole batch) is for an order the reconciler finished,
            // and redriving it (the DLQ alarm's runbook) changes nothing
            Map<String, String> sources = Map.of("InventoryDeadLetterQueue", "InventoryQueue",
                    "PaymentDeadLetterQueue", "PaymentQueue", "EmailDeadLetterQueue", "EmailQueue");
            List<String> dead = new ArrayList<>();
            Map<String, Long> versionsBefore = new HashMap<>();
            int casualties = 0;
            for (var dlq : sources.entrySet()) {
                for (var message : pipeline.takeAll(dlq.getKey())) {
                    if (poison.contains(message.body())) {
                        dead.add(message.body());
                        continue;
                    }
                    String orderId = StepMessageCodec.read(message.body()).orderId();
                    Order order = store.find(orderId).orElseThrow();
                    checks.that(null, order.status().isFinal(), "dead message for unfinished " + orderId);
                    versionsBefore.put(orderId, order.version());
                    aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl(dlq.getValue())).messageBody(message.body()));
                    casualties++;
                }
            }
            int mailBeforeRedrive = aws.mailbox().messages().size();
            pipeline.drainInParallel(routes, PUMPS, drainTimeout);
            versionsBefore.forEach((orderId, version) -> checks.that(null,
                    store.find(orderId).orElseThrow().version() == version, "redrive of " + orderId + " changed it"));
            checks.that(null, aws.mailbox().messages().size() == mailBeforeRedrive, "an e-mail from the redrive");
            checks.that(null, dead.size() == poison.size() && dead.containsAll(poison), "the DLQs hold the poison: " + dead);
            dead.forEach(body -> checks.that(null, !parses(body), "poison parses: " + body));
            for (String dlq : sources.keySet()) {
                checks.that(null, pipeline.depth(dlq) == 0, dlq + " after the redrive");
            }
            // no log line carries an e-mail address, a payment token, a card-like number or the shipping address
            List<String> logs = wiring.logs.lines();
            checks.that(null, logs.size() > count * 3, "the handlers logged: " + logs.size() + " lines");
            checks.that(null, logs.stream().anyMatch(line -> line.contains(plan.orders().getFirst().orderId())),
                    "the log names the orders");
            for (String line : logs) {
                checks.that(null, !EMAIL.matcher(line).find(), "e-mail address in " + line);
                checks.that(null, !TOKEN.matcher(line).find(), "payment token in " + line);
                // the one long number a line may carry: the metrics' epoch-millisecond Timestamp (embedded metric format)
                String withoutMetricTime = line.replaceAll("\"Timestamp\":[0-9]+", "\"Timestamp\":0");
                checks.that(null, !luhnValidRun(withoutMetricTime), "card-like number in " + line);
                checks.that(null, ADDRESS_PARTS.stream().noneMatch(line::contains), "shipping address in " + line);
            }

            // the report
            System.out.printf("soak: %d orders (seed %d, plan %s) in %s: placing %s, settling %s, acting %s, expiring %s%n",
                    count, seed, plan.digest(), took, placing, settling, acting, expiring);
            System.out.printf("soak: reconciler nudged %s, expired %s, held orders lapsing %s, afterwards %s%n",
                    nudged, overdue, lapsing, afterwards);
            System.out.printf("soak: Stripe captured %d, refunded %d, kept %d (the orders' books: %d)%n",
                    captured, refunded, captured - refunded, bookedKept);
            System.out.printf("soak: faults injected %d; documented duplicate e-mails %d; messages dead-lettered by"
                    + " batch-mates' crashes and redriven as no-ops %d; %d log lines%n", faults.total(),
                    documentedDuplicates, casualties, logs.size());
            System.out.println(pathTable(plan, endings, faults, staleByPath, soak.races, checks));
            System.out.println(faultTable(faults.counts(), staleBy, checks.total()));
            assertThat(checks.problems()).as("invariants broken (%d of %d checks)", checks.problems().size(), checks.total())
                    .isEmpty();
            for (FaultPoint point : EnumSet.complementOf(EnumSet.copyOf(NOT_INJECTED))) {
                assertThat(faults.count(point)).as("fault point %s fired", point).isPositive();
            }
            for (Path path : Path.values()) {
                assertThat(endings.getOrDefault(path, Map.of())).as("orders on path %s", path).isNotEmpty();
            }
            assertThat(soak.inFlightCancelsFrom).as("the statuses the in-flight cancels met")
                    .containsAll(plan.orders().stream().map(Planned::cancelAt).filter(Objects::nonNull).toList());
        }
    }

    // ---------------------------------------------------------------------------------------------- the clients

    /** One soak's clients: they place orders and act on them as the plan says, and check what they were answered. */
    private static final class Run {

        /** How long an order cancelled in flight may stay in one status before its client cancels it where it is. */
        private static final Duration CANCEL_STALL = Duration.ofSeconds(20);

        private final SoakPlan plan;
        private final Pipeline pipeline;
        private final Wiring wiring;
        private final StripeSimulator stripe;
        private final CheckoutHandler onFulfilment;
        private final ThreadLocal<String> nextOrderId;
        private final String customerPrefix;
        private final ThreadLocal<PaymentWebhookHandler> webhook;
        /** The orders as they are stored, read by the clients and the checks. */
        final DynamoDbOrderStore store;
        final Checks checks = new Checks();
        /** Races the clients saw happen, by name: a cancel that settled a payment made, who won fulfil-vs-cancel... */
        final Map<String, AtomicInteger> races = new ConcurrentHashMap<>();
        /** The statuses the cancellations of the orders cancelled in flight were recorded from. */
        final Set<OrderStatus> inFlightCancelsFrom = ConcurrentHashMap.newKeySet();
        /** Orders placed and acted on so far, for the progress file. */
        private final AtomicInteger placed = new AtomicInteger();
        private final AtomicInteger acted = new AtomicInteger();
        /** Refunds a client saw complete, by order: what the order's books must show. */
        private final Map<String, List<Long>> refunded = new ConcurrentHashMap<>();

        Run(SoakPlan plan, Pipeline pipeline, Wiring wiring, StripeSimulator stripe, CheckoutHandler onFulfilment,
            ThreadLocal<String> nextOrderId, String customerPrefix) {
            this.plan = plan;
            this.pipeline = pipeline;
            this.wiring = wiring;
            this.stripe = stripe;
            this.onFulfilment = onFulfilment;
            this.nextOrderId = nextOrderId;
            this.customerPrefix = customerPrefix;
            this.store = new DynamoDbOrderStore(pipeline.aws.dynamoDb(), pipeline.table("OrdersTable"), null, null);
            this.webhook = ThreadLocal.withInitial(() -> wiring.webhook(pipeline));
            // Stripe's webhooks go to the webhook function, one instance per client thread, as API Gateway invokes it
            stripe.webhookSink((body, signature) -> webhook.get().handleRequest(Pipeline.stripeWebhook(body, signature), null)
                    .getStatusCode());
        }

        String customer(Planned order) {
            return customerPrefix + order.customer();
        }

        Set<String> addresses() {
            Set<String> addresses = new HashSet<>();
            for (int c = 0; c < SoakPlan.CUSTOMERS; c++) {
                addresses.add(customerPrefix + c + "@example.com");
            }
            return addresses;
        }

        // ------------------------------------------------------------------------------------------ phase 1

        /**
         * Places the client's orders in plan order. An order cancelled in flight is cancelled once it reached the
         * status its plan says ({@link Planned#cancelAt}), looked at after each placement and, once all are placed,
         * every few milliseconds; an order its client gave up placing (a crash, left to the reconciler) is cancelled
         * at once, and one that has not moved for {@link #CANCEL_STALL} is cancelled where it is.
         */
        void placeAll(List<Planned> orders) {
            Map<Planned, OrderStatus> cancels = new LinkedHashMap<>();
            for (Planned order : orders) {
                boolean accepted = place(order);
                if (placed.incrementAndGet() % 250 == 0) {
                    progress(plan.orders().size(), "placed " + placed.get());
                }
                if (order.path() == Path.CANCELLED_IN_FLIGHT) {
                    if (accepted) {
                        cancels.put(order, OrderStatus.PENDING);
                    } else {
                        cancelInFlight(order, "its placement given up");
                    }
                }
                cancelThoseAtTheirStage(cancels);
            }
            long lastMove = System.nanoTime();
            while (!cancels.isEmpty()) {
                if (cancelThoseAtTheirStage(cancels)) {
                    lastMove = System.nanoTime();
                } else if (System.nanoTime() - lastMove > CANCEL_STALL.toNanos()) {
                    cancels.forEach((order, status) -> cancelInFlight(order, "stalled at " + status));
                    cancels.clear();
                } else {
                    sleep(Duration.ofMillis(5));
                }
            }
        }

        /** Cancels the orders that reached their planned status; true if any was cancelled or moved on. */
        private boolean cancelThoseAtTheirStage(Map<Planned, OrderStatus> cancels) {
            boolean moved = false;
            for (var it = cancels.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                Planned order = entry.getKey();
                OrderStatus now = store.find(order.orderId()).map(Order::status).orElse(OrderStatus.PENDING);
                moved |= now != entry.getValue();
                entry.setValue(now);
                boolean due = switch (order.cancelAt()) {
                    case PENDING -> true;
                    case RESERVED -> now != OrderStatus.PENDING;
                    default -> !EnumSet.of(OrderStatus.PENDING, OrderStatus.RESERVED, OrderStatus.PAYMENT_PENDING,
                            OrderStatus.AUTHORIZED).contains(now);
                };
                if (due) {
                    cancelInFlight(order, "seen " + now);
                    it.remove();
                    moved = true;
                }
            }
            return moved;
        }

        private void cancelInFlight(Planned order, String seen) {
            races.computeIfAbsent("cancel in flight planned at " + order.cancelAt() + ", sent when " + seen,
                    k -> new AtomicInteger()).incrementAndGet();
            expect(order, "cancel in flight", cancel(order), 200);
        }

        /**
         * POST /orders as a careful client: a 5xx is retried with the same Idempotency-Key; a crashed request (no
         * answer) is retried the same way when the plan says so, else given up and left to the reconciler. Returns
         * whether the order was accepted (202).
         */
        private boolean place(Planned order) {
            CheckoutHandler checkout = order.capture() == CapturePolicy.ON_FULFILMENT ? onFulfilment : pipeline.checkout;
            String customer = customer(order);
            for (int attempt = 1; attempt <= 20; attempt++) {
                nextOrderId.set(order.orderId());
                try {
                    APIGatewayV2HTTPResponse response = checkout.handleRequest(
                            Pipeline.postOrder(customer, customer + "@example.com", order.idempotencyKey(), order.body()), null);
                    if (response.getStatusCode() >= 500) {
                        continue;
                    }
                    expect(order, "place", response, 202);
                    checks.that(order.path(), order.orderId().equals(Pipeline.json(response).path("orderId").asText()),
                            order.orderId() + " placed under its planned id");
                    return true;
                } catch (SimulatedCrash crash) {
                    if (!order.retries()) {
                        return false;
                    }
                } finally {
                    nextOrderId.remove();
                }
            }
            checks.that(order.path(), false, order.orderId() + " never placed");
            return false;
        }

        /** The planned orders not (yet) in the status their path rests in before its next action. */
        List<String> restless() {
            List<String> restless = new ArrayList<>();
            for (Planned order : plan.orders()) {
                OrderStatus status = store.find(order.orderId()).map(Order::status).orElse(null);
                if (!order.path().resting(order.capture()).contains(status)) {
                    restless.add(order.orderId() + " " + order.path() + " " + status);
                }
            }
            return restless;
        }

        // ------------------------------------------------------------------------------------------ phase 2

        void actOnAll(List<Planned> orders) {
            for (Planned order : orders) {
                act(order);
                if (acted.incrementAndGet() % 250 == 0) {
                    progress(plan.orders().size(), "acted on " + acted.get());
                }
            }
        }

        private void act(Planned order) {
            switch (order.path()) {
                case THREE_DS_COMPLETED, THREE_DS_FAILED -> {
                    boolean succeed = order.path() == Path.THREE_DS_COMPLETED;
                    JsonNode intent = console(order, "/_sim/payment_intents/" + intentId(order) + "/authenticate?outcome="
                            + (succeed ? "succeed" : "fail"));
                    checks.that(order.path(), intent.path("status").asText().equals(succeed ? "requires_capture"
                            : "requires_payment_method"), order.orderId() + " authenticated: " + intent.path("status"));
                    String type = succeed ? "payment_intent.amount_capturable_updated" : "payment_intent.payment_failed";
                    deliverWebhooks(order, type);
                }
                case CANCELLED_AFTER_CONFIRMATION, HELD_THEN_CANCELLED -> expect(order, "cancel", cancel(order), 200);
                case PARTIAL_REFUNDS, FULL_REFUND -> refunds(order);
                case DASHBOARD_REFUND -> {
                    long amount = order.refunds().getFirst();
                    JsonNode refund = console(order, "/_sim/payment_intents/" + intentId(order) + "/refund?amount=" + amount);
                    checks.that(order.path(), refund.path("amount").asLong() == amount, order.orderId() + " dashboard refund");
                    refunded.computeIfAbsent(order.orderId(), k -> Collections.synchronizedList(new ArrayList<>())).add(amount);
                    deliverWebhooks(order, "charge.refunded");
                }
                case FULFILLED_CAPTURED_ON_AUTHORIZATION -> {
                    expect(order, "fulfil", fulfil(order), 200);
                    refunds(order);
                }
                case FULFILLED_CAPTURED_ON_FULFILMENT -> expect(order, "fulfil", fulfil(order), 202);
                case FULFILMENT_RACING_CANCEL -> fulfilmentRacingCancel(order);
                default -> {
                    // APPROVED, DECLINED, SCARCE_STOCK, CANCELLED_IN_FLIGHT: done; THREE_DS_ABANDONED, HELD_THEN_EXPIRED: the clock
                }
            }
        }

        /** Refunds of orders captured at their fulfilment, once the capture is done (the previous phase drained). */
        void refundAllShipped(List<Planned> orders) {
            orders.stream().filter(order -> order.path() == Path.FULFILLED_CAPTURED_ON_FULFILMENT).forEach(this::refunds);
        }

        /** The plan's admin refunds: one after the other, or two at once; a completed key sent again answers the same. */
        private void refunds(Planned order) {
            List<Long> amounts = order.refunds();
            if (amounts.isEmpty()) {
                return;
            }
            List<APIGatewayV2HTTPResponse> answers;
            if (order.together() && amounts.size() == 2) {
                answers = atOnce(() -> refund(order, 0), () -> refund(order, 1));
                races.computeIfAbsent("two refunds at once", k -> new AtomicInteger()).incrementAndGet();
            } else {
                answers = new ArrayList<>();
                for (int i = 0; i < amounts.size(); i++) {
                    answers.add(refund(order, i));
                }
            }
            for (int i = 0; i < answers.size(); i++) {
                if (expect(order, "refund " + i, answers.get(i), 201)) {
                    refunded.computeIfAbsent(order.orderId(), k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(amounts.get(i));
                }
            }
            if (order.again() && answers.getFirst().getStatusCode() == 201) {
                APIGatewayV2HTTPResponse repeat = refund(order, 0);
                if (expect(order, "refund key repeated", repeat, 201)) {
                    checks.that(order.path(), Pipeline.json(repeat).path("refund").path("refundId")
                                    .equals(Pipeline.json(answers.getFirst()).path("refund").path("refundId")),
                            order.orderId() + " a repeated key answers the same refund");
                }
            }
            if (order.path() == Path.FULL_REFUND) {
                APIGatewayV2HTTPResponse over = retrying(() -> pipeline.admin.handleRequest(Pipeline.refundOrder(ADMIN_SCOPES,
                        order.orderId(), order.idempotencyKey() + "-over", Pipeline.refundBody(1, "one cent more")), null));
                expect(order, "refund beyond the capture", over, 422);
            }
        }

        private APIGatewayV2HTTPResponse refund(Planned order, int i) {
            return retrying(() -> pipeline.admin.handleRequest(Pipeline.refundOrder(ADMIN_SCOPES, order.orderId(),
                    order.idempotencyKey() + "-refund-" + i, Pipeline.refundBody(order.refunds().get(i), "soak refund " + i)), null));
        }

        private APIGatewayV2HTTPResponse fulfil(Planned order) {
            return retrying(() -> pipeline.admin.handleRequest(Pipeline.fulfilOrder(ADMIN_SCOPES, order.orderId(),
                    "{\"trackingNumber\":\"TRACK-" + order.index() + "\"}"), null));
        }

        private APIGatewayV2HTTPResponse cancel(Planned order) {
            return retrying(() -> pipeline.checkout.handleRequest(Pipeline.cancelOrder(customer(order), order.orderId(), null), null));
        }

        /** The warehouse's fulfilment and the customer's cancel, released at the same moment: exactly one wins. */
        private void fulfilmentRacingCancel(Planned order) {
            List<APIGatewayV2HTTPResponse> answers = atOnce(() -> fulfil(order), () -> cancel(order));
            int fulfilled = answers.getFirst().getStatusCode();
            int cancelled = answers.getLast().getStatusCode();
            boolean fulfilWon = fulfilled == 200 || fulfilled == 202;
            checks.that(order.path(), fulfilWon ^ cancelled == 200,
                    order.orderId() + " exactly one of fulfil (" + fulfilled + ") and cancel (" + cancelled + ") wins");
            checks.that(order.path(), fulfilWon ? cancelled == 409 : fulfilled == 409,
                    order.orderId() + " the loser answers 409: fulfil " + fulfilled + ", cancel " + cancelled);
            races.computeIfAbsent(fulfilWon ? "fulfil won over cancel" : "cancel won over fulfil", k -> new AtomicInteger())
                    .incrementAndGet();
        }

        // ------------------------------------------------------------------------------------------ phase 3

        /** Stripe's events about the abandoned 3-D Secure orders, sent after they expired: they change nothing. */
        void deliverLateEvents() {
            plan.orders().stream().filter(order -> order.path() == Path.THREE_DS_ABANDONED)
                    .forEach(order -> deliverWebhooks(order, "payment_intent.canceled"));
        }

        // ------------------------------------------------------------------------------------------ the checks

        /**
         * The order's money as Stripe (the simulator) holds it: at most one PaymentIntent, no hold left open, captured
         * at most once and voided at most once, refunds within the capture, and what Stripe kept equal to what the
         * order's books say. Returns what the shop keeps of this order by its books.
         */
        long checkMoney(Planned p, Order order) {
            Path path = p.path();
            List<JsonNode> intents = stripe.paymentIntentsOfOrder(p.orderId());
            checks.that(path, intents.size() <= 1, p.orderId() + " PaymentIntents " + intents.size());
            Map<String, Integer> operations = pipeline.paymentOperations(p.orderId());
            JsonNode intent = intents.isEmpty() ? null : intents.getFirst();
            String status = intent == null ? "none" : intent.path("status").asText();
            checks.that(path, Set.of("none", "succeeded", "canceled", "requires_payment_method").contains(status),
                    p.orderId() + " " + order.status() + ": no hold left open or waiting, intent " + status);
            long received = status.equals("succeeded") ? intent.path("amount_received").asLong() : 0;
            long back = intent == null ? 0 : stripe.refundsOf(intent.path("id").asText()).stream()
                    .mapToLong(r -> r.path("amount").asLong()).sum();
            checks.that(path, operations.getOrDefault("capture", 0) == (received > 0 ? 1 : 0),
                    p.orderId() + " captured once if at all: " + operations);
            checks.that(path, wiring.charges.captureIds(p.orderId()).size() == (received > 0 ? 1 : 0),
                    p.orderId() + " one capture id: " + wiring.charges.captureIds(p.orderId()));
            checks.that(path, operations.getOrDefault("void", 0) == (status.equals("canceled") ? 1 : 0),
                    p.orderId() + " voided once if canceled: " + operations + " " + status);
            checks.that(path, back <= received, p.orderId() + " refunds " + back + " <= capture " + received);
            long booked = 0;
            switch (order.status()) {
                case CONFIRMED, FULFILLED -> {
                    booked = order.total().amount() - order.refundedTotal().amount();
                    checks.that(path, received == order.total().amount(), p.orderId() + " captured its total: " + received);
                    checks.that(path, back == order.refundedTotal().amount(),
                            p.orderId() + " Stripe refunded " + back + ", the order " + order.refundedTotal());
                    List<Long> asked = refunded.getOrDefault(p.orderId(), List.of());
                    checks.that(path, order.refundedTotal().amount() == asked.stream().mapToLong(Long::longValue).sum(),
                            p.orderId() + " refunded " + order.refundedTotal() + ", the clients' refunds " + asked);
                    checks.that(path, order.refunds().stream().filter(RefundRecord::isCompleted).count() == asked.size(),
                            p.orderId() + " one refund record per refund: " + order.refunds());
                }
                case CANCELLED -> {
                    Cancellation cancellation = order.findCancellation().orElseThrow();
                    checks.that(path, received == back, p.orderId() + " cancelled: Stripe keeps nothing ("
                            + received + " - " + back + ")");
                    checks.that(path, received == 0 || cancellation.settlement() == Cancellation.Settlement.REFUNDED,
                            p.orderId() + " settlement " + cancellation.settlement() + " after a capture of " + received);
                    // nothing was reserved yet for an order cancelled while PENDING: no stock to return
                    checks.that(path, cancellation.stockReturned() || cancellation.from() == OrderStatus.PENDING,
                            p.orderId() + " stock returned, cancelled from " + cancellation.from());
                    if (path == Path.CANCELLED_IN_FLIGHT) {
                        inFlightCancelsFrom.add(cancellation.from());
                        // where the cancel overtook the pipeline: before the authorization, or settled from Stripe's record
                        races.computeIfAbsent("cancel in flight from " + cancellation.from() + (intent == null ? ""
                                : ", Stripe " + (received > 0 ? "captured: refunded" : "authorized: voided")),
                                k -> new AtomicInteger()).incrementAndGet();
                    }
                }
                default -> checks.that(path, received == 0, p.orderId() + " " + order.status() + " captured " + received);
            }
            return booked;
        }

        /**
         * Exactly one e-mail of the right type per customer-visible event, by the order's own history; one more only
         * where the e-mail function died after SES accepted one (the documented duplicate). Returns 1 for such an order.
         */
        int checkEmails(Planned p, Order order, List<CapturedEmail> mail) {
            Map<EmailType, Integer> got = new EnumMap<>(EmailType.class);
            for (CapturedEmail email : mail) {
                EmailType type = java.util.Arrays.stream(EmailType.values())
                        .filter(t -> email.subject().startsWith(t.subject() + " (")).findFirst().orElse(null);
                checks.that(p.path(), type != null, p.orderId() + " e-mail of no known type: " + email.subject());
                if (type != null) {
                    got.merge(type, 1, Integer::sum);
                }
                checks.that(p.path(), email.recipients().equals(List.of(customer(p) + "@example.com")),
                        p.orderId() + " mailed to its customer only");
            }
            Set<OrderStatus> seen = order.history().stream().map(StatusChange::status)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(OrderStatus.class)));
            boolean held = order.capture() == CapturePolicy.ON_FULFILMENT && seen.contains(OrderStatus.AUTHORIZED);
            Map<EmailType, int[]> expected = new EnumMap<>(EmailType.class);
            // the confirmation: sent once an order is confirmed, or held for its fulfilment; a cancel or an expiry that
            // overtook it may have stopped it (the e-mail step skips a cancelled or expired order's confirmation) or not
            boolean overtaken = order.status() == OrderStatus.CANCELLED || order.status() == OrderStatus.EXPIRED;
            expected.put(EmailType.ORDER_CONFIRMED, seen.contains(OrderStatus.CONFIRMED) ? new int[] {1, 1}
                    : overtaken && (held || seen.contains(OrderStatus.PAID)) ? new int[] {0, 1}
                    : held ? new int[] {1, 1} : new int[] {0, 0});
            expected.put(EmailType.ORDER_REJECTED, once(order.status() == OrderStatus.REJECTED));
            expected.put(EmailType.PAYMENT_FAILED, once(order.status() == OrderStatus.PAYMENT_FAILED));
            expected.put(EmailType.ORDER_CANCELLED, once(order.status() == OrderStatus.CANCELLED));
            expected.put(EmailType.ORDER_EXPIRED, once(order.status() == OrderStatus.EXPIRED));
            expected.put(EmailType.ORDER_SHIPPED, once(order.status() == OrderStatus.FULFILLED));
            int refunds = (int) order.refunds().stream().filter(RefundRecord::isCompleted).count();
            expected.put(EmailType.ORDER_REFUNDED, new int[] {refunds, refunds});
            boolean window = wiring.faults.firedFor(FaultPoint.EMAIL_CRASH_AFTER_SES_ACCEPTED, p.orderId());
            int extra = 0;
            for (EmailType type : EmailType.values()) {
                int n = got.getOrDefault(type, 0);
                int[] range = expected.get(type);
                checks.that(p.path(), n >= range[0], p.orderId() + " " + order.status() + " " + seen + ": " + type
                        + " sent " + n + ", expected at least " + range[0] + "; got " + got);
                extra += Math.max(0, n - range[1]);
            }
            checks.that(p.path(), extra <= (window ? 1 : 0), p.orderId() + " " + order.status() + " " + seen
                    + ": e-mails beyond one per event " + extra + " (documented window " + window + "); got " + got);
            return window && extra == 1 ? 1 : 0;
        }

        private static int[] once(boolean event) {
            return event ? new int[] {1, 1} : new int[] {0, 0};
        }

        /** Every PaymentIntent the simulator holds (it is this soak's own). */
        List<JsonNode> allIntents() {
            List<JsonNode> all = new ArrayList<>();
            for (String status : List.of("requires_payment_method", "requires_confirmation", "requires_action",
                    "processing", "requires_capture", "canceled", "succeeded")) {
                all.addAll(stripe.paymentIntentsIn(status));
            }
            return all;
        }

        // ------------------------------------------------------------------------------------------ helpers

        /** Stripe's waiting webhooks about the order, delivered (all answered 2xx); the one of {@code type} twice if planned. */
        private void deliverWebhooks(Planned order, String type) {
            List<StripeSimulator.Delivery> deliveries = stripe.deliverWebhooks(order.orderId());
            checks.that(order.path(), deliveries.stream().anyMatch(d -> d.type().equals(type)),
                    order.orderId() + " Stripe sent " + type + ": " + deliveries.stream().map(StripeSimulator.Delivery::type).toList());
            deliveries.forEach(d -> checks.that(order.path(), d.delivered(), order.orderId() + " webhook " + d));
            if (order.again()) {
                deliveries.stream().filter(d -> d.type().equals(type)).findFirst().ifPresent(d -> {
                    checks.that(order.path(), stripe.resendWebhook(d.eventId()).delivered(), order.orderId() + " resent " + type);
                    races.computeIfAbsent("webhook delivered twice", k -> new AtomicInteger()).incrementAndGet();
                });
            }
        }

        /** The order's one PaymentIntent at the simulator. */
        private String intentId(Planned order) {
            List<JsonNode> intents = stripe.paymentIntentsOfOrder(order.orderId());
            if (intents.size() != 1) {
                throw new AssertionError(order.orderId() + " has " + intents.size() + " PaymentIntents");
            }
            return intents.getFirst().path("id").asText();
        }

        /** A console action at the simulator's HTTP endpoint ({@code POST /_sim/...}), as the customer or an admin. */
        private JsonNode console(Planned order, String pathAndQuery) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stripe.baseUrl() + pathAndQuery))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                checks.that(order.path(), response.statusCode() == 200, order.orderId() + " " + pathAndQuery + " -> "
                        + response.statusCode() + " " + response.body());
                return Pipeline.JSON.readTree(response.body());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private static void sleep(Duration duration) {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Checks an answer's status; true when it was the one expected. */
        private boolean expect(Planned order, String what, APIGatewayV2HTTPResponse response, int status) {
            boolean ok = response.getStatusCode() == status;
            checks.that(order.path(), ok, order.orderId() + " " + order.path() + " " + what + ": expected " + status
                    + ", got " + response.getStatusCode() + " " + response.getBody());
            return ok;
        }

        /** A client that retries a 5xx or a request that died without an answer, the same request each time. */
        private static APIGatewayV2HTTPResponse retrying(Supplier<APIGatewayV2HTTPResponse> request) {
            APIGatewayV2HTTPResponse last = null;
            for (int attempt = 1; attempt <= 20; attempt++) {
                try {
                    last = request.get();
                    if (last.getStatusCode() < 500) {
                        return last;
                    }
                } catch (SimulatedCrash crash) {
                    // no answer: try again
                }
            }
            if (last == null) {
                throw new AssertionError("no answer in 20 attempts");
            }
            return last;
        }

        /** Two requests released at the same moment from two threads; their answers in order. */
        private static List<APIGatewayV2HTTPResponse> atOnce(Supplier<APIGatewayV2HTTPResponse> first,
                                                             Supplier<APIGatewayV2HTTPResponse> second) {
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch go = new CountDownLatch(1);
                Future<APIGatewayV2HTTPResponse> a = two.submit(() -> {
                    go.await();
                    return first.get();
                });
                Future<APIGatewayV2HTTPResponse> b = two.submit(() -> {
                    go.await();
                    return second.get();
                });
                go.countDown();
                return List.of(a.get(), b.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } finally {
                two.shutdownNow();
            }
        }
    }

    /**
     * The e-mail clock of a soak with four concurrent e-mail invocations: the jump a crashed sender's redelivery needs
     * (past the claim's lease) is made only when no e-mail invocation is running, new ones waiting for it, so that no
     * live sender's claim is ever taken over (in production the lease outlasts the function's timeout).
     */
    private static final class EmailClockGate {

        private final MutableClock clock;
        private final Duration jump;
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private final java.util.concurrent.locks.Condition idle = lock.newCondition();
        private int running;
        private int pending;

        EmailClockGate(MutableClock clock, Duration jump) {
            this.clock = clock;
            this.jump = jump;
        }

        /** A crash or SES's refusal left an e-mail claim taken: the next e-mail invocation starts once the clock jumped. */
        void failed(FaultPoint point) {
            if (point == FaultPoint.EMAIL_CRASH_BEFORE_SES || point == FaultPoint.EMAIL_CRASH_AFTER_SES_ACCEPTED
                    || point == FaultPoint.SES_ERROR) {
                lock.lock();
                try {
                    pending++;
                } finally {
                    lock.unlock();
                }
            }
        }

        <T, R> java.util.function.Function<T, R> around(java.util.function.Function<T, R> handler) {
            return event -> {
                lock.lock();
                try {
                    while (pending > 0 && running > 0) {
                        idle.awaitUninterruptibly();
                    }
                    if (pending > 0) {
                        clock.advance(jump.multipliedBy(pending));
                        pending = 0;
                    }
                    running++;
                } finally {
                    lock.unlock();
                }
                try {
                    return handler.apply(event);
                } finally {
                    lock.lock();
                    try {
                        running--;
                        idle.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            };
        }
    }

    /** Invariant checks, counted per path (null: the totals), the broken ones kept to be reported together. */
    private static final class Checks {

        private final Map<String, AtomicInteger> counted = new ConcurrentHashMap<>();
        private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger total = new AtomicInteger();

        void that(Path path, boolean holds, String what) {
            counted.computeIfAbsent(path == null ? "(totals)" : path.name(), k -> new AtomicInteger()).incrementAndGet();
            total.incrementAndGet();
            if (!holds) {
                problems.add(what);
            }
        }

        int of(String path) {
            AtomicInteger n = counted.get(path);
            return n == null ? 0 : n.get();
        }

        int total() {
            return total.get();
        }

        List<String> problems() {
            synchronized (problems) {
                return List.copyOf(problems.subList(0, Math.min(problems.size(), 100)));
            }
        }
    }

    private interface Client {
        void run(int client) throws Exception;
    }

    /** Runs {@link #CLIENTS} clients at once, each on its own thread; fails if one failed. */
    private static void clients(Client client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS, work -> new Thread(work, "client"));
        try {
            List<Future<Object>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                running.add(pool.submit(() -> {
                    client.run(id);
                    return null;
                }));
            }
            for (Future<Object> future : running) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A line with the time in {@code target/soak-N.progress}, written as the soak goes (the test's own output is kept
     * until it ends): how far a long soak got.
     */
    private static void progress(int count, String line) {
        try {
            java.nio.file.Files.writeString(Root.path("infrastructure", "system-tests", "target", "soak-" + count + ".progress"),
                    java.time.Instant.now() + " " + line + System.lineSeparator(), java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Duration since(long nanos) {
        return Duration.ofMillis((System.nanoTime() - nanos) / 1_000_000);
    }

    /** Per path: orders, how they ended, faults fired for them, writes that lost on the version, checks made. */
    private static String pathTable(SoakPlan plan, Map<Path, Map<OrderStatus, Integer>> endings, Faults faults,
                                    Map<Path, AtomicInteger> stale, Map<String, AtomicInteger> races, Checks checks) {
        Map<Path, Integer> orders = new EnumMap<>(Path.class);
        Map<Path, Integer> fired = new EnumMap<>(Path.class);
        for (Planned order : plan.orders()) {
            orders.merge(order.path(), 1, Integer::sum);
            fired.merge(order.path(), faults.countFor(order.orderId()), Integer::sum);
        }
        StringBuilder out = new StringBuilder(String.format("soak: %-37s %6s %7s %6s %7s  %s%n", "path", "orders", "faults",
                "stale", "checks", "endings"));
        for (Path path : Path.values()) {
            out.append(String.format("soak:   %-35s %6d %7d %6d %7d  %s%n", path, orders.getOrDefault(path, 0),
                    fired.getOrDefault(path, 0), stale.containsKey(path) ? stale.get(path).get() : 0, checks.of(path.name()),
                    endings.getOrDefault(path, Map.of())));
        }
        out.append(String.format("soak:   %-35s %6s %7s %6s %7d%n", "(totals: money, stock, DLQs, logs)", "", "", "",
                checks.of("(totals)")));
        new TreeMap<>(races).forEach((race, n) -> out.append(String.format("soak:   race: %-50s %6d%n", race, n.get())));
        return out.toString().stripTrailing();
    }

    private static String faultTable(Map<FaultPoint, Integer> faults, Map<String, AtomicInteger> races, int checks) {
        StringBuilder out = new StringBuilder("soak: fault / race                          times\n");
        for (FaultPoint point : FaultPoint.values()) {
            out.append(String.format("soak:   %-40s %6d%s%n", point, faults.getOrDefault(point, 0),
                    NOT_INJECTED.contains(point) ? "  (not injected: PaymentRefusalIT)" : ""));
        }
        new TreeMap<>(races).forEach((race, n) -> out.append(String.format("soak:   %-40s %6d%n", race, n.get())));
        out.append(String.format("soak:   %-40s %6d", "invariants checked", checks));
        return out.toString();
    }

    private static Map<String, List<CapturedEmail>> mailByOrder(AwsEnvironment aws, Set<String> addresses) {
        Pattern orderId = Pattern.compile("ord_[0-9a-f-]{36}");
        Map<String, List<CapturedEmail>> byOrder = new HashMap<>();
        for (CapturedEmail email : aws.mailbox().messages()) {
            if (email.recipients().stream().noneMatch(addresses::contains)) {
                continue;
            }
            Matcher m = orderId.matcher(email.subject());
            if (m.find()) {
                byOrder.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(email);
            }
        }
        return byOrder;
    }

    private static boolean parses(String body) {
        try {
            StepMessageCodec.read(body);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A digit run ({@link #DIGIT_RUN}) of 13 to 19 digits that passes the Luhn check, or a longer one with such a window. */
    static boolean luhnValidRun(String line) {
        Matcher m = DIGIT_RUN.matcher(line);
        while (m.find()) {
            String digits = m.group().replaceAll("[ -]", "");
            if (digits.length() <= 19) {
                if (luhn(digits)) {
                    return true;
                }
                continue;
            }
            for (int length = 13; length <= 19; length++) {
                for (int start = 0; start + length <= digits.length(); start++) {
                    if (luhn(digits.substring(start, start + length))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}
