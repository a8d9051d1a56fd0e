package dev.cartwheel.local.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One execution environment: a JVM started as Lambda's java runtime starts it, talking to its own Lambda Runtime API
 * ({@code /2018-06-01/runtime/invocation/next}, {@code .../{id}/response}, {@code .../{id}/error},
 * {@code /2018-06-01/runtime/init/error}) served on 127.0.0.1 on a port of its own, like the per-sandbox API on Lambda.
 * One invocation at a time.
 */
public final class FunctionInstance implements AutoCloseable {

    /** How long a cold start may take before the local cloud gives up (Lambda's init limit is 10 s; 2 slow cores). */
    static final long INIT_LIMIT_MS = Long.getLong("cartwheel.local.initLimitMs", 60_000);

    private final FunctionSpec spec;
    private final LambdaRuntime runtime;
    private final LambdaEnvironment environment;
    private final Consumer<String> log;
    private final String id;
    private final HttpServer server;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ConcurrentHashMap<String, Pending> inFlight = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> initialised = new CompletableFuture<>();
    private volatile Process process;
    private volatile long startedNanos;
    private volatile boolean initReported;
    private volatile boolean dead;

    private static final Pending POISON = new Pending("", new byte[0], new CompletableFuture<>(), new long[]{0});

    private record Pending(String requestId, byte[] payload, CompletableFuture<Outcome> outcome, long[] handedOverNanos) {
    }

    private record Outcome(InvocationResult.Status status, byte[] body, String errorType) {
    }

