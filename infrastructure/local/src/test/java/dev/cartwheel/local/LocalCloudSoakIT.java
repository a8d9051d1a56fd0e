package dev.cartwheel.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The soak again, through the local cloud over HTTP: the real JWT authorizer and HTTP API, every function in its own
 * process from its jar, the SQS and stream event source mappings with batch item failures and redrive, and Stripe's
 * webhooks sent by the simulator to the webhook function over HTTP, signed. A plan drawn from the seed sends 300
 * orders ({@code -Dsoak.localOrders=}) down the paths the local cloud can drive without moving the functions'
 * clocks: approved, declined, 3-D Secure completed or failed at the simulator's {@code /_sim} endpoint, cancelled in
 * flight (at once, or once the table shows it RESERVED or PAID) or after its confirmation, refunded in part (two at
 * once) or in full, refunded at Stripe's dashboard, shipped. Four clients act at once; the simulator fails some of Stripe's answers ({@code /_sim/faults}),
 * so payment invocations fail and the event source mapping redelivers. Then the invariants the emulators show: every
 * order at its path's end, Stripe's own record (one intent, no hold left open, captured once, refunds within the
 * capture, what Stripe kept equal to the orders' books), stock conserved per SKU and none reserved, exactly the
 * e-mails of each order's events, empty DLQs, every webhook answered 2xx, and no personal data in any function's log.
 * Expiry and the capture on fulfilment need the clocks moved or another stack: the in-process {@code SoakIT} and
 * {@link CaptureOnFulfilmentIT} cover them. Only with {@code -Dgroups=soak}.
 */
@Tag("soak")
class LocalCloudSoakIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("cartwheel.root", "../..")).toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final int CLIENTS = 4;
    private static final String ADDRESS = "{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\","
            + "\"postalCode\":\"62701\",\"country\":\"US\"}";
    private static final Map<String, Long> PRICES = Map.of("LSOAK-1", 150L, "LSOAK-2", 275L, "LSOAK-3", 990L);
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern TOKEN = Pattern.compile("\\bpm_card_[A-Za-z]");

    /** The way an order goes through the soak (named so beside {@code java.nio.file.Path}), and where it ends. */
    enum Journey {
        APPROVED(20, "CONFIRMED"), DECLINED(8, "PAYMENT_FAILED"), THREE_DS_COMPLETED(10, "CONFIRMED"),
        THREE_DS_FAILED(4, "PAYMENT_FAILED"), CANCELLED_IN_FLIGHT(10, "CANCELLED"),
        CANCELLED_AFTER_CONFIRMATION(6, "CANCELLED"), PARTIAL_REFUNDS(10, "CONFIRMED"), FULL_REFUND(6, "CONFIRMED"),
        DASHBOARD_REFUND(8, "CONFIRMED"), FULFILLED(10, "FULFILLED");

        final int weight;
        final String ending;

        Journey(int weight, String ending) {
            this.weight = weight;
            this.ending = ending;
        }

        String resting() {
            return switch (this) {
                case DECLINED -> "PAYMENT_FAILED";
                case THREE_DS_COMPLETED, THREE_DS_FAILED -> "PAYMENT_PENDING";
                case CANCELLED_IN_FLIGHT -> "CANCELLED";
                default -> "CONFIRMED";
            };
        }
    }

    /**
     * One planned order: everything about it drawn from the seed and its number.
     *
     * @param cancelAt {@link Journey#CANCELLED_IN_FLIGHT}: the status its client waits for before cancelling (PENDING:
     *                 at once; RESERVED: waiting for the payment step; PAID: waiting for the e-mail step); else null
     */
    record Planned(int index, String key, int customer, Journey path, String token, Map<String, Integer> lines,
                   List<Long> refunds, boolean together, String cancelAt) {
    }

    @Test
    void aSoakOverHttp_everyOrderEndsWhereItsPathSays_andTheMoneyStockAndMailAddUp() throws Exception {
        int count = Integer.getInteger("soak.localOrders", 300);
        long seed = Long.getLong("soak.seed", 11);
        List<Planned> plan = plan(seed, count);
        System.out.printf("local soak: seed %d, %d orders (the same plan again: -Dsoak.seed=%d)%n", seed, count, seed);
        List<String> logs = new CopyOnWriteArrayList<>();
        long began = System.nanoTime();
        try (LocalCloud cloud = LocalCloud.start(LocalCloudConfig.defaults(ROOT.resolve("template.yaml")).withPort(0)
                .withPrewarm(false).withFastRetry(1).withFunctionLog(logs::add)
                // the soak's clients complete or fail each 3-D Secure themselves: the simulator's customers must not
                .withAsyncPaymentDelay(Duration.ZERO)
                .withParameterOverrides(Map.of("MaxOpenOrdersPerCustomer", "1000000")))) {
            Soak soak = new Soak(cloud, plan, logs, "lsoak" + seed + "-" + UUID.randomUUID().toString().substring(0, 6) + "-");
            // GIVEN stock for every order, and an API that refuses callers without a valid token
            Map<String, Long> initial = new TreeMap<>();
            PRICES.forEach((sku, price) -> {
                long units = 4L * count;
                soak.seedProduct(sku, price, units);
                initial.put(sku, units);
            });
            assertThat(soak.send(HttpRequest.newBuilder(soak.api("/orders")).GET()).statusCode()).as("no token").isEqualTo(401);
            assertThat(soak.send(HttpRequest.newBuilder(soak.api("/orders/ord_x/refunds")).header("Authorization",
                    "Bearer " + soak.customerToken(0)).header("Idempotency-Key", "k").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode()).as("a customer on an admin route")
                    .isEqualTo(403);

            // WHEN four clients place the orders (cancelling some in flight) while Stripe now and then fails
            clients(client -> {
                for (Planned order : share(plan, client)) {
                    soak.place(order);
                    if (order.index() % 25 == 7) {
                        soak.console("/_sim/faults?status=500&count=3");
                    }
                    if (order.path() == Journey.CANCELLED_IN_FLIGHT) {
                        soak.cancelInFlight(order);
                    }
                }
            });
            soak.awaitStatuses(order -> order.path().resting(), Duration.ofMinutes(10));
            // AND they act on them: 3-D Secure at the simulator, cancels, refunds, dashboard refunds, shipments
            clients(client -> share(plan, client).forEach(soak::act));
            soak.awaitStatuses(order -> order.path().ending, Duration.ofMinutes(10));
            soak.awaitQuiet(Duration.ofMinutes(5));

            // THEN
            Duration took = Duration.ofMillis((System.nanoTime() - began) / 1_000_000);
            Map<String, Long> sold = new HashMap<>();
            long booked = 0;
            Map<Journey, Integer> orders = new EnumMap<>(Journey.class);
            for (Planned p : plan) {
                orders.merge(p.path(), 1, Integer::sum);
                JsonNode order = soak.adminOrder(p);
                String status = order.path("status").asText();
                soak.check(p.path() + " " + soak.ids.get(p.index()) + " ends " + p.path().ending + ", is " + status,
                        status.equals(p.path().ending));
                booked += soak.checkMoney(p, order);
                soak.checkMail(p, order);
                if (status.equals("CONFIRMED") || status.equals("FULFILLED")) {
                    order.path("items").forEach(line -> sold.merge(line.path("sku").asText(), line.path("quantity").asLong(), Long::sum));
                }
            }
            long captured = 0;
            long refunded = 0;
            var stripe = cloud.paymentProvider().orElseThrow().simulator();
            Set<String> ours = Set.copyOf(soak.ids.values());
            for (String status : List.of("requires_payment_method", "requires_action", "requires_capture", "canceled", "succeeded")) {
                for (JsonNode intent : stripe.paymentIntentsIn(status)) {
                    if (!ours.contains(intent.path("metadata").path("order_id").asText())) {
                        continue;
                    }
                    long received = status.equals("succeeded") ? intent.path("amount_received").asLong() : 0;
                    long back = stripe.refundsOf(intent.path("id").asText()).stream().mapToLong(r -> r.path("amount").asLong()).sum();
                    soak.check(intent.path("id").asText() + " refunds " + back + " <= capture " + received, back <= received);
                    captured += received;
                    refunded += back;
                }
            }
            soak.check("Stripe kept " + (captured - refunded) + ", the orders' books " + booked, captured - refunded == booked);
            Map<String, long[]> stock = soak.stock();
            initial.forEach((sku, units) -> {
                long[] c = stock.get(sku);
                soak.check(sku + " conserved " + java.util.Arrays.toString(c), c[0] + c[1] + c[2] == units);
                soak.check(sku + " none reserved", c[1] == 0);
                soak.check(sku + " sold " + c[2] + ", bought " + sold.getOrDefault(sku, 0L), c[2] == sold.getOrDefault(sku, 0L));
            });
            for (JsonNode queue : cloud.queues()) {
                if (queue.path("deadLetterQueue").asBoolean()) {
                    soak.check(queue.path("logicalId").asText() + " empty: " + queue,
                            queue.path("visible").asInt() + queue.path("inFlight").asInt() == 0);
                }
            }
            Map<String, Boolean> delivered = new HashMap<>();
            cloud.paymentProvider().orElseThrow().deliveries().forEach(d -> {
                if (d.orderId() != null && ours.contains(d.orderId())) {
                    delivered.merge(d.eventId(), d.delivered(), Boolean::logicalOr);
                }
            });
            delivered.forEach((event, ok) -> soak.check("webhook " + event + " answered 2xx", ok));
            for (String line : logs) {
                soak.check("e-mail address in " + line, !EMAIL.matcher(line).find());
                soak.check("payment token in " + line, !TOKEN.matcher(line).find());
                soak.check("shipping address in " + line, !line.contains("Lovelace") && !line.contains("12 Main Street"));
            }
            Files.write(Path.of("target/local-cloud-soak-it.log"), logs);
            System.out.printf("local soak: %d orders in %s; by path %s; Stripe captured %d, refunded %d; webhooks %d;"
                            + " Stripe faults injected %d; races %s; %d function log lines; invariants checked %d%n",
                    count, took, orders, captured, refunded, delivered.size(), soak.stripeFaults.get(), new TreeMap<>(soak.races),
                    logs.size(), soak.checks.get());
            assertThat(soak.problems).as("invariants broken (of %d checks)", soak.checks.get()).isEmpty();
            assertThat(soak.stripeFaults.get()).as("Stripe faults injected").isPositive();
            assertThat(logs).as("the functions logged").hasSizeGreaterThan(count);
        }
    }

    // -------------------------------------------------------------------------------------------------- the plan

    static List<Planned> plan(long seed, int count) {
        int total = java.util.Arrays.stream(Journey.values()).mapToInt(p -> p.weight).sum();
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + (i + 2) * 0xBF58476D1CE4E5B9L);
            Journey path = i < Journey.values().length ? Journey.values()[i] : null;
            int draw = r.nextInt(total);
            for (Journey candidate : Journey.values()) {
                if (path == null && (draw -= candidate.weight) < 0) {
                    path = candidate;
                }
            }
            String token = switch (path) {
                case DECLINED -> r.nextBoolean() ? "pm_card_chargeDeclined" : "pm_card_chargeDeclinedInsufficientFunds";
                case THREE_DS_COMPLETED, THREE_DS_FAILED -> "pm_card_authenticationRequired";
                default -> r.nextBoolean() ? "pm_card_visa" : "pm_card_mastercard";
            };
            Map<String, Integer> lines = new TreeMap<>();
            List<String> skus = new ArrayList<>(new TreeMap<>(PRICES).keySet());
            for (int l = 1 + r.nextInt(2); l > 0; l--) {
                lines.put(skus.remove(r.nextInt(skus.size())), 1 + r.nextInt(3));
            }
            long orderTotal = lines.entrySet().stream().mapToLong(e -> PRICES.get(e.getKey()) * e.getValue()).sum();
            List<Long> refunds = switch (path) {
                case PARTIAL_REFUNDS -> List.of(1 + r.nextLong(orderTotal / 3), 1 + r.nextLong(orderTotal / 3));
                case FULL_REFUND -> List.of(orderTotal);
                case DASHBOARD_REFUND -> List.of(1 + r.nextLong(orderTotal));
                default -> List.of();
            };
            plan.add(new Planned(i, "lsoak-" + seed + "-" + i, r.nextInt(8), path, token, lines, refunds, r.nextBoolean(),
                    path == Journey.CANCELLED_IN_FLIGHT ? List.of("PENDING", "RESERVED", "PAID").get(r.nextInt(3)) : null));
        }
        return plan;
    }

    private static List<Planned> share(List<Planned> plan, int client) {
        return plan.stream().filter(order -> order.index() % CLIENTS == client).toList();
    }

    private interface Client {
        void run(int client) throws Exception;
    }

    private static void clients(Client client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
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

    // -------------------------------------------------------------------------------------------------- the clients

    private static final class Soak {

        final LocalCloud cloud;
        final List<Planned> plan;
        final List<String> logs;
        final String customers;
        final String admin;
        final Map<Integer, String> ids = new ConcurrentHashMap<>();
        final Map<Integer, List<Long>> refunded = new ConcurrentHashMap<>();
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger checks = new AtomicInteger();
        final AtomicInteger stripeFaults = new AtomicInteger();
        final Map<String, Integer> races = new ConcurrentHashMap<>();

        Soak(LocalCloud cloud, List<Planned> plan, List<String> logs, String customers) {
            this.cloud = cloud;
            this.logs = logs;
            this.plan = plan;
            this.customers = customers;
            this.admin = cloud.adminToken("soak-admin", "soak-admin@example.com", "orders/read orders/admin");
        }

        void check(String what, boolean holds) {
            checks.incrementAndGet();
            if (!holds && problems.size() < 100) {
                problems.add(what);
            }
        }

        String customerToken(int customer) {
            return cloud.token(customers + customer, customers + customer + "@example.com", "orders/read orders/write");
        }

        URI api(String path) {
            return cloud.apiUrl().resolve(path);
        }

        /** Sends a request; a 429 (the route throttles) or a 5xx is sent again, as a careful client does. */
        HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            HttpResponse<String> response = null;
            for (int attempt = 1; attempt <= 30; attempt++) {
                response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 429 && response.statusCode() < 500) {
                    return response;
                }
                Thread.sleep(100L * attempt);
            }
            return response;
        }

        void seedProduct(String sku, long price, long units) {
            cloud.dynamoDb().putItem(b -> b.tableName(cloud.provisioned().tableName("ProductsTable")).item(Map.of(
                    "sku", AttributeValue.fromS(sku), "name", AttributeValue.fromS("Soak item " + sku),
                    "priceAmount", AttributeValue.fromN(Long.toString(price)), "currency", AttributeValue.fromS("USD"),
                    "available", AttributeValue.fromN(Long.toString(units)),
                    "reserved", AttributeValue.fromN("0"), "sold", AttributeValue.fromN("0"))));
        }

        Map<String, long[]> stock() {
            Map<String, long[]> stock = new TreeMap<>();
            cloud.dynamoDb().scanPaginator(b -> b.tableName(cloud.provisioned().tableName("ProductsTable")).consistentRead(true))
                    .items().stream().filter(item -> item.containsKey("available"))
                    .forEach(item -> stock.put(item.get("sku").s(), new long[] {Long.parseLong(item.get("available").n()),
                            Long.parseLong(item.get("reserved").n()), Long.parseLong(item.get("sold").n())}));
            return stock;
        }

        void place(Planned order) throws Exception {
            StringBuilder items = new StringBuilder();
            order.lines().forEach((sku, quantity) -> items.append(items.isEmpty() ? "" : ",")
                    .append("{\"sku\":\"").append(sku).append("\",\"quantity\":").append(quantity).append('}'));
            HttpResponse<String> placed = send(HttpRequest.newBuilder(api("/orders"))
                    .header("Authorization", "Bearer " + customerToken(order.customer()))
                    .header("Content-Type", "application/json").header("Idempotency-Key", order.key())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"items\":[" + items + "],\"paymentToken\":\"" + order.token()
                            + "\",\"shippingAddress\":" + ADDRESS + ",\"shippingMethod\":\"standard\"}")));
            if (expect(order, "place", placed, 202)) {
                ids.put(order.index(), JSON.readTree(placed.body()).path("orderId").asText());
            }
        }

        void act(Planned order) {
            try {
                String id = ids.get(order.index());
                if (id == null) {
                    return;
                }
                switch (order.path()) {
                    case THREE_DS_COMPLETED, THREE_DS_FAILED -> console("/_sim/payment_intents/" + intent(id).path("id").asText()
                            + "/authenticate?outcome=" + (order.path() == Journey.THREE_DS_COMPLETED ? "succeed" : "fail"));
                    case CANCELLED_AFTER_CONFIRMATION -> expect(order, "cancel", cancel(order), 200);
                    case PARTIAL_REFUNDS, FULL_REFUND -> {
                        List<HttpResponse<String>> answers = new ArrayList<>();
                        if (order.together() && order.refunds().size() == 2) {
                            answers.addAll(atOnce(() -> refund(order, 0), () -> refund(order, 1)));
                            races.merge("two refunds at once", 1, Integer::sum);
                        } else {
                            for (int i = 0; i < order.refunds().size(); i++) {
                                answers.add(refund(order, i));
                            }
                        }
                        for (int i = 0; i < answers.size(); i++) {
                            if (expect(order, "refund " + i, answers.get(i), 201)) {
                                refunded.computeIfAbsent(order.index(), k -> Collections.synchronizedList(new ArrayList<>()))
                                        .add(order.refunds().get(i));
                            }
                        }
                    }
                    case DASHBOARD_REFUND -> {
                        console("/_sim/payment_intents/" + intent(id).path("id").asText() + "/refund?amount="
                                + order.refunds().getFirst());
                        refunded.computeIfAbsent(order.index(), k -> Collections.synchronizedList(new ArrayList<>()))
                                .add(order.refunds().getFirst());
                    }
                    case FULFILLED -> expect(order, "fulfil", send(HttpRequest.newBuilder(api("/orders/" + id + "/fulfilment"))
                            .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"trackingNumber\":\"TRACK-" + order.index() + "\"}"))), 200);
                    default -> {
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Cancels an order once it reached the status its plan says, read from the table every 2 ms (the pipeline
         * takes a few hundred milliseconds from placing to confirming), or where it is if it passed that status or
         * has not moved for 10 s. Records the status the cancellation met.
         */
        void cancelInFlight(Planned order) throws Exception {
            String id = ids.get(order.index());
            if (id == null) {
                return;
            }
            List<String> before = switch (order.cancelAt()) {
                case "PENDING" -> List.of();
                case "RESERVED" -> List.of("PENDING");
                default -> List.of("PENDING", "RESERVED", "PAYMENT_PENDING", "AUTHORIZED");
            };
            String status = "PENDING";
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (before.contains(status) && System.nanoTime() < deadline) {
                Thread.sleep(2);
                Map<String, AttributeValue> item = cloud.dynamoDb().getItem(b -> b.tableName(
                        cloud.provisioned().tableName("OrdersTable")).key(Map.of("orderId", AttributeValue.fromS(id)))
                        .consistentRead(true)).item();
                status = item.containsKey("status") ? item.get("status").s() : status;
            }
            expect(order, "cancel", cancel(order), 200);
            races.merge("cancel in flight planned at " + order.cancelAt() + ", sent when seen " + status, 1, Integer::sum);
        }

        HttpResponse<String> cancel(Planned order) throws Exception {
            return send(HttpRequest.newBuilder(api("/orders/" + ids.get(order.index()) + "/cancel"))
                    .header("Authorization", "Bearer " + customerToken(order.customer()))
                    .POST(HttpRequest.BodyPublishers.noBody()));
        }

        HttpResponse<String> refund(Planned order, int i) {
            try {
                return send(HttpRequest.newBuilder(api("/orders/" + ids.get(order.index()) + "/refunds"))
                        .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                        .header("Idempotency-Key", order.key() + "-refund-" + i)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":{\"amount\":" + order.refunds().get(i)
                                + ",\"currency\":\"USD\"},\"reason\":\"soak refund\"}")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** The simulator's console action over HTTP ({@code POST /_sim/...}). */
        void console(String pathAndQuery) throws Exception {
            var stripe = cloud.paymentProvider().orElseThrow().simulator();
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stripe.baseUrl() + pathAndQuery))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            check(pathAndQuery + " -> " + response.statusCode() + " " + response.body(), response.statusCode() == 200);
            if (pathAndQuery.startsWith("/_sim/faults")) {
                stripeFaults.incrementAndGet();
            }
        }

        JsonNode intent(String orderId) {
            List<JsonNode> intents = cloud.paymentProvider().orElseThrow().simulator().paymentIntentsOfOrder(orderId);
            if (intents.size() != 1) {
                throw new AssertionError(orderId + " has " + intents.size() + " PaymentIntents");
            }
            return intents.getFirst();
        }

        JsonNode adminOrder(Planned order) throws Exception {
            HttpResponse<String> response = send(HttpRequest.newBuilder(api("/orders/" + ids.get(order.index())))
                    .header("Authorization", "Bearer " + admin).GET());
            check(order.path() + " GET as admin " + response.statusCode(), response.statusCode() == 200);
            return JSON.readTree(response.body());
        }

        boolean expect(Planned order, String what, HttpResponse<String> response, int status) {
            boolean ok = response.statusCode() == status;
            check(order.path() + " " + order.key() + " " + what + ": expected " + status + ", got " + response.statusCode()
                    + " " + response.body(), ok);
            return ok;
        }

        /** Waits until every order's status (read from the table) is the one {@code wanted} names for its path. */
        void awaitStatuses(java.util.function.Function<Planned, String> wanted, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> waiting = List.of();
            while (System.nanoTime() < deadline) {
                Map<String, String> statuses = new HashMap<>();
                cloud.dynamoDb().scanPaginator(b -> b.tableName(cloud.provisioned().tableName("OrdersTable")).consistentRead(true))
                        .items().forEach(item -> statuses.put(item.get("orderId").s(), item.get("status").s()));
                waiting = plan.stream().filter(order -> ids.containsKey(order.index())
                                && !wanted.apply(order).equals(statuses.get(ids.get(order.index()))))
                        .map(order -> ids.get(order.index()) + " " + order.path() + " " + statuses.get(ids.get(order.index())))
                        .toList();
                if (waiting.isEmpty()) {
                    return;
                }
                Thread.sleep(500);
            }
            StringBuilder why = new StringBuilder();
            waiting.stream().limit(5).forEach(line -> why.append('\n').append(diagnosis(line.substring(0, line.indexOf(' ')))));
            throw new AssertionError(waiting.size() + " orders not where their path goes in " + timeout + ": "
                    + waiting.subList(0, Math.min(20, waiting.size())) + why);
        }

        /** What the emulators show of one order: its PaymentIntents, its webhooks' deliveries, its log lines. */
        String diagnosis(String orderId) {
            StringBuilder out = new StringBuilder(orderId).append(":");
            var stripe = cloud.paymentProvider().orElseThrow();
            stripe.simulator().paymentIntentsOfOrder(orderId).forEach(intent -> out.append("\n  intent ")
                    .append(intent.path("id").asText()).append(' ').append(intent.path("status").asText()));
            stripe.deliveries(orderId).forEach(d -> out.append("\n  webhook ").append(d.type()).append(' ')
                    .append(d.eventId()).append(" attempt ").append(d.attempt()).append(" at ").append(d.at())
                    .append(" -> ").append(d.status()));
            stripe.simulator().pendingWebhooks().stream()
                    .filter(e -> orderId.equals(e.path("data").path("object").path("metadata").path("order_id").asText(null)))
                    .forEach(e -> out.append("\n  webhook waiting ").append(e.path("type").asText()));
            logs.stream().filter(line -> line.contains(orderId)).forEach(line -> out.append("\n  log ").append(line));
            cloud.queues().forEach(queue -> out.append("\n  queue ").append(queue));
            return out.toString();
        }

        /** Waits until the queues are empty and the mailbox and webhook deliveries stopped growing for two seconds. */
        void awaitQuiet(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "";
            long stableSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                int queued = 0;
                for (JsonNode queue : cloud.queues()) {
                    queued += queue.path("visible").asInt() + queue.path("inFlight").asInt();
                }
                String now = queued + "/" + cloud.mail().size() + "/" + cloud.paymentProvider().orElseThrow().deliveries().size()
                        + "/" + cloud.paymentProvider().orElseThrow().simulator().pendingWebhooks().size();
                if (!now.equals(last)) {
                    last = now;
                    stableSince = System.nanoTime();
                } else if (queued == 0 && System.nanoTime() - stableSince > Duration.ofSeconds(3).toNanos()) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new AssertionError("not quiet in " + timeout + ": " + last);
        }

        /** Stripe's record of the order: one intent, no hold left open, refunds within the capture; returns what the books keep. */
        long checkMoney(Planned p, JsonNode order) {
            String id = ids.get(p.index());
            List<JsonNode> intents = cloud.paymentProvider().orElseThrow().simulator().paymentIntentsOfOrder(id);
            check(id + " PaymentIntents " + intents.size(), intents.size() <= 1);
            String status = intents.isEmpty() ? "none" : intents.getFirst().path("status").asText();
            check(id + " no hold left open: " + status, Set.of("none", "succeeded", "canceled", "requires_payment_method")
                    .contains(status));
            long received = status.equals("succeeded") ? intents.getFirst().path("amount_received").asLong() : 0;
            long back = intents.isEmpty() ? 0 : cloud.paymentProvider().orElseThrow().simulator()
                    .refundsOf(intents.getFirst().path("id").asText()).stream().mapToLong(r -> r.path("amount").asLong()).sum();
            long total = order.path("total").path("amount").asLong();
            long refundedTotal = order.path("refundedTotal").path("amount").asLong();
            switch (order.path("status").asText()) {
                case "CONFIRMED", "FULFILLED" -> {
                    check(id + " captured its total " + received + " of " + total, received == total);
                    check(id + " Stripe refunded " + back + ", the order " + refundedTotal, back == refundedTotal);
                    long asked = refunded.getOrDefault(p.index(), List.of()).stream().mapToLong(Long::longValue).sum();
                    check(id + " refunded " + refundedTotal + ", asked " + asked, refundedTotal == asked);
                    return total - refundedTotal;
                }
                case "CANCELLED" -> {
                    check(id + " cancelled: Stripe keeps nothing (" + received + " - " + back + ")", received == back);
                    if (p.path() == Journey.CANCELLED_IN_FLIGHT) {
                        List<String> history = order.path("history").findValuesAsText("status");
                        int cancelling = history.indexOf("CANCELLING");
                        races.merge("cancel in flight from " + (cancelling > 0 ? history.get(cancelling - 1) : "?")
                                + (intents.isEmpty() ? "" : ", Stripe " + (received > 0 ? "captured" : "authorized")), 1,
                                Integer::sum);
                    }
                    return 0;
                }
                default -> {
                    check(id + " " + order.path("status").asText() + " captured nothing", received == 0);
                    return 0;
                }
            }
        }

        /** Exactly the e-mails of the order's events: the confirmation if confirmed, one per refund, its end's e-mail. */
        void checkMail(Planned p, JsonNode order) {
            String id = ids.get(p.index());
            Map<String, Integer> got = new TreeMap<>();
            for (JsonNode mail : cloud.mail()) {
                if (DemoRun.mentions(mail, id)) {
                    String subject = mail.path("subject").asText();
                    got.merge(subject.substring(0, subject.indexOf(" (")), 1, Integer::sum);
                    check(id + " mailed to its customer only: " + mail.path("to"), mail.path("to").size() == 1
                            && mail.path("to").get(0).asText().equals(customers + p.customer() + "@example.com"));
                }
            }
            List<String> history = new ArrayList<>();
            order.path("history").forEach(h -> history.add(h.path("status").asText()));
            Map<String, Integer> expected = new TreeMap<>();
            String status = order.path("status").asText();
            if (history.contains("CONFIRMED")) {
                expected.put("Your order is confirmed", 1);
            }
            int refunds = 0;
            for (JsonNode refund : order.path("refunds")) {
                refunds += refund.path("status").asText().equals("REFUNDED") ? 1 : 0;
            }
            if (refunds > 0) {
                expected.put("You have been refunded", refunds);
            }
            switch (status) {
                case "PAYMENT_FAILED" -> expected.put("Your payment did not go through", 1);
                case "CANCELLED" -> expected.put("Your order is cancelled", 1);
                case "FULFILLED" -> expected.put("Your order is on its way", 1);
                case "REJECTED" -> expected.put("We could not take your order", 1);
                default -> {
                }
            }
            if (status.equals("CANCELLED") && !history.contains("CONFIRMED") && history.contains("PAID")) {
                // a cancel that overtook the confirmation may have stopped it or not
                got.remove("Your order is confirmed");
            }
            check(id + " " + p.path() + " " + history + ": e-mails " + got + ", expected " + expected, got.equals(expected));
        }

        private static List<HttpResponse<String>> atOnce(java.util.function.Supplier<HttpResponse<String>> first,
                                                         java.util.function.Supplier<HttpResponse<String>> second)
                throws Exception {
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch go = new CountDownLatch(1);
                Future<HttpResponse<String>> a = two.submit(() -> {
                    go.await();
                    return first.get();
                });
                Future<HttpResponse<String>> b = two.submit(() -> {
                    go.await();
                    return second.get();
                });
                go.countDown();
                return List.of(a.get(), b.get());
            } finally {
                two.shutdownNow();
            }
        }
    }
}
