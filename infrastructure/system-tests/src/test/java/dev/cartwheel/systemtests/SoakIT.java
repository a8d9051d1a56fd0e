package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.json.StepMessageCodec;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.SimulatedCrash;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Random orders through the real handlers and queues while faults are injected at random (duplicate messages,
 * redeliveries, crashes at every step, provider errors, throttling and transaction conflicts), then the reconciler;
 * then the invariants. A short run in every build, a long one with {@code -Dgroups=soak}.
 */
@ExtendWith(AwsEmulators.class)
class SoakIT {

    private static final List<String> TOKENS = List.of("pm_card_visa", "pm_card_visa", "pm_card_visa", "pm_card_mastercard",
            "pm_card_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern TOKEN = Pattern.compile("(?:tok|pm)_[A-Za-z0-9]");
    /** 13+ digits in a row, or card-style groups (4-4-4-4[-n], 4-6-5) split by spaces or dashes; never inside a UUID. */
    private static final Pattern DIGIT_RUN = Pattern.compile("(?<![0-9A-Za-z_-])(?:[0-9]{13,}"
            + "|[0-9]{4}(?:[ -][0-9]{4}){2,3}(?:[ -][0-9]{1,3})?|[0-9]{4}[ -][0-9]{6}[ -][0-9]{5})(?![0-9A-Za-z_-])");

    @Test
    void shortSoak_invariantsHold(AwsEnvironment aws) throws Exception {
        soak(aws, 240, 1);
    }

    @Tag("soak")
    @Test
    void longSoak_invariantsHold(AwsEnvironment aws) throws Exception {
        soak(aws, Integer.getInteger("soak.orders", 5000), Long.getLong("soak.seed", 7));
    }

    private static void soak(AwsEnvironment aws, int count, long seed) throws Exception {
        // GIVEN random faults at every point
        Map<FaultPoint, Double> probabilities = new EnumMap<>(FaultPoint.class);
        for (FaultPoint point : FaultPoint.values()) {
            if (point.isRefusal()) {
                continue;
            }
            // a crash fails its whole batch of up to ten: crashes are rarer than the faults a single message sees
            // (a redelivery is drawn once per batch, so it gets a higher rate)
            probabilities.put(point, point.isCrash() ? 0.01 : point == FaultPoint.REDELIVERY ? 0.25 : 0.08);
        }
        Wiring wiring = new Wiring(Faults.random(seed, probabilities, true));
        // the races the soak hits: writes that lost on the version (someone else wrote the order first)
        Map<String, java.util.concurrent.atomic.AtomicInteger> races = new java.util.concurrent.ConcurrentHashMap<>();
        wiring.faults.onHook((at, orderId, version) -> {
            if (at == Faults.Checkpoint.ORDER_WRITE_STALE) {
                races.computeIfAbsent(Thread.currentThread().getName().startsWith("pump-") ? "stale write (pumps)"
                        : "stale write (checkout)", k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            }
        });
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        Random random = new Random(seed);
        Map<String, Long> initial = new LinkedHashMap<>();
        for (int s = 1; s <= 6; s++) {
            long units = Math.max(3, count / 4) + random.nextInt(Math.max(3, count / 4));
            pipeline.seed("SOAK-" + s, "Soak item " + s, 100L * s, units);
            initial.put("SOAK-" + s, units);
        }
        List<String> customers = new ArrayList<>();
        for (int c = 0; c < 12; c++) {
            customers.add(Pipeline.newCustomer("soak" + c));
        }

        // WHEN N random orders are placed from four threads (a client retries a crashed request with its key half
        // the time), poison is mixed in, the queues are drained, the reconciler runs, the queues are drained again
        List<Placed> placed = place(pipeline, customers, count, random, seed);
        List<String> poison = List.of("{\"schemaVersion\":1,\"type\":\"OrderPlaced\"}", "not json at all",
                "{\"schemaVersion\":2,\"type\":\"OrderPaid\",\"orderId\":\"ord_x\",\"correlationId\":\"c\"}");
        List<String> queues = List.of("InventoryQueue", "PaymentQueue", "EmailQueue");
        for (int i = 0; i < poison.size(); i++) {
            String body = poison.get(i);
            aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl(queues.get(body.length() % 3))).messageBody(body));
        }
        long started = System.nanoTime();
        // four concurrent pumps per queue, as four concurrent invocations of each function
        pipeline.drainInParallel(wiring.routes(pipeline), PUMPS, Duration.ofMinutes(count > 100 ? 60 : 3));
        // the payment step's clock moves with the reconciler's: an order the reconciler finds overdue (a long first
        // drain) gets ExpiryDue, and the payment step must agree that it is due, else it would stay unpaid for good
        wiring.paymentClock.advance(wiring.nudgeAge(pipeline));
        Map<String, Integer> nudged = wiring.reconciler(pipeline, wiring.nudgeAge(pipeline)).handleRequest(Map.of(), null);
        aws.queuePump().drain(wiring.routes(pipeline), Duration.ofMinutes(count > 100 ? 60 : 3));
        Map<String, Integer> afterwards = wiring.reconciler(pipeline, wiring.nudgeAge(pipeline)).handleRequest(Map.of(), null);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // THEN
        DynamoDbOrderStore store = new DynamoDbOrderStore(aws.dynamoDb(), pipeline.table("OrdersTable"), null, null);
        Map<OrderStatus, Integer> outcome = new EnumMap<>(OrderStatus.class);
        Map<String, Long> sold = new HashMap<>();
        Map<String, List<CapturedEmail>> mail = mailByOrder(aws, customers);
        int checks = 0;
        int documentedDuplicates = 0;
        for (Placed p : placed) {
            Order order = store.find(p.orderId()).orElseThrow();
            outcome.merge(order.status(), 1, Integer::sum);
            // every order final
            assertThat(order.status().isFinal()).as(order.orderId() + " " + order.status()).isTrue();
            // exactly one successful charge per paid order, none for the others
            boolean paid = order.status() == OrderStatus.CONFIRMED;
            assertThat(wiring.charges.captureIds(order.orderId())).as("captures of " + order.orderId()).hasSize(paid ? 1 : 0);
            assertThat(pipeline.paymentOperations(order.orderId()).getOrDefault("capture", 0)).isEqualTo(paid ? 1 : 0);
            if (paid) {
                order.lines().forEach(line -> sold.merge(line.sku(), (long) line.quantity(), Long::sum));
            }
            // exactly one e-mail, plus one only where the function died after SES accepted and before the claim was marked
            boolean window = wiring.faults.firedFor(FaultPoint.EMAIL_CRASH_AFTER_SES_ACCEPTED, order.orderId());
            documentedDuplicates += window ? 1 : 0;
            assertThat(mail.getOrDefault(order.orderId(), List.of())).as("e-mails of " + order.orderId())
                    .hasSize(window ? 2 : 1);
            checks += 5;
        }
        // conservation per SKU, and what was sold is exactly what the confirmed orders bought
        Map<String, long[]> stock = pipeline.allStock();
        for (var sku : initial.entrySet()) {
            long[] c = stock.get(sku.getKey());
            assertThat(c[0] + c[1] + c[2]).as(sku.getKey() + " conservation").isEqualTo(sku.getValue());
            assertThat(c[1]).as(sku.getKey() + " reserved").isZero();
            assertThat(c[2]).as(sku.getKey() + " sold").isEqualTo(sold.getOrDefault(sku.getKey(), 0L));
            checks += 3;
        }
        Map<String, Integer> failures = new java.util.TreeMap<>();
        wiring.logs.lines().stream().filter(line -> line.contains("\"outcome\":\"failed\""))
                .forEach(line -> failures.merge(line.replaceAll(".*\"step\":\"([a-z]+)\".*\"message\":\"([A-Za-z]+):.*", "$1 $2"),
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
                assertThat(order.status().isFinal()).as("dead message for unfinished " + orderId).isTrue();
                versionsBefore.put(orderId, order.version());
                aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl(dlq.getValue())).messageBody(message.body()));
                casualties++;
            }
        }
        int mailBeforeRedrive = aws.mailbox().messages().size();
        aws.queuePump().drain(pipeline.routes(), Duration.ofMinutes(5));
        versionsBefore.forEach((orderId, version) ->
                assertThat(store.find(orderId).orElseThrow().version()).as("redrive of " + orderId).isEqualTo(version));
        assertThat(aws.mailbox().messages()).as("no e-mail from the redrive").hasSize(mailBeforeRedrive);
        assertThat(dead).containsExactlyInAnyOrderElementsOf(poison);
        dead.forEach(body -> assertThat(parses(body)).as(body).isFalse());
        for (String dlq : sources.keySet()) {
            assertThat(pipeline.depth(dlq)).as(dlq + " after the redrive").isZero();
        }
        assertThat(afterwards).as("nothing left for the reconciler").isEmpty();
        checks += 2;
        // no log line carries an e-mail address, a payment token or a card-like number
        List<String> logs = wiring.logs.lines();
        assertThat(logs).hasSizeGreaterThan(count * 3);
        assertThat(logs).anySatisfy(line -> assertThat(line).contains(placed.getFirst().orderId()));
        for (String line : logs) {
            assertThat(EMAIL.matcher(line).find()).as("e-mail address in %s", line).isFalse();
            assertThat(TOKEN.matcher(line).find()).as("payment token in %s", line).isFalse();
            // the one long number a line may carry: the metrics' epoch-millisecond Timestamp (embedded metric format)
            String withoutMetricTime = line.replaceAll("\"Timestamp\":[0-9]+", "\"Timestamp\":0");
            assertThat(luhnValidRun(withoutMetricTime)).as("card-like number in %s", line).isFalse();
        }
        checks += logs.size();

        System.out.printf("soak: %d orders (seed %d) in %s -> %s%n", count, seed, took, outcome);
        System.out.printf("soak: faults injected %d %s; reconciler nudged %s; documented duplicate e-mails %d;"
                        + " messages dead-lettered by batch-mates' crashes and redriven as no-ops %d%n",
                wiring.faults.total(), wiring.faults.counts(), nudged, documentedDuplicates, casualties);
        System.out.printf("soak: invariants checked %d (final status, one charge, e-mails, conservation, DLQs, %d log lines)%n",
                checks, logs.size());
        assertThat(wiring.faults.total()).as("faults were injected").isGreaterThan(count / 10);
        System.out.println(table(wiring.faults.counts(), races, checks));
        java.util.EnumSet<FaultPoint> reachable = java.util.EnumSet.allOf(FaultPoint.class);
        reachable.removeAll(NOT_ON_THE_SOAKS_PATHS);
        for (FaultPoint point : reachable) {
            assertThat(wiring.faults.count(point)).as("fault point %s fired", point).isPositive();
        }
    }

    private record Placed(String customer, String orderId) {
    }

    /** Concurrent pumps per queue during the soak (each a concurrent invocation of the queue's function). */
    private static final int PUMPS = 4;

    /**
     * The fault points the soak's order paths (approve, decline, crash-and-retry checkout) cannot reach: no order is
     * cancelled or refunded in it. They are proven by CancellationIT, RefundIT and LostResponseIT.
     */
    private static final Set<FaultPoint> NOT_ON_THE_SOAKS_PATHS = java.util.EnumSet.of(
            FaultPoint.CANCEL_CRASH_AFTER_STOCK_RETURNED, FaultPoint.CRASH_AFTER_VOID_OR_REFUND,
            FaultPoint.LOST_RESPONSE_CANCELLED, FaultPoint.LOST_RESPONSE_REFUND,
            // definitive refusals end an order (PAYMENT_FAILED, a FAILED refund): PaymentRefusalIT proves them one by one
            FaultPoint.PROVIDER_REJECTS_CAPTURE, FaultPoint.PROVIDER_REJECTS_REFUND);

    private static String table(Map<FaultPoint, Integer> faults, Map<String, java.util.concurrent.atomic.AtomicInteger> races,
                                int checks) {
        StringBuilder out = new StringBuilder("soak: fault / race                          times\n");
        for (FaultPoint point : FaultPoint.values()) {
            out.append(String.format("soak:   %-40s %6d%s%n", point, faults.getOrDefault(point, 0),
                    NOT_ON_THE_SOAKS_PATHS.contains(point) ? "  (not on the soak's paths)" : ""));
        }
        races.forEach((race, n) -> out.append(String.format("soak:   %-40s %6d%n", race, n.get())));
        out.append(String.format("soak:   %-40s %6d", "invariants checked", checks));
        return out.toString();
    }

    private static List<Placed> place(Pipeline pipeline, List<String> customers, int count, Random random, long seed)
            throws Exception {
        List<String[]> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int lines = 1 + random.nextInt(3);
            List<String> skus = new ArrayList<>(List.of("SOAK-1", "SOAK-2", "SOAK-3", "SOAK-4", "SOAK-5", "SOAK-6"));
            java.util.Collections.shuffle(skus, random);
            Object[] pairs = new Object[lines * 2];
            for (int l = 0; l < lines; l++) {
                pairs[2 * l] = skus.get(l);
                pairs[2 * l + 1] = 1 + random.nextInt(3);
            }
            requests.add(new String[] {customers.get(random.nextInt(customers.size())),
                    Pipeline.orderBody(TOKENS.get(random.nextInt(TOKENS.size())), pairs),
                    Boolean.toString(random.nextBoolean())});
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Placed>> futures = new ArrayList<>();
            for (String[] request : requests) {
                futures.add(pool.submit(() -> placeOne(pipeline, request[0], request[1], Boolean.parseBoolean(request[2]))));
            }
            List<Placed> placed = new ArrayList<>();
            for (Future<Placed> future : futures) {
                placed.add(future.get());
            }
            return placed;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * POST /orders as a careful client: a 5xx is retried with the same Idempotency-Key; a crashed request (no answer)
     * is retried the same way when {@code retries}, else given up and left to the reconciler.
     */
    private static Placed placeOne(Pipeline pipeline, String customer, String body, boolean retries) {
        String key = "soak-" + UUID.randomUUID();
        for (int attempt = 1; ; attempt++) {
            try {
                APIGatewayV2HTTPResponse response = pipeline.checkout.handleRequest(
                        Pipeline.postOrder(customer, customer + "@example.com", key, body), null);
                if (response.getStatusCode() >= 500 && attempt < 10) {
                    continue;
                }
                return new Placed(customer, accepted(response));
            } catch (SimulatedCrash crash) {
                if (!retries) {
                    String orderId = pipeline.aws.dynamoDb().getItem(b -> b.tableName(pipeline.table("IdempotencyTable"))
                            .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                    "checkout#" + customer + "#" + key))).consistentRead(true)).item().get("orderId").s();
                    return new Placed(customer, orderId);
                }
            }
        }
    }

    private static String accepted(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        return Pipeline.json(response).get("orderId").asText();
    }

    private static Map<String, List<CapturedEmail>> mailByOrder(AwsEnvironment aws, List<String> customers) {
        Pattern orderId = Pattern.compile("ord_[0-9a-f-]{36}");
        Set<String> addresses = new HashSet<>();
        customers.forEach(c -> addresses.add(c + "@example.com"));
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