    FunctionInstance(FunctionSpec spec, LambdaRuntime runtime, LambdaEnvironment environment, Consumer<String> log)
            throws IOException {
        this.spec = spec;
        this.runtime = runtime;
        this.environment = environment;
        this.log = log;
        this.id = HexFormat.of().formatHex(randomBytes(16));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/2018-06-01/runtime/", this::handle);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** Starts the runtime API and the JVM; the init phase runs until the runtime's first {@code next}. */
    void start() throws IOException {
        server.start();
        String runtimeApi = "127.0.0.1:" + server.getAddress().getPort();
        String stream = LocalDate.now() + "/[$LATEST]" + id;
        ProcessBuilder pb = new ProcessBuilder(runtime.command(spec));
        pb.environment().clear();
        pb.environment().putAll(environment.forFunction(spec, runtimeApi, stream));
        Path dir = spec.codeUri().toAbsolutePath().getParent();
        if (Files.isDirectory(dir)) {
            pb.directory(dir.toFile());
        }
        pb.redirectErrorStream(true);
        startedNanos = System.nanoTime();
        process = pb.start();
        Thread.ofVirtual().name(spec.name() + "-log").start(() -> pump(process.getInputStream()));
        process.onExit().thenAccept(p -> onExit(p.exitValue()));
    }

    private void pump(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.accept(line);
            }
        } catch (IOException ignored) {
            // process gone
        }
    }

    private void onExit(int code) {
        dead = true;
        String message = "Runtime exited with error: exit status " + code;
        if (!initialised.isDone()) {
            initialised.completeExceptionally(new IllegalStateException(message));
        }
        Outcome crash = new Outcome(InvocationResult.Status.CRASH,
                ("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: %s Error: " + message + "\"}")
                        .getBytes(StandardCharsets.UTF_8), "Runtime.ExitError");
        inFlight.values().forEach(p -> p.outcome().complete(crash));
        queue.forEach(p -> p.outcome().complete(crash));
    }

    FunctionSpec spec() {
        return spec;
    }

    /** Completes when the init phase ended (the runtime's first {@code next}), or exceptionally when it failed. */
    CompletableFuture<Long> initialised() {
        return initialised;
    }

    public boolean isAlive() {
        return !dead && process != null && process.isAlive();
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Runs one invocation; kills the environment on timeout (the pool replaces it). */
    InvocationResult invoke(String requestId, byte[] payload) {
        Double initMs = null;
        if (!initReported) {
            try {
                long initNanos = initialised.get(INIT_LIMIT_MS, TimeUnit.MILLISECONDS);
                initMs = (initNanos - startedNanos) / 1e6;
                initReported = true;
            } catch (TimeoutException e) {
                close();
                return result(requestId, new Outcome(InvocationResult.Status.INIT_ERROR,
                        error("Sandbox.Timedout", "init did not finish in " + INIT_LIMIT_MS + " ms"), "Sandbox.Timedout"), 0, null);
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                close();
                return result(requestId, new Outcome(InvocationResult.Status.INIT_ERROR,
                        error("Runtime.InitError", String.valueOf(cause.getMessage())), "Runtime.InitError"), 0, null);
            }
        }
        Pending pending = new Pending(requestId, payload, new CompletableFuture<>(), new long[]{0});
        if (dead) {
            return result(requestId, new Outcome(InvocationResult.Status.CRASH,
                    error("Runtime.ExitError", "execution environment is gone"), "Runtime.ExitError"), 0, initMs);
        }
        queue.add(pending);
        long timeoutMs = spec.timeoutSeconds() * 1000L;
        Outcome outcome;
        long begin = System.nanoTime();
        try {
            // the function's Timeout runs from the hand-over on next; allow the hand-over itself a moment
            outcome = pending.outcome().get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            outcome = null;
        } catch (Exception e) {
            outcome = new Outcome(InvocationResult.Status.CRASH, error("Runtime.Unknown", e.toString()), "Runtime.Unknown");
        }
        long handed = pending.handedOverNanos()[0] == 0 ? begin : pending.handedOverNanos()[0];
        double durationMs = (System.nanoTime() - handed) / 1e6;
        if (outcome == null || (outcome.status() == InvocationResult.Status.SUCCESS && durationMs > timeoutMs)) {
            long mem = maxMemoryUsedMb();
            log.accept(String.format(java.util.Locale.ROOT, "%s %s Task timed out after %.2f seconds",
                    java.time.Instant.now(), requestId, spec.timeoutSeconds() + 0.0));
            close();
            inFlight.remove(requestId);
            return new InvocationResult(requestId, InvocationResult.Status.TIMEOUT,
                    error("Sandbox.Timedout", "RequestId: " + requestId + " Error: Task timed out after "
                            + spec.timeoutSeconds() + ".00 seconds"), "Sandbox.Timedout",
                    timeoutMs, initMs, mem, spec.memorySizeMb());
        }
        inFlight.remove(requestId);
        return result(requestId, outcome, durationMs, initMs);
    }

    private InvocationResult result(String requestId, Outcome o, double durationMs, Double initMs) {
        return new InvocationResult(requestId, o.status(), o.body(), o.errorType(), durationMs, initMs,
                maxMemoryUsedMb(), spec.memorySizeMb());
    }

    private static byte[] error(String type, String message) {
        return ("{\"errorType\":\"" + type + "\",\"errorMessage\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Peak resident set size of the JVM (VmHWM), what Lambda reports as Max Memory Used. */
    long maxMemoryUsedMb() {
        Process p = process;
        if (p == null) {
            return 0;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"));
            for (String l : lines) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // process gone or not Linux
        }
        return 0;
    }

    // ------------------------------------------------------------------ Runtime API

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (method.equals("GET") && path.equals("/2018-06-01/runtime/invocation/next")) {
                next(ex);
            } else if (method.equals("POST") && path.equals("/2018-06-01/runtime/init/error")) {
                byte[] body = ex.getRequestBody().readAllBytes();
                String type = ex.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
                log.accept("INIT_REPORT Init Duration: " + String.format(java.util.Locale.ROOT, "%.2f",
                        (System.nanoTime() - startedNanos) / 1e6) + " ms\tPhase: init\tStatus: error\tError Type: " + type);
                log.accept(new String(body, StandardCharsets.UTF_8));
                initialised.completeExceptionally(new IllegalStateException(type + ": " + new String(body, StandardCharsets.UTF_8)));
                send(ex, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && path.startsWith("/2018-06-01/runtime/invocation/")) {
                String[] parts = path.substring("/2018-06-01/runtime/invocation/".length()).split("/");
                if (parts.length != 2) {
                    send(ex, 404, "{\"errorMessage\":\"unknown path\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                Pending p = inFlight.remove(parts[0]);
                byte[] body = ex.getRequestBody().readAllBytes();
                if (p == null) {
                    send(ex, 400, "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                if (parts[1].equals("response")) {
                    p.outcome().complete(new Outcome(InvocationResult.Status.SUCCESS, body, null));
                } else {
                    String type = ex.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
                    p.outcome().complete(new Outcome(InvocationResult.Status.ERROR, body, type == null ? "Unhandled" : type));
                }
                send(ex, 202, "{\"status\":\"OK\"}");
            } else {
                send(ex, 404, "{\"errorMessage\":\"unknown path\"}");
            }
        }
    }

    private void next(HttpExchange ex) throws IOException {
        initialised.complete(System.nanoTime());
        Pending p;
        try {
            p = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (p == POISON) {
            return;
        }
        p.handedOverNanos()[0] = System.nanoTime();
        inFlight.put(p.requestId(), p);
        long deadline = System.currentTimeMillis() + spec.timeoutSeconds() * 1000L;
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "application/json");
        h.set("Lambda-Runtime-Aws-Request-Id", p.requestId());
        h.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
        h.set("Lambda-Runtime-Invoked-Function-Arn", environment.functionArn(spec.name()));
        h.set("Lambda-Runtime-Trace-Id", traceId());
        ex.sendResponseHeaders(200, p.payload().length == 0 ? -1 : p.payload().length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(p.payload());
        }
    }

    private static String traceId() {
        HexFormat hex = HexFormat.of();
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + hex.formatHex(randomBytes(12))
                + ";Parent=" + hex.formatHex(randomBytes(8)) + ";Sampled=1;Lineage=1:" + hex.formatHex(randomBytes(4)) + ":0";
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        dead = true;
        queue.add(POISON);
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server.stop(0);
    }
}
