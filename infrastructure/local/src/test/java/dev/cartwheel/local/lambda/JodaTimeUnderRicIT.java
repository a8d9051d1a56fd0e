package dev.cartwheel.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.ServerlessFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Settles which jars need joda-time, by running them under the real Runtime Interface Client (issue 15). The Lambda
 * runtime's event serializer loads {@code org.joda.time.DateTime} from the function's classpath for every event type
 * it knows (SQS, DynamoDB stream, ...), not for the HTTP API event: so a jar whose handler takes SQS or stream events
 * must carry joda-time and one whose handler takes HTTP API events need not. For each such function: its jar as built
 * handles an event that needs no AWS call (a malformed SQS message becomes a batch-item failure, an empty stream
 * batch, an unknown route a 404) and the same jar with {@code org/joda/} removed fails that very event with the
 * runtime naming joda-time; an HTTP function answers from a jar without joda-time (checkout's carries none; the
 * catalog shares inventory's jar, so it is run with joda-time removed).
 */
class JodaTimeUnderRicIT {

    static final Path ROOT = Path.of(System.getProperty("cartwheel.root", "../..")).toAbsolutePath().normalize();
    static final List<String> logs = new CopyOnWriteArrayList<>();
    static LambdaRuntime runtime;
    static Path work;
    static SamTemplate template;

    @BeforeAll
    static void start() throws IOException {
        work = Files.createTempDirectory("joda-ric");
        runtime = LambdaRuntime.defaults(work.resolve("runtime"));
        template = SamTemplate.load(ROOT.resolve("template.yaml"));
    }

    @AfterAll
    static void printLogs() {
        logs.stream().filter(l -> l.contains("joda") || l.contains("Error")).limit(20).forEach(System.out::println);
    }

    @ParameterizedTest(name = "{0} needs joda-time: {1}")
    @CsvSource({
            "InventoryFunction, true, true",
            "PaymentFunction, true, true",
            "EmailFunction, true, true",
            "OrderEventsFunction, true, true",
            "CheckoutFunction, false, false",
            "CatalogFunction, false, true"})
    void jodaTime_presentExactlyWhereTheRuntimeNeedsIt(String logicalId, boolean needed, boolean carried) throws IOException {
        ServerlessFunction f = template.function(logicalId);
        Path jar = ROOT.resolve(f.codeUri()).normalize();
        assertThat(jar).as("run mvn package first").exists();
        byte[] event = event(f);

        // twice in one environment: the runtime must survive its first invocation too (it calls into the jar's classes)
        for (InvocationResult asBuilt : invoke(f, jar, event, 2)) {
            assertThat(asBuilt.status()).as("%s as built: %s", logicalId, asBuilt.payloadAsString())
                    .isEqualTo(InvocationResult.Status.SUCCESS);
        }
        assertThat(hasJoda(jar)).as("%s carries joda-time", jar.getFileName()).isEqualTo(carried);

        if (!needed && carried) {
            InvocationResult without = invoke(f, withoutJoda(jar, work.resolve(logicalId + "-nojoda.jar")), event, 1).getFirst();
            assertThat(without.status()).as("%s without joda-time: %s", logicalId, without.payloadAsString())
                    .isEqualTo(InvocationResult.Status.SUCCESS);
        }
        if (needed) {
            Path stripped = withoutJoda(jar, work.resolve(logicalId + "-nojoda.jar"));
            logs.clear();
            InvocationResult without = invoke(f, stripped, event, 1).getFirst();
            assertThat(without.status()).as("%s without joda-time: %s", logicalId, without.payloadAsString())
                    .isNotEqualTo(InvocationResult.Status.SUCCESS);
            assertThat(without.payloadAsString() + String.join("\n", logs)).contains("org.joda.time.DateTime");
        }
    }

    private static List<InvocationResult> invoke(ServerlessFunction f, Path jar, byte[] event, int times) {
        Map<String, String> env = new HashMap<>(f.environment());
        // nothing listens there: the events chosen need no AWS call, and a call would fail rather than reach AWS
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        FunctionSpec spec = new FunctionSpec(f.logicalId(), jar, f.handler(), 512, 30, null, env, "Text", List.of(), List.of());
        LambdaEnvironment environment = new LambdaEnvironment("us-east-1", "000000000000", "local", "local", null, Map.of());
        List<InvocationResult> results = new ArrayList<>();
        try (FunctionPool pool = new FunctionPool(spec, runtime, environment, 1, logs::add)) {
            for (int i = 0; i < times; i++) {
                results.add(pool.invoke(event));
            }
        }
        return results;
    }

    private static byte[] event(ServerlessFunction f) {
        String type = f.events().values().stream().map(e -> e.type()).findFirst().orElseThrow();
        String json = switch (type) {
            case "SQS" -> "{\"Records\":[{\"messageId\":\"m-1\",\"receiptHandle\":\"r-1\",\"body\":\"not json\","
                    + "\"attributes\":{\"ApproximateReceiveCount\":\"1\",\"SentTimestamp\":\"1700000000000\"},"
                    + "\"messageAttributes\":{},\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:q\","
                    + "\"awsRegion\":\"us-east-1\"}]}";
            case "DynamoDB" -> "{\"Records\":[]}";
            case "HttpApi" -> "{\"version\":\"2.0\",\"routeKey\":\"GET /no-such-route\",\"rawPath\":\"/no-such-route\","
                    + "\"headers\":{},\"requestContext\":{\"http\":{\"method\":\"GET\",\"path\":\"/no-such-route\"},"
                    + "\"requestId\":\"joda-check\"},\"isBase64Encoded\":false}";
            default -> throw new IllegalArgumentException("no event for a " + type + " function");
        };
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean hasJoda(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().startsWith("org/joda/"));
        }
    }

    private static Path withoutJoda(Path jar, Path target) throws IOException {
        List<String> dropped = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(target);
             ZipOutputStream out = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.getName().startsWith("org/joda/")) {
                    dropped.add(entry.getName());
                    continue;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream in = zip.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        assertThat(dropped).as("joda-time entries removed from %s", jar.getFileName()).isNotEmpty();
        return target;
    }
}
