package dev.cartwheel.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.checkout.CheckoutHandler;
import dev.cartwheel.emulators.Emulators;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.ServerlessFunction;
import dev.cartwheel.inventory.InventoryHandler;
import dev.cartwheel.local.lambda.FunctionPool;
import dev.cartwheel.local.lambda.FunctionSpec;
import dev.cartwheel.local.lambda.InvocationResult;
import dev.cartwheel.local.lambda.LambdaEnvironment;
import dev.cartwheel.local.lambda.LambdaRuntime;
import dev.cartwheel.payment.PaymentHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Cold start per function, as Lambda starts it: a fresh JVM with the java25 runtime's flags running the function's
 * own jar under the Runtime Interface Client, against a Runtime API of the local cloud ({@link FunctionPool}), handling
 * one representative event that does the function's real work against the embedded emulators (an order in the state
 * the step expects). Each run records process start -> init done (the client's first {@code next}), the handler's
 * duration, process start -> first response (wall clock, spawn included) and the peak RSS (VmHWM).
 *
 * <p>Three variants: Lambda's defaults; an AppCDS archive ({@code -XX:ArchiveClassesAtExit} in a training run, then
 * {@code -XX:SharedArchiveFile}); a JDK 25 AOT cache (JEP 514: {@code -XX:AOTCacheOutput} in a training run, then
 * {@code -XX:AOTCache}). The options travel in {@code JAVA_TOOL_OPTIONS}, which Lambda honours, so the command line
 * stays Lambda's. Training runs handle two events, then get SIGTERM so that the JVM exits in order and writes the
 * archive. The jars are copied to {@code target/bench/cold/} first so that a rebuild elsewhere cannot invalidate an
 * archive between training and use. Runs are interleaved (run i of every function and variant, then run i+1) so that
 * load from other processes on the machine spreads over all variants alike.
 *
 * <p>Longer than 400 lines on purpose: one benchmark, read top to bottom (prepare, train, measure, print), with its
 * event fixtures and the two yardsticks' specs beside it.
 */
