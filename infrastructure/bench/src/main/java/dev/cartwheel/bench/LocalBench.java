package dev.cartwheel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.emulators.AwsClients;
import dev.cartwheel.emulators.Emulators;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.local.LocalCloud;
import dev.cartwheel.local.LocalCloudConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code bench.jar local}: how quick the local cloud is to use.
 * <ol>
 *   <li><b>Start.</b> {@code java -jar local-cloud.jar up} started as a person starts it (a child process, the bench's
 *   JDK), timed from the spawn to the first HTTP answer of its API ({@code GET /products}), {@code bench.upRuns}
 *   times.</li>
 *   <li><b>POST to CONFIRMED.</b> The local cloud in this process (prewarmed, as {@code up} starts it), a few warm-up
 *   orders, then {@code bench.localOrders} orders one after the other. Each is timed from the {@code POST /orders}
 *   until a strongly consistent read every 2 ms shows it CONFIRMED. Where the time goes comes from the function log lines the local cloud writes
 *   around each invocation ({@code START} just before the Runtime API hands the event over, {@code REPORT} just after
 *   the response, with the handler's own {@code Duration}): per order, the POST (gateway, authorizer, checkout),
 *   each step's queue hop (previous step's end, or the 202, to this step's {@code START}: SQS send, long poll,
 *   event source mapping), its Runtime API hand-off ({@code START} to {@code REPORT} minus {@code Duration}) and its
 *   handler time (the function's own code plus its AWS and Stripe calls).</li>
 *   <li><b>The emulators alone.</b> The same AWS calls per order replayed one order at a time with no handlers: the
 *   part of the handler time that is the emulators' latency.</li>
 * </ol>
 * Numbers only: nothing here passes or fails on a figure.
 */
final class LocalBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPORT = Pattern.compile("^\\[(\\w+)] REPORT RequestId: (\\S+)\\s+Duration: ([0-9.]+) ms");
    private static final Pattern START = Pattern.compile("^\\[(\\w+)] START RequestId: (\\S+)");
    private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\":\"([^\"]+)\"");
    private static final Pattern ORDER_ID = Pattern.compile("\"orderId\":\"([^\"]+)\"");
    private static final List<String> STEPS = List.of("InventoryFunction", "PaymentFunction", "EmailFunction");

    private LocalBench() {
    }

    /**
     * One invocation as the local cloud's log lines show it: START (just before the Runtime API hands the event over),
     * REPORT (just after the response, with the handler's {@code Duration}), and the orders its JSON log lines name.
     */
    private static final class Invocation {
        final String function;
        final long startNanos;
        final java.util.Set<String> orderIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile long reportNanos;
        volatile double durationMs;

        Invocation(String function, long startNanos) {
            this.function = function;
            this.startNanos = startNanos;
        }

        boolean done() {
            return reportNanos != 0;
        }
    }

    /** One order's timeline, milliseconds from its POST. */
    private record OrderTiming(String orderId, double totalMs, double postMs, double[] hopMs, double[] handoffMs,
                               double[] handlerMs) {
    }

    static ObjectNode run(Path root, int orders, int upRuns, PrintStream report) throws Exception {
        ObjectNode result = JSON.createObjectNode().put("loadAverageBefore", ThroughputBench.loadAverage());
        result.set("up", timeUp(root, upRuns, report));
        result.set("chain", timeChain(root, orders, report));
        result.put("loadAverageAfter", ThroughputBench.loadAverage());
        return result;
    }

    // ------------------------------------------------------------------ up: spawn to first answer

    private static ObjectNode timeUp(Path root, int runs, PrintStream report) throws Exception {
        Path jar = root.resolve("infrastructure/local/target/local-cloud.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package first");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        report.printf("%nLocal cloud start: `java -jar local-cloud.jar up`, spawn -> first HTTP answer (GET /products), %d runs%n", runs);
        double[] firstAnswer = new double[runs];
        ArrayNode samples = JSON.createArrayNode();
        for (int run = 0; run < runs; run++) {
            int port = freePort();
            long t0 = System.nanoTime();
            Process up = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "up", "--port", Integer.toString(port))
                    .directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(root.resolve("target/bench/local-up-" + run + ".log").toFile())
                    .start();
            up.getOutputStream().close();
            try {
                URI products = URI.create("http://127.0.0.1:" + port + "/products");
                long deadline = t0 + Duration.ofSeconds(120).toNanos();
                Integer status = null;
                while (status == null && System.nanoTime() < deadline && up.isAlive()) {
                    try {
                        status = http.send(HttpRequest.newBuilder(products).timeout(Duration.ofSeconds(5)).GET().build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException e) {
                        Thread.sleep(20);
                    }
                }
                if (status == null) {
                    throw new IllegalStateException("local cloud did not answer within 120 s (see target/bench/local-up-" + run + ".log)");
                }
                firstAnswer[run] = (System.nanoTime() - t0) / 1e6;
                String log = Files.readString(root.resolve("target/bench/local-up-" + run + ".log"));
                Matcher ready = Pattern.compile("ready in (\\d+) ms").matcher(log);
                String readyMs = ready.find() ? ready.group(1) : "?";
                report.printf("  run %d: first answer (HTTP %d) after %.0f ms; the cloud reported \"ready in %s ms\"%n",
                        run + 1, status, firstAnswer[run], readyMs);
                samples.addObject().put("firstAnswerMs", firstAnswer[run]).put("status", status).put("reportedReadyMs", readyMs);
            } finally {
                up.descendants().forEach(ProcessHandle::destroy);
                up.destroy();
                up.waitFor();
            }
        }
        Stats stats = Stats.ofMillis(firstAnswer);
        report.printf("  first answer p50 %.0f ms, max %.0f ms (target: within 5 s)%n", stats.p50Ms(), stats.maxMs());
        ObjectNode node = JSON.createObjectNode();
        node.set("runs", samples);
        node.set("firstAnswerMs", JSON.valueToTree(stats));
        return node;
    }

    // ------------------------------------------------------------------ POST -> CONFIRMED, where the time goes

    private static ObjectNode timeChain(Path root, int orders, PrintStream report) throws Exception {
        Path work = root.resolve("target").resolve("bench");
        Path seed = ThroughputBench.localCloudSeed(root, "local-seed.json");
        Map<String, Invocation> invocations = new java.util.concurrent.ConcurrentHashMap<>();
        LocalCloudConfig config = new LocalCloudConfig(root.resolve("template.yaml"),
                Map.of("MaxOpenOrdersPerCustomer", "1000000"), null, "us-east-1", seed, 0, 3, null, true, line -> {
            long now = System.nanoTime();
            Matcher start = START.matcher(line);
            if (start.find()) {
                invocations.put(start.group(2), new Invocation(start.group(1), now));
                return;
            }
            Matcher ended = REPORT.matcher(line);
            if (ended.find()) {
                Invocation invocation = invocations.get(ended.group(2));
                if (invocation != null) {
                    invocation.durationMs = Double.parseDouble(ended.group(3));
                    invocation.reportNanos = now;
                }
                return;
            }
            Matcher request = REQUEST_ID.matcher(line);
            Matcher order = ORDER_ID.matcher(line);
            if (request.find() && order.find()) {
                Invocation invocation = invocations.get(request.group(1));
                if (invocation != null) {
                    invocation.orderIds.add(order.group(1));
                }
            }
        }, work.resolve("local-home"));
        int warmup = Integer.getInteger("bench.localWarmup", 100);
        ObjectNode node = JSON.createObjectNode().put("orders", orders).put("warmupOrders", warmup);
        try (LocalCloud cloud = LocalCloud.start(config)) {
            String token = cloud.token("bench-customer", "bench@example.com", "orders/read orders/write");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            String ordersTable = cloud.provisioned().tableName("OrdersTable");
            for (int i = 0; i < warmup; i++) {
                order(cloud, http, token, ordersTable, invocations);
            }
            List<OrderTiming> timings = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                timings.add(order(cloud, http, token, ordersTable, invocations));
            }
            printChain(report, timings, orders, warmup);
            ArrayNode list = node.putArray("timings");
            timings.forEach(t -> list.add(JSON.valueToTree(t)));
            node.set("totalMs", JSON.valueToTree(Stats.ofMillis(timings.stream().mapToDouble(OrderTiming::totalMs).toArray())));

            // the same AWS calls, one order at a time, against the same emulators, with no handlers
            Emulators emulators = cloud.emulators().orElseThrow();
            String prefix = "localalone" + UUID.randomUUID().toString().substring(0, 6);
            SamTemplate template = SamTemplate.load(root.resolve("template.yaml")).withRegion(emulators.region()).withStackName(prefix);
            try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(emulators.endpoints()); SqsClient sqs = AwsClients.sqs(emulators.endpoints());
                 SesV2Client ses = AwsClients.sesV2(emulators.endpoints())) {
                ProvisionedResources resources = new Provisioner(dynamoDb, sqs, ses, null, null).provision(template, prefix);
                EmulatorsReplay replay = new EmulatorsReplay(dynamoDb, sqs, ses, resources,
                        String.valueOf(template.parameterValues().get("SenderEmail")));
                replay.seed();
                replay.drive(warmup, 1);
                EmulatorsReplay.Phase alone = replay.drive(orders, 1);
                Stats aloneStats = Stats.of(alone.latencies());
                node.set("emulatorsAloneMs", JSON.valueToTree(aloneStats));
                report.printf("  the emulators alone: the same %d AWS calls per order (SQS receives and deletes included), one order at a time,"
                        + " no handlers: p50 %.0f ms per order%n", EmulatorsReplay.CALLS_PER_ORDER, aloneStats.p50Ms());
            }
        }
        return node;
    }

    private static OrderTiming order(LocalCloud cloud, HttpClient http, String token, String ordersTable,
                                     Map<String, Invocation> invocations) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(cloud.apiUrl().resolve("/orders"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Idempotency-Key", "bench-" + UUID.randomUUID())
                .POST(HttpRequest.BodyPublishers.ofString(WarmBench.ORDER_BODY)).build(), HttpResponse.BodyHandlers.ofString());
        long tPost = System.nanoTime();
        if (posted.statusCode() != 202) {
            throw new IllegalStateException("POST /orders answered " + posted.statusCode() + ": " + posted.body());
        }
        String orderId = JSON.readTree(posted.body()).path("orderId").asText();
        long deadline = tPost + Duration.ofSeconds(60).toNanos();
        Invocation[] steps = new Invocation[STEPS.size()];
        while (steps[0] == null || steps[1] == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("order " + orderId + ": its e-mail step did not end within 60 s");
            }
            for (int s = 0; s < STEPS.size(); s++) {
                if (steps[s] == null) {
                    steps[s] = first(invocations, STEPS.get(s), orderId);
                }
            }
            if (steps[0] == null || steps[1] == null) {
                Thread.sleep(0, 200_000);
            }
        }
        // CONFIRMED is the e-mail step's last write: read until it shows (the confirmation mail is sent just before)
        long confirmedNanos = 0;
        String status = "MISSING";
        while (confirmedNanos == 0) {
            Map<String, AttributeValue> item = cloud.dynamoDb().getItem(b -> b.tableName(ordersTable)
                    .key(Map.of("orderId", AttributeValue.fromS(orderId))).consistentRead(true)).item();
            status = item == null || !item.containsKey("status") ? "MISSING" : item.get("status").s();
            if (status.equals("CONFIRMED")) {
                confirmedNanos = System.nanoTime();
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("order " + orderId + " is " + status + " 60 s after its POST, not CONFIRMED");
            } else {
                Thread.sleep(2);
            }
        }
        // the e-mail invocation that confirmed it: the last one naming the order that began before CONFIRMED showed
        long confirmed = confirmedNanos;
        java.util.function.Supplier<Invocation> confirming = () -> invocations.values().stream()
                .filter(i -> i.function.equals("EmailFunction") && i.done() && i.orderIds.contains(orderId) && i.startNanos < confirmed)
                .max(java.util.Comparator.comparingLong(i -> i.startNanos)).orElse(null);
        steps[2] = confirming.get();
        while (steps[2] == null && System.nanoTime() < deadline) {
            Thread.sleep(1); // the REPORT line follows the handler's return by a moment
            steps[2] = confirming.get();
        }
        double[] hop = new double[STEPS.size()];
        double[] handoff = new double[STEPS.size()];
        double[] handler = new double[STEPS.size()];
        long previousEnd = tPost;
        for (int s = 0; s < STEPS.size(); s++) {
            if (steps[s] == null) {
                throw new IllegalStateException(STEPS.get(s) + " left no log line naming " + orderId);
            }
            hop[s] = (steps[s].startNanos - previousEnd) / 1e6;
            handler[s] = steps[s].durationMs;
            handoff[s] = (steps[s].reportNanos - steps[s].startNanos) / 1e6 - steps[s].durationMs;
            previousEnd = steps[s].reportNanos;
        }
        return new OrderTiming(orderId, (confirmedNanos - t0) / 1e6, (tPost - t0) / 1e6, hop, handoff, handler);
    }

    /** The first finished invocation of a function whose log lines name the order. */
    private static Invocation first(Map<String, Invocation> invocations, String function, String orderId) {
        return invocations.values().stream()
                .filter(i -> i.function.equals(function) && i.done() && i.orderIds.contains(orderId))
                .min(java.util.Comparator.comparingLong(i -> i.startNanos)).orElse(null);
    }

    private static void printChain(PrintStream report, List<OrderTiming> timings, int orders, int warmup) {
        report.printf("%nPOST /orders -> CONFIRMED through the local cloud, %d orders one after the other (after %d warm-up orders)%n",
                orders, warmup);
        Stats total = Stats.ofMillis(timings.stream().mapToDouble(OrderTiming::totalMs).toArray());
        report.printf("  total            p50 %6.1f ms  p90 %6.1f  max %6.1f (target: median <= 300 ms)%n", total.p50Ms(),
                total.p90Ms(), total.maxMs());
        line(report, "POST -> 202 (gateway, JWT, checkout)", timings.stream().mapToDouble(OrderTiming::postMs).toArray());
        for (int s = 0; s < STEPS.size(); s++) {
            int step = s;
            String name = STEPS.get(s).replace("Function", "").toLowerCase(java.util.Locale.ROOT);
            line(report, name + ": queue hop (SQS, long poll, mapping)", timings.stream().mapToDouble(t -> t.hopMs()[step]).toArray());
            line(report, name + ": Runtime API hand-off", timings.stream().mapToDouble(t -> t.handoffMs()[step]).toArray());
            line(report, name + ": handler (code + AWS/Stripe calls)", timings.stream().mapToDouble(t -> t.handlerMs()[step]).toArray());
        }
    }

    private static void line(PrintStream report, String label, double[] values) {
        Stats s = Stats.ofMillis(values);
        report.printf("  %-44s p50 %6.1f ms  p90 %6.1f  max %6.1f%n", label, s.p50Ms(), s.p90Ms(), s.maxMs());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
