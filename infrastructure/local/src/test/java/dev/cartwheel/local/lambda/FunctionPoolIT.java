package dev.cartwheel.local.lambda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Lambda Runtime API and process model with a test function run by the real Runtime Interface Client:
 * cold then warm, per-process environment, scale-out up to the reserved concurrency, replacement after a
 * timeout and after a crash, handler errors, REPORT lines.
 */
class FunctionPoolIT {

    static final Path TEST_CLASSES = Path.of("target/test-classes").toAbsolutePath();
    static LambdaRuntime runtime;
    static final List<String> logs = new CopyOnWriteArrayList<>();
    static FunctionPool echo;
    static FunctionPool limited;

    @BeforeAll
    static void start() throws Exception {
        runtime = LambdaRuntime.defaults(Files.createTempDirectory("lambda-runtime"));
        LambdaEnvironment env = new LambdaEnvironment("us-east-1", "000000000000", "local", "local", null, Map.of());
        echo = new FunctionPool(spec("Echo", 3, null), runtime, env, 4, logs::add);
        limited = new FunctionPool(spec("Limited", 20, 2), runtime, env, 4, logs::add);
    }

    static FunctionSpec spec(String name, int timeout, Integer reserved) {
        return new FunctionSpec(name, TEST_CLASSES, "dev.cartwheel.local.fixture.EchoHandler::handleRequest", 256, timeout,
                reserved, Map.of("FIXTURE_NAME", name + "-env"), "JSON", List.of(), List.of());
    }

    @AfterAll
    static void stop() {
        logs.forEach(System.out::println);
        echo.close();
        limited.close();
    }

    static byte[] event(String path) {
        return ("{\"version\":\"2.0\",\"rawPath\":\"" + path + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static long pid(InvocationResult r) {
        Matcher m = Pattern.compile("\\\\\"pid\\\\\":(\\d+)").matcher(r.payloadAsString());
        assertThat(m.find()).as(r.payloadAsString()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void coldThenWarmInTheSameProcessWithTheTemplateEnvironment() {
        InvocationResult first;
        InvocationResult second;
        try (FunctionPool fresh = new FunctionPool(spec("Echo", 3, null), runtime,
                new LambdaEnvironment("us-east-1", "000000000000", "local", "local", null, Map.of()), 4, logs::add)) {
            first = fresh.invoke(event("/a"));
            second = fresh.invoke(event("/b"));
        }
        assertThat(first.status()).as(first.payloadAsString()).isEqualTo(InvocationResult.Status.SUCCESS);
        assertThat(second.status()).isEqualTo(InvocationResult.Status.SUCCESS);
        assertThat(first.initDurationMs()).isNotNull().isPositive();
        assertThat(second.initDurationMs()).isNull();
        assertThat(pid(first)).isEqualTo(pid(second));
        assertThat(first.payloadAsString()).contains("Echo-env").contains("\\\"AWS_LAMBDA_FUNCTION_NAME\\\":\\\"Echo\\\"")
                .contains("\\\"requestId\\\":\\\"" + first.requestId() + "\\\"");
        assertThat(first.reportLine()).startsWith("REPORT RequestId: " + first.requestId()).contains("Init Duration: ")
                .contains("Memory Size: 256 MB").containsPattern("Max Memory Used: [1-9]\\d* MB");
        assertThat(logs).anyMatch(l -> l.startsWith("REPORT RequestId: " + second.requestId()));
    }

    @Test
    void handlerExceptionIsAnErrorResponseAndTheEnvironmentStaysWarm() {
        InvocationResult ok = echo.invoke(event("/warm"));
        InvocationResult err = echo.invoke(event("/throw"));
        InvocationResult after = echo.invoke(event("/after"));
        assertThat(err.status()).isEqualTo(InvocationResult.Status.ERROR);
        assertThat(err.payloadAsString()).contains("boom").contains("IllegalStateException");
        assertThat(pid(after)).isEqualTo(pid(ok));
    }

    @Test
    void timeoutKillsTheEnvironmentAndTheNextInvocationStartsColdInANewOne() {
        InvocationResult before = echo.invoke(event("/x"));
        InvocationResult timedOut = echo.invoke(event("/sleep"));
        assertThat(timedOut.status()).isEqualTo(InvocationResult.Status.TIMEOUT);
        assertThat(timedOut.reportLine()).contains("Status: timeout");
        assertThat(ProcessHandle.of(pid(before)).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        InvocationResult after = echo.invoke(event("/y"));
        assertThat(after.status()).isEqualTo(InvocationResult.Status.SUCCESS);
        assertThat(after.initDurationMs()).isNotNull();
        assertThat(pid(after)).isNotEqualTo(pid(before));
    }

    @Test
    void crashIsReportedAndReplaced() {
        InvocationResult before = limited.invoke(event("/x"));
        InvocationResult crash = limited.invoke(event("/crash"));
        assertThat(crash.status()).isEqualTo(InvocationResult.Status.CRASH);
        assertThat(crash.payloadAsString()).contains("Runtime.ExitError").contains("exit status 7");
        InvocationResult after = limited.invoke(event("/y"));
        assertThat(after.status()).isEqualTo(InvocationResult.Status.SUCCESS);
        assertThat(pid(after)).isNotEqualTo(pid(before));
    }

    @Test
    void scalesOutUnderLoadButNeverBeyondReservedConcurrency() throws Exception {
        limited.invoke(event("/warm"));
        try (var pool = Executors.newFixedThreadPool(5)) {
            List<Future<InvocationResult>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(pool.submit(() -> limited.invoke(event("/load"))));
            }
            java.util.Set<Long> pids = new java.util.HashSet<>();
            for (Future<InvocationResult> f : futures) {
                InvocationResult r = f.get();
                assertThat(r.status()).isEqualTo(InvocationResult.Status.SUCCESS);
                pids.add(pid(r));
            }
            assertThat(pids).hasSizeBetween(1, 2);
        }
        assertThat(limited.liveInstances()).isLessThanOrEqualTo(2);
    }
}