final class ColdStartBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The plain-Java yardstick (infrastructure/bench/baseline, never deployed), then Cartwheel's functions: all four, or
     * those of {@code -Dbench.coldFunctions=payment,checkout}. */
    static final String BASELINE = "baseline";
    /** The second yardstick: checkout's AWS calls and nothing else (CheckoutCallsHandler), the floor under checkout. */
    static final String CALLS_ONLY = "calls-only";
    private static final List<String> MEASURED = List.of(System.getProperty("bench.coldFunctions",
            "checkout,inventory,payment,email").split(","));
    private static final List<String> FUNCTIONS = java.util.stream.Stream.of(
            java.util.stream.Stream.of(BASELINE), MEASURED.contains("checkout") ? java.util.stream.Stream.of(CALLS_ONLY)
                    : java.util.stream.Stream.<String>empty(), MEASURED.stream()).flatMap(f -> f).toList();
    private static final List<String> VARIANTS = List.of("default", "appcds", "aot");
    private static final Map<String, String> LOGICAL_IDS = Map.of("checkout", "CheckoutFunction",
            "inventory", "InventoryFunction", "payment", "PaymentFunction", "email", "EmailFunction");
    private static final int TRAINING_EVENTS = 2;
    private static final long TRAINING_EXIT_SECONDS = 240;

    private ColdStartBench() {
    }

    record Sample(double initMs, double handlerMs, double firstResponseMs, long rssMb) {
    }

    static ObjectNode run(Path root, int runs, PrintStream report) throws IOException {
        long began = System.nanoTime();
        ObjectNode result = JSON.createObjectNode().put("runsPerVariant", runs);
        Path work = root.resolve("target").resolve("bench").resolve("cold");
        Files.createDirectories(work);
        Path javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
        boolean aotSupported = Runtime.version().feature() >= 25;
        List<String> variants = (aotSupported ? VARIANTS : List.of("default", "appcds")).stream()
                .filter(List.of(System.getProperty("bench.coldVariants", "default,appcds,aot").split(","))::contains).toList();
        if (!aotSupported) {
            report.println("cold start: this JVM is " + Runtime.version() + ", the AOT cache variant needs JDK 25: skipped");
        }
        Path runtimeDir = Optional.ofNullable(System.getProperty("lambda.runtime.dir")).map(Path::of)
                .orElse(root.resolve("infrastructure").resolve("local").resolve("target").resolve("lambda-runtime"));
        LambdaRuntime runtime = new LambdaRuntime(javaBinary, runtimeDir, work.resolve("runtime"));

        try (Emulators emulators = Emulators.startEmbedded()) {
            String prefix = "cold" + UUID.randomUUID().toString().substring(0, 6);
            SamTemplate template = SamTemplate.load(root.resolve("template.yaml")).withRegion(emulators.region()).withStackName(prefix)
                    .withParameters(WarmBench.benchParameters());
            ProvisionedResources resources = WarmBench.provisionWithProducts(emulators, template, prefix);
            SamTemplate resolved = template.withResources(resources);
            LambdaEnvironment environment = new LambdaEnvironment(emulators.region(), SamTemplate.DEFAULT_ACCOUNT_ID,
                    emulators.endpoints().accessKeyId(), emulators.endpoints().secretAccessKey(), null, Map.of(
                    "AWS_ENDPOINT_URL_DYNAMODB", emulators.endpoints().dynamoDb().toString(),
                    "AWS_ENDPOINT_URL_SQS", emulators.endpoints().sqs().toString(),
                    "AWS_ENDPOINT_URL_SESV2", emulators.endpoints().ses().toString(),
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER", emulators.endpoints().secretsManager().toString()));

            // orders in the state each SQS step expects, made by the handlers in this JVM before any measurement
            int eventsPerFunction = runs * variants.size() + TRAINING_EVENTS * (variants.size() - 1);
            Map<String, Deque<String>> orders = prepareOrders(emulators, resolved, eventsPerFunction);

            Map<String, FunctionSpec> specs = new LinkedHashMap<>();
            for (String function : FUNCTIONS) {
                specs.put(function, switch (function) {
                    case BASELINE -> baselineSpec(root, work, resolved);
                    case CALLS_ONLY -> callsOnlySpec(root, work, resolved);
                    default -> spec(root, work, resolved.function(LOGICAL_IDS.get(function)));
                });
            }

            // training runs
            Map<String, Map<String, String>> flags = new HashMap<>();
            ObjectNode training = result.putObject("training");
            report.printf("%nCold start: training runs (%d events each, then SIGTERM so the JVM writes its archive)%n", TRAINING_EVENTS);
            for (String function : FUNCTIONS) {
                flags.put(function, new HashMap<>(Map.of("default", "")));
                for (String variant : variants.subList(1, variants.size())) {
                    Path archive = work.resolve(function + (variant.equals("aot") ? ".aot" : ".jsa"));
                    Files.deleteIfExists(archive);
                    String trainFlag = variant.equals("aot") ? "-XX:AOTCacheOutput=" + archive : "-XX:ArchiveClassesAtExit=" + archive;
                    long t0 = System.nanoTime();
                    String problem = train(runtime, environment, specs.get(function), trainFlag, function, orders);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    boolean written = Files.isRegularFile(archive) && Files.size(archive) > 0;
                    long bytes = written ? Files.size(archive) : 0;
                    report.printf("  %-10s %-7s %s (%.1f s)%s%n", function, variant,
                            written ? "archive written, " + String.format("%,d", bytes) + " bytes: " + archive.getFileName()
                                    : "NO ARCHIVE WRITTEN", seconds, problem == null ? "" : " - " + problem);
                    training.putObject(function + "/" + variant).put("archive", archive.toString()).put("written", written)
                            .put("bytes", bytes).put("seconds", seconds).put("problem", problem);
                    if (written) {
                        flags.get(function).put(variant, variant.equals("aot") ? "-XX:AOTCache=" + archive
                                : "-XX:SharedArchiveFile=" + archive);
                    }
                }
            }

            // measured runs, interleaved
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            Map<String, List<String>> problems = new LinkedHashMap<>();
            for (int i = 0; i < runs; i++) {
                for (String function : FUNCTIONS) {
                    for (String variant : variants) {
                        String key = function + "/" + variant;
                        String flag = flags.get(function).get(variant);
                        if (flag == null) {
                            continue; // no archive: reported above
                        }
                        List<String> log = new CopyOnWriteArrayList<>();
                        try {
                            Sample s = measure(runtime, environment, specs.get(function), flag, function, orders, log);
                            samples.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                        } catch (IllegalStateException e) {
                            problems.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getMessage());
                        }
                        log.stream().filter(ColdStartBench::archiveWarning).map(line -> line.replaceFirst("^\\[[0-9.]+s\\]", ""))
                                .forEach(line -> {
                                    List<String> list = problems.computeIfAbsent(key, k -> new ArrayList<>());
                                    if (!list.contains(line)) {
                                        list.add(line);
                                    }
                                });
                    }
                }
                report.printf("  run %d/%d done%n", i + 1, runs);
            }

            report.printf("%nCold start per function, ms: fresh JVM under the Runtime Interface Client, Lambda java25 flags "
                    + "(-XX:+TieredCompilation -XX:TieredStopAtLevel=1, SerialGC, MemorySize 1024), %d runs each%n", runs);
            report.printf("init = process start -> first /next; first response = process start -> response (wall clock, spawn included)%n");
            report.printf("%-10s %-8s %4s %9s %9s %9s %9s %11s %11s %8s %8s%n", "function", "variant", "n", "init p50", "init max",
                    "handl p50", "handl max", "first p50", "first max", "RSS p50", "RSS max");
            ObjectNode byFunction = result.putObject("functions");
            for (String function : FUNCTIONS) {
                for (String variant : variants) {
                    String key = function + "/" + variant;
                    List<Sample> list = samples.getOrDefault(key, List.of());
                    ObjectNode fnNode = byFunction.has(function) ? (ObjectNode) byFunction.get(function) : byFunction.putObject(function);
                    ObjectNode node = fnNode.putObject(variant);
                    node.put("flags", flags.get(function).getOrDefault(variant, null));
                    ArrayNode problemList = node.putArray("problems");
                    problems.getOrDefault(key, List.of()).forEach(problemList::add);
                    if (list.isEmpty()) {
                        report.printf("%-10s %-8s %4d   (no successful run%s)%n", function, variant, 0,
                                problems.containsKey(key) ? ": " + problems.get(key).getFirst() : "");
                        continue;
                    }
                    Stats init = Stats.ofMillis(list.stream().mapToDouble(Sample::initMs).toArray());
                    Stats handler = Stats.ofMillis(list.stream().mapToDouble(Sample::handlerMs).toArray());
                    Stats first = Stats.ofMillis(list.stream().mapToDouble(Sample::firstResponseMs).toArray());
                    long[] rss = list.stream().mapToLong(Sample::rssMb).sorted().toArray();
                    long rssP50 = rss[(int) Math.ceil(0.5 * rss.length) - 1];
                    report.printf("%-10s %-8s %4d %9.0f %9.0f %9.0f %9.0f %11.0f %11.0f %8d %8d%n", function, variant, list.size(),
                            init.p50Ms(), init.maxMs(), handler.p50Ms(), handler.maxMs(), first.p50Ms(), first.maxMs(), rssP50, rss[rss.length - 1]);
                    node.put("runs", list.size());
                    node.set("initMs", JSON.valueToTree(init));
                    node.set("handlerMs", JSON.valueToTree(handler));
                    node.set("firstResponseMs", JSON.valueToTree(first));
                    node.put("rssMbP50", rssP50).put("rssMbMax", rss[rss.length - 1]);
                    ArrayNode raw = node.putArray("samples");
                    list.forEach(s -> raw.add(JSON.valueToTree(s)));
                }
            }
            printRatios(report, samples, variants);
            printFloor(report, samples, variants);
            problems.forEach((key, list) -> report.printf("  note %s: %s%s%n", key, list.getFirst(),
                    list.size() > 1 ? " (+" + (list.size() - 1) + " more)" : ""));
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        report.printf("cold start bench took %.0f s%n", seconds);
        result.put("seconds", seconds);
        return result;
    }

    /**
     * Every figure as a ratio to the baseline's figure of the same variant (p50 over p50), which carries over across
     * machines: issue 14's target is first response at most 0.6x the baseline, default flags and AOT cache alike.
     */
    private static void printRatios(PrintStream report, Map<String, List<Sample>> samples, List<String> variants) {
        report.printf("%nRatio to the plain-Java baseline of the same variant (p50 / baseline p50; target: first response <= 0.60)%n");
        report.printf("%-10s %-8s %9s %11s %9s%n", "function", "variant", "init", "first resp", "RSS");
        for (String function : FUNCTIONS) {
            for (String variant : variants) {
                List<Sample> list = samples.getOrDefault(function + "/" + variant, List.of());
                List<Sample> base = samples.getOrDefault(BASELINE + "/" + variant, List.of());
                if (list.isEmpty() || base.isEmpty()) {
                    continue;
                }
                report.printf("%-10s %-8s %8.2fx %10.2fx %8.2fx%n", function, variant,
                        p50(list, Sample::initMs) / p50(base, Sample::initMs),
                        p50(list, Sample::firstResponseMs) / p50(base, Sample::firstResponseMs),
                        p50(list, s -> s.rssMb()) / p50(base, s -> s.rssMb()));
            }
        }
    }

    /** Checkout against the handler that makes only its AWS calls: what Cartwheel's own code adds to the first response. */
    private static void printFloor(PrintStream report, Map<String, List<Sample>> samples, List<String> variants) {
        report.printf("%nCheckout against its AWS calls alone (calls-only: the same Query, 2 BatchGetItem, TransactWriteItems and "
                + "SendMessage, hard-coded, on SDK v2)%n");
        report.printf("%-8s %12s %12s %12s %14s %14s%n", "variant", "floor first", "checkout", "difference", "floor/baseline",
                "target (0.6x)");
        for (String variant : variants) {
            List<Sample> floor = samples.getOrDefault(CALLS_ONLY + "/" + variant, List.of());
            List<Sample> checkout = samples.getOrDefault("checkout/" + variant, List.of());
            List<Sample> base = samples.getOrDefault(BASELINE + "/" + variant, List.of());
            if (floor.isEmpty() || checkout.isEmpty() || base.isEmpty()) {
                continue;
            }
            double floorMs = p50(floor, Sample::firstResponseMs);
            double checkoutMs = p50(checkout, Sample::firstResponseMs);
            double baseMs = p50(base, Sample::firstResponseMs);
            report.printf("%-8s %10.0f ms %9.0f ms %+9.0f ms %13.2fx %11.0f ms%n", variant, floorMs, checkoutMs,
                    checkoutMs - floorMs, floorMs / baseMs, 0.6 * baseMs);
        }
    }

    private static double p50(List<Sample> list, java.util.function.ToDoubleFunction<Sample> metric) {
        return Stats.ofMillis(list.stream().mapToDouble(metric).toArray()).p50Ms();
    }

    /** The calls-only yardstick's jar, with checkout's table and queue variables. */
    private static FunctionSpec callsOnlySpec(Path root, Path work, SamTemplate resolved) throws IOException {
        Path copy = yardstickJar(root, work, "checkout-calls.jar", CALLS_ONLY);
        Map<String, String> checkout = resolved.function("CheckoutFunction").environment();
        Map<String, String> environment = new LinkedHashMap<>();
        for (String name : List.of("ORDERS_TABLE", "PRODUCTS_TABLE", "IDEMPOTENCY_TABLE", "SHIPPING_ADDRESSES_TABLE", "INVENTORY_QUEUE_URL")) {
            environment.put(name, checkout.get(name));
        }
        return new FunctionSpec("CheckoutCallsFunction", copy, "dev.cartwheel.bench.baseline.CheckoutCallsHandler::handleRequest",
                1024, 30, null, environment, "Text", List.of(), List.of());
    }

    /** A yardstick's jar from infrastructure/bench/baseline/target, copied to its own directory like the functions' jars. */
    private static Path yardstickJar(Path root, Path work, String jarName, String name) throws IOException {
        Path jar = root.resolve("infrastructure/bench/baseline/target").resolve(jarName);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package first");
        }
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        Path copy = dir.resolve(jar.getFileName());
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        return copy;
    }

    /** The baseline's shaded jar, copied like the functions' jars; it reads the template's products table. */
    private static FunctionSpec baselineSpec(Path root, Path work, SamTemplate resolved) throws IOException {
        Path copy = yardstickJar(root, work, "baseline.jar", BASELINE);
        String table = resolved.function("CheckoutFunction").environment().get("PRODUCTS_TABLE");
        return new FunctionSpec("BaselineFunction", copy, "dev.cartwheel.bench.baseline.GetItemHandler::handleRequest", 1024, 30,
                null, Map.of("TABLE_NAME", table), "Text", List.of(), List.of());
    }

    /** A JVM warning that an archive or cache was rejected or only partly usable. */
    private static boolean archiveWarning(String line) {
        if (line.contains("An error has occurred while processing the shared archive") || line.contains("Picked up JAVA_TOOL_OPTIONS")) {
            return false;
        }
        return line.contains("[cds]") || line.contains("[aot]") || line.contains("shared archive") || line.contains("AOT cache")
                || line.contains("AOTCache");
    }

    /** The template's function, its jar copied under {@code work} (the copy is what runs). */
    private static FunctionSpec spec(Path root, Path work, ServerlessFunction f) throws IOException {
        Path jar = root.resolve(f.codeUri()).normalize();
        Path dir = work.resolve(jar.getFileName().toString().replace(".jar", ""));
        Files.createDirectories(dir);
        Path copy = dir.resolve(jar.getFileName());
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        Object logging = f.properties().get("LoggingConfig");
        String logFormat = logging instanceof Map<?, ?> m && m.get("LogFormat") != null ? m.get("LogFormat").toString() : "Text";
        return new FunctionSpec(f.logicalId(), copy, f.handler(), f.memorySize(), f.timeout(), null, f.environment(),
                logFormat, List.of(), List.of());
    }

    private static FunctionSpec withToolOptions(FunctionSpec spec, String options) {
        if (options.isEmpty()) {
            return spec;
        }
        Map<String, String> env = new HashMap<>(spec.environment());
        env.put("JAVA_TOOL_OPTIONS", options);
        return new FunctionSpec(spec.name(), spec.codeUri(), spec.handler(), spec.memorySizeMb(), spec.timeoutSeconds(),
                null, env, spec.logFormat(), List.of(), List.of());
    }

    /** One cold start: a new pool (so a new JVM), one invocation, then the JVM is killed. */
    private static Sample measure(LambdaRuntime runtime, LambdaEnvironment environment, FunctionSpec spec, String options,
                                  String function, Map<String, Deque<String>> orders, List<String> log) {
        byte[] event = event(function, orders);
        try (FunctionPool pool = new FunctionPool(withToolOptions(spec, options), runtime, environment, 1, log::add)) {
            long t0 = System.nanoTime();
            InvocationResult r = pool.invoke(event);
            double wall = (System.nanoTime() - t0) / 1e6;
            check(function, r);
            return new Sample(r.initDurationMs() == null ? Double.NaN : r.initDurationMs(), r.durationMs(), wall, r.maxMemoryUsedMb());
        }
    }

    /** A training run: a few real events, then SIGTERM and a wait for the JVM (and its archive writing) to end. */
    private static String train(LambdaRuntime runtime, LambdaEnvironment environment, FunctionSpec spec, String options,
                                String function, Map<String, Deque<String>> orders) {
        List<String> log = new CopyOnWriteArrayList<>();
        try (FunctionPool pool = new FunctionPool(withToolOptions(spec, options), runtime, environment, 1, log::add)) {
            for (int i = 0; i < TRAINING_EVENTS; i++) {
                check(function, pool.invoke(event(function, orders)));
            }
            Optional<ProcessHandle> jvm = ProcessHandle.current().children()
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains(spec.handler())).orElse(false))
                    .findFirst();
            if (jvm.isEmpty()) {
                return "function JVM not found among this process's children";
            }
            jvm.get().destroy();
            try {
                jvm.get().onExit().get(TRAINING_EXIT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                return "JVM did not exit within " + TRAINING_EXIT_SECONDS + " s of SIGTERM: " + e;
            }
            return log.stream().filter(l -> l.contains("rror") && !l.contains("[warning]")).findFirst().orElse(null);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private static void check(String function, InvocationResult r) {
        if (!r.ok()) {
            throw new IllegalStateException(function + ": " + r.status() + " " + r.payloadAsString());
        }
        JsonNode body = read(r.payloadAsString());
        if (function.equals(BASELINE)) {
            if (body.path("statusCode").asInt() != 200) {
                throw new IllegalStateException("baseline answered " + body.path("statusCode") + ": " + body.path("body").asText());
            }
        } else if (function.equals("checkout") || function.equals(CALLS_ONLY)) {
            if (body.path("statusCode").asInt() != 202) {
                throw new IllegalStateException("checkout answered " + body.path("statusCode") + ": " + body.path("body").asText());
            }
        } else if (body.path("batchItemFailures").size() != 0) {
            throw new IllegalStateException(function + " reported a batch item failure: " + body);
        }
    }

    /** The event for one run: POST /orders from the fixture with a new key, or an SQS record for a prepared order. */
    private static byte[] event(String function, Map<String, Deque<String>> orders) {
        try {
            return switch (function) {
                case BASELINE -> JSON.writeValueAsBytes(JSON.createObjectNode().put("resource", "/products/{sku}")
                        .put("path", "/products/BENCH-A").put("httpMethod", "GET")
                        .<ObjectNode>set("pathParameters", JSON.createObjectNode().put("sku", "BENCH-A"))
                        .<ObjectNode>set("headers", JSON.createObjectNode().put("accept", "application/json"))
                        .<ObjectNode>set("requestContext", JSON.createObjectNode().put("requestId", UUID.randomUUID().toString())
                                .put("stage", "prod").put("httpMethod", "GET")));
                case "checkout", CALLS_ONLY -> {
                    ObjectNode event = (ObjectNode) fixture("checkout-post-order.json");
                    ((ObjectNode) event.get("headers")).put("idempotency-key", "cold-" + UUID.randomUUID());
                    ((ObjectNode) event.get("requestContext")).put("requestId", UUID.randomUUID().toString());
                    event.put("body", WarmBench.ORDER_BODY);
                    yield JSON.writeValueAsBytes(event);
                }
                default -> {
                    String fixture = switch (function) {
                        case "inventory" -> "inventory-order-placed.json";
                        case "payment" -> "payment-stock-reserved.json";
                        default -> "email-order-paid.json";
                    };
                    String type = switch (function) {
                        case "inventory" -> "OrderPlaced";
                        case "payment" -> "StockReserved";
                        default -> "OrderPaid";
                    };
                    String orderId;
                    synchronized (orders) {
                        orderId = orders.get(function).poll();
                    }
                    if (orderId == null) {
                        throw new IllegalStateException("no prepared order left for " + function);
                    }
                    ObjectNode event = (ObjectNode) fixture(fixture);
                    ObjectNode record = (ObjectNode) event.get("Records").get(0);
                    record.put("messageId", UUID.randomUUID().toString());
                    record.put("body", "{\"schemaVersion\":1,\"type\":\"" + type + "\",\"orderId\":\"" + orderId
                            + "\",\"correlationId\":\"cold-" + orderId + "\"}");
                    yield JSON.writeValueAsBytes(event);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode fixture(String name) throws IOException {
        return JSON.readTree(Bench.projectRoot().resolve("events").resolve(name).toFile());
    }

    private static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + s);
        }
    }

    /** {@code count} PENDING orders for inventory, RESERVED ones for payment, PAID ones for e-mail. */
    private static Map<String, Deque<String>> prepareOrders(Emulators emulators, SamTemplate resolved, int count) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
        try {
            CheckoutHandler checkout = new CheckoutHandler(CheckoutHandler.compose(WarmBench.settings(emulators, resolved, "CheckoutFunction")));
            InventoryHandler inventory = new InventoryHandler(InventoryHandler.compose(WarmBench.settings(emulators, resolved, "InventoryFunction")));
            PaymentHandler payment = new PaymentHandler(PaymentHandler.compose(WarmBench.settings(emulators, resolved, "PaymentFunction")));
            Map<String, Deque<String>> orders = new HashMap<>();
            for (String function : List.of("inventory", "payment", "email")) {
                Deque<String> ids = new ArrayDeque<>();
                for (int i = 0; i < count; i++) {
                    APIGatewayV2HTTPResponse placed = checkout.handleRequest(WarmBench.postOrder(i), null);
                    if (placed.getStatusCode() != 202) {
                        throw new IllegalStateException("preparing orders: checkout answered " + placed.getStatusCode() + " " + placed.getBody());
                    }
                    String orderId = read(placed.getBody()).get("orderId").asText();
                    if (!function.equals("inventory")) {
                        expectNoFailure(inventory.handleRequest(WarmBench.sqsEvent("OrderPlaced", orderId), null), orderId);
                    }
                    if (function.equals("email")) {
                        expectNoFailure(payment.handleRequest(WarmBench.sqsEvent("StockReserved", orderId), null), orderId);
                    }
                    ids.add(orderId);
                }
                orders.put(function, ids);
            }
            return orders;
        } finally {
            System.setOut(out);
        }
    }

    private static void expectNoFailure(SQSBatchResponse response, String orderId) {
        if (!response.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException("preparing order " + orderId + ": step failed");
        }
    }
}
