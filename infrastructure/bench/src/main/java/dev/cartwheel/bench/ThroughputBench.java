package dev.cartwheel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.emulators.AwsClients;
import dev.cartwheel.emulators.Emulators;
import dev.cartwheel.emulators.Endpoints;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.local.LocalCloud;
import dev.cartwheel.local.LocalCloudConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Pipeline throughput: the local cloud (embedded emulators, the functions as Lambda-style JVMs, the HTTP API, the SQS
 * event source mappings) started in this JVM, driven over loopback by a {@code java.net.http} client with a dev token:
 * C workers, each placing an order ({@code POST /orders}) and waiting for its outcome e-mail (watched in the SES
 * capture, in process: no polling requests that would load the API) before placing the next, so that C orders are
 * in flight at any time. After a warm-up (which also starts the execution environments), N orders are timed: orders
 * per second reaching a final status and POST -> e-mail latency; the statuses are checked in DynamoDB afterwards.
 *
 * <p>Then the emulators alone: the same AWS calls one order costs (DynamoDB BatchGetItem 1, GetItem 3, PutItem 4,
 * TransactWriteItems 3, UpdateItem 2; SQS SendMessage 3; SES SendEmail 1, as counted by AwsCallsPerOrderIT; plus an
 * SQS ReceiveMessage and DeleteMessage per step for the event source mapping's share), and the calls of the hops
 * Stripe's webhooks add at the rates this run measured ({@link EmulatorsReplay.Hops}), replayed with real SDK clients
 * and items shaped like the handlers' at the same concurrency against the same emulators, in tables and queues of
 * their own ({@link EmulatorsReplay}). The ratio of the two says how much of the emulators' capacity the pipeline reaches.
 */
final class ThroughputBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ORDER_ID = Pattern.compile("\\((ord_[^)]+)\\)");
    private static final Duration ORDER_TIMEOUT = Duration.ofSeconds(Long.getLong("bench.orderTimeoutSeconds", 120));

    private ThroughputBench() {
    }

    private record Outcome(String orderId, double postMs, double toMailMs, String subject) {
    }

    static ObjectNode run(Path root, int orders, int concurrency, PrintStream report) throws Exception {
        long began = System.nanoTime();
        int warmup = Integer.getInteger("bench.throughputWarmup", Math.max(2 * concurrency, 32));
        int functionConcurrency = Integer.getInteger("bench.functionConcurrency", 3);
        ObjectNode result = JSON.createObjectNode().put("orders", orders).put("concurrency", concurrency)
                .put("warmupOrders", warmup).put("functionConcurrency", functionConcurrency)
                .put("loadAverageBefore", loadAverage());
        Path work = root.resolve("target").resolve("bench");
        Path seed = localCloudSeed(root, "throughput-seed.json");
        AtomicLong functionErrors = new AtomicLong();
        List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
        // one bench customer places every order: the per-customer open-order limit would refuse most of them
        LocalCloudConfig config = new LocalCloudConfig(root.resolve("template.yaml"),
                Map.of("MaxOpenOrdersPerCustomer", "1000000"), null, "us-east-1", seed, 0,
                functionConcurrency, null, true, line -> {
            if (line.contains("\"level\":\"ERROR\"") || line.contains("Task timed out") || line.contains("invocation failed")
                    || line.contains("Status: error")) {
                functionErrors.incrementAndGet();
                if (firstErrors.size() < 3) {
                    firstErrors.add(line);
                }
            }
        }, work.resolve("local-home"));

        report.printf("%nThroughput: starting the local cloud (function concurrency %d, prewarm on)%n", functionConcurrency);
        double pipelineRate;
        EmulatorsReplay.Hops hops;
        try (LocalCloud cloud = LocalCloud.start(config)) {
            Emulators emulators = cloud.emulators().orElseThrow();
            report.printf("  ready in %d ms at %s; %d warm-up + %d measured orders at concurrency %d%n",
                    cloud.readyMillis(), cloud.apiUrl(), warmup, orders, concurrency);
            String token = cloud.token("bench-customer", "bench@example.com", "orders/read orders/write");
            try (MailWatcher watcher = new MailWatcher(emulators)) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                Phase warm = drive(http, cloud.apiUrl(), token, watcher, warmup, concurrency);
                report.printf("  warm-up: %d/%d orders final in %.1f s%n", warm.outcomes().size(), warmup, warm.seconds());
                Phase measured = drive(http, cloud.apiUrl(), token, watcher, orders, concurrency);
                Map<String, Integer> statuses = statuses(cloud, measured.outcomes());
                pipelineRate = measured.outcomes().size() / measured.seconds();
                Stats toMail = Stats.ofMillis(measured.outcomes().stream().mapToDouble(Outcome::toMailMs).toArray());
                Stats post = Stats.ofMillis(measured.outcomes().stream().mapToDouble(Outcome::postMs).toArray());
                ObjectNode node = result.putObject("pipeline");
                node.put("finalOrders", measured.outcomes().size()).put("seconds", measured.seconds())
                        .put("ordersPerSecond", pipelineRate).put("failures", measured.failures().size());
                node.set("postToEmailMs", JSON.valueToTree(toMail));
                node.set("postResponseMs", JSON.valueToTree(post));
                node.set("statuses", JSON.valueToTree(statuses));
                node.put("functionErrorLines", functionErrors.get());
                node.set("firstFailures", JSON.valueToTree(measured.failures().stream().limit(3).toList()));
                node.set("firstFunctionErrors", JSON.valueToTree(List.copyOf(firstErrors)));
                node.set("functions", cloud.functions());
                report.printf("%nPipeline (local cloud, %d orders, %d in flight, 2 lines each)%n", orders, concurrency);
                report.printf("  orders final        %d/%d in %.1f s: %.1f orders/s; statuses %s%n", measured.outcomes().size(),
                        orders, measured.seconds(), pipelineRate, statuses);
                report.printf("  POST -> e-mail, ms  p50 %.0f  p90 %.0f  p99 %.0f  max %.0f%n", toMail.p50Ms(), toMail.p90Ms(),
                        toMail.p99Ms(), toMail.maxMs());
                report.printf("  POST response, ms   p50 %.0f  p90 %.0f  p99 %.0f  max %.0f%n", post.p50Ms(), post.p90Ms(),
                        post.p99Ms(), post.maxMs());
                if (!measured.failures().isEmpty() || functionErrors.get() > 0) {
                    report.printf("  failures %d (first: %s); function error lines %d%n", measured.failures().size(),
                            measured.failures().isEmpty() ? "-" : measured.failures().getFirst(), functionErrors.get());
                }
                for (JsonNode f : cloud.functions()) {
                    report.printf("  %-20s invocations %5d  cold starts %d%n", f.path("name").asText(), f.path("invocations").asInt(),
                            f.path("coldStarts").asInt());
                }
                hops = webhookHops(cloud, warm.outcomes().size() + measured.outcomes().size());
                node.put("webhooksPerOrder", hops.webhooks()).put("forwardedWebhooksPerOrder", hops.forwarded())
                        .put("extraOrderPaidPerOrder", hops.extraOrderPaid());
                report.printf("  webhook hops        %.2f webhooks (%.2f forwarded) and %.2f extra OrderPaid per order"
                        + " (warm-up included)%n", hops.webhooks(), hops.forwarded(), hops.extraOrderPaid());
            }

            // ---- the emulators alone, same emulators, resources of their own
            Endpoints endpoints = emulators.endpoints();
            String prefix = "alone" + UUID.randomUUID().toString().substring(0, 6);
            SamTemplate template = SamTemplate.load(root.resolve("template.yaml")).withRegion(emulators.region()).withStackName(prefix);
            try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(endpoints); SqsClient sqs = AwsClients.sqs(endpoints);
                 SesV2Client ses = AwsClients.sesV2(endpoints)) {
                ProvisionedResources resources = new Provisioner(dynamoDb, sqs, ses, null, null).provision(template, prefix);
                EmulatorsReplay replay = new EmulatorsReplay(dynamoDb, sqs, ses, resources,
                        String.valueOf(template.parameterValues().get("SenderEmail")), hops);
                replay.seed();
                EmulatorsReplay.Phase warmAlone = replay.drive(warmup, concurrency);
                EmulatorsReplay.Phase alone = replay.drive(orders, concurrency);
                double aloneRate = alone.orders() / alone.seconds();
                Stats aloneLatency = Stats.of(alone.latencies());
                ObjectNode node = result.putObject("emulatorsAlone");
                node.put("orders", alone.orders()).put("seconds", alone.seconds()).put("ordersPerSecond", aloneRate)
                        .put("callsPerOrder", hops.callsPerOrder()).put("emptyReceives", alone.emptyReceives())
                        .put("warmupSeconds", warmAlone.seconds());
                node.set("orderMs", JSON.valueToTree(aloneLatency));
                result.put("ratioPipelineToEmulatorsAlone", pipelineRate / aloneRate);
                report.printf("%nEmulators alone (the same AWS calls per order: %d on the handlers' path, %.1f with the webhook hops;"
                        + " %d in flight, no handlers)%n", EmulatorsReplay.CALLS_PER_ORDER, hops.callsPerOrder(), concurrency);
                report.printf("  orders              %d in %.1f s: %.1f orders/s (%d empty receives)%n", alone.orders(),
                        alone.seconds(), aloneRate, alone.emptyReceives());
                report.printf("  per order, ms       p50 %.0f  p90 %.0f  p99 %.0f  max %.0f%n", aloneLatency.p50Ms(),
                        aloneLatency.p90Ms(), aloneLatency.p99Ms(), aloneLatency.maxMs());
                report.printf("%nPipeline / emulators alone: %.1f / %.1f orders/s = %.0f%%%n", pipelineRate, aloneRate,
                        100 * pipelineRate / aloneRate);
            }
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        result.put("loadAverageAfter", loadAverage()).put("seconds", seconds);
        report.printf("throughput bench took %.0f s (load average before: %s, after: %s)%n", seconds,
                result.path("loadAverageBefore").asText(), result.path("loadAverageAfter").asText());
        return result;
    }

    /**
     * The webhook hops the pipeline made per order, from what the functions and mappings counted over {@code orders}
     * orders: the webhook function's invocations (one per webhook); the payment mapping's messages beyond one per
     * order ({@code StockReserved}), each a forwarded webhook's {@code PaymentUpdated}; and the e-mail mapping's
     * messages beyond one per order (an {@code OrderPaid} the payment step sent again for a webhook about a paid order).
     */
    private static EmulatorsReplay.Hops webhookHops(LocalCloud cloud, int orders) {
        int webhooks = 0;
        for (JsonNode f : cloud.functions()) {
            if (f.path("name").asText().equals("PaymentWebhookFunction")) {
                webhooks = f.path("invocations").asInt();
            }
        }
        return new EmulatorsReplay.Hops((double) webhooks / orders,
                Math.max(0, (double) deletedMessages(cloud, "PaymentFunction") / orders - 1),
                Math.max(0, (double) deletedMessages(cloud, "EmailFunction") / orders - 1));
    }

    private static long deletedMessages(LocalCloud cloud, String function) {
        return cloud.mappings().stream().filter(m -> m.functionName().equals(function))
                .mapToLong(m -> m.deletedMessages()).sum();
    }

    /**
     * The bench catalog for a local cloud (two products in plenty, one shipping method, Illinois' tax) written to
     * {@code target/bench/<name>}, and the Runtime Interface Client the local cloud module copies next to
     * local-cloud.jar set as the functions' runtime.
     */
    static Path localCloudSeed(Path root, String name) throws IOException {
        Path seed = root.resolve("target").resolve("bench").resolve(name);
        Files.writeString(seed, """
                {"products":[
                  {"sku":"BENCH-A","name":"Bench A","price":{"amount":1000,"currency":"USD"},"available":100000000},
                  {"sku":"BENCH-B","name":"Bench B","price":{"amount":2500,"currency":"USD"},"available":100000000}],
                 "shippingMethods":[{"id":"standard","name":"Standard","deliveryEstimate":{"minDays":3,"maxDays":7},
                   "zones":[{"name":"domestic","countries":["US"],"price":{"amount":599,"currency":"USD"}}]}],
                 "taxRates":[{"country":"US","standard":"0","regions":{"IL":{"standard":"6.25"}}}]}
                """);
        if (System.getProperty("lambda.runtime.dir") == null) {
            System.setProperty("lambda.runtime.dir",
                    root.resolve("infrastructure").resolve("local").resolve("target").resolve("lambda-runtime").toString());
        }
        return seed;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    // ------------------------------------------------------------------ the pipeline over HTTP

    private record Phase(List<Outcome> outcomes, List<String> failures, double seconds) {
    }

    private static Phase drive(HttpClient http, URI api, String token, MailWatcher watcher, int count, int concurrency)
            throws InterruptedException {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicLong lastMailNanos = new AtomicLong();
        String body = WarmBench.ORDER_BODY;
        long phaseStart = System.nanoTime();
        Instant phaseStartInstant = Instant.now();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(Thread.ofVirtual().name("bench-client-" + w).start(() -> {
                while (next.getAndIncrement() < count) {
                    Instant postAt = Instant.now();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("/orders"))
                                .timeout(Duration.ofSeconds(60))
                                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                .header("Idempotency-Key", "bench-" + UUID.randomUUID())
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        double postMs = (System.nanoTime() - t0) / 1e6;
                        if (r.statusCode() != 202) {
                            failures.add("POST /orders " + r.statusCode() + " " + r.body());
                            continue;
                        }
                        String orderId = JSON.readTree(r.body()).path("orderId").asText();
                        CapturedEmail mail = watcher.mailFor(orderId).get(ORDER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        double toMail = Duration.between(postAt, mail.timestamp()).toNanos() / 1e6;
                        outcomes.add(new Outcome(orderId, postMs, toMail, mail.subject()));
                        long mailNanos = phaseStart + Duration.between(phaseStartInstant, mail.timestamp()).toNanos();
                        lastMailNanos.accumulateAndGet(mailNanos, Math::max);
                    } catch (java.util.concurrent.TimeoutException e) {
                        failures.add("no e-mail within " + ORDER_TIMEOUT.toSeconds() + " s");
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        long end = Math.max(lastMailNanos.get(), phaseStart + 1);
        return new Phase(List.copyOf(outcomes), List.copyOf(failures), (end - phaseStart) / 1e9);
    }

    private static Map<String, Integer> statuses(LocalCloud cloud, List<Outcome> outcomes) {
        String table = cloud.provisioned().tableName("OrdersTable");
        Map<String, Integer> counts = new TreeMap<>();
        for (Outcome o : outcomes) {
            Map<String, AttributeValue> item = cloud.dynamoDb().getItem(b -> b.tableName(table)
                    .key(Map.of("orderId", AttributeValue.fromS(o.orderId()))).consistentRead(true)).item();
            String status = item == null || !item.containsKey("status") ? "MISSING" : item.get("status").s();
            counts.merge(status, 1, Integer::sum);
        }
        return counts;
    }

    /** Completes a future per order id when an e-mail whose subject names the order is captured. */
    private static final class MailWatcher implements AutoCloseable {
        private final Emulators emulators;
        private final Map<String, CompletableFuture<CapturedEmail>> mails = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        MailWatcher(Emulators emulators) {
            this.emulators = emulators;
            this.thread = Thread.ofPlatform().daemon().name("bench-mail-watcher").start(this::watch);
        }

        CompletableFuture<CapturedEmail> mailFor(String orderId) {
            return mails.computeIfAbsent(orderId, k -> new CompletableFuture<>());
        }

        private void watch() {
            int seen = 0;
            while (running) {
                List<CapturedEmail> all = emulators.ses().messages();
                for (int i = seen; i < all.size(); i++) {
                    Matcher m = ORDER_ID.matcher(String.valueOf(all.get(i).subject()));
                    if (m.find()) {
                        mailFor(m.group(1)).complete(all.get(i));
                    }
                }
                seen = Math.max(seen, all.size());
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}
