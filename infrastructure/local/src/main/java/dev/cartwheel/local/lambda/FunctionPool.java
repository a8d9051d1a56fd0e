package dev.cartwheel.local.lambda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The execution environments of one function: warm ones are reused (most recently used first), a new one is started
 * when all are busy, up to the concurrency limit (the local cap, or ReservedConcurrentExecutions when the template
 * sets a lower one); an environment that timed out or crashed is discarded and replaced on the next invocation.
 */
public final class FunctionPool implements AutoCloseable {

    private final FunctionSpec spec;
    private final LambdaRuntime runtime;
    private final LambdaEnvironment environment;
    private final Consumer<String> log;
    private final int maxConcurrency;
    private final Semaphore permits;
    private final Deque<FunctionInstance> idle = new ArrayDeque<>();
    private final List<FunctionInstance> all = new ArrayList<>();
    private final AtomicInteger coldStarts = new AtomicInteger();
    private final AtomicInteger invocations = new AtomicInteger();
    /** An environment started ahead and adopted, whose init {@link #prewarm()} waits for instead of starting one. */
    private FunctionInstance adopted;
    private volatile boolean startedAhead;
    private volatile boolean closed;

    public FunctionPool(FunctionSpec spec, LambdaRuntime runtime, LambdaEnvironment environment, int localCap,
                        Consumer<String> log) {
        this.spec = spec;
        this.runtime = runtime;
        this.environment = environment;
        this.log = log;
        // the local cap bounds every function (each environment is a JVM here); a lower reservation bounds it further
        this.maxConcurrency = spec.reservedConcurrency() != null ? Math.min(spec.reservedConcurrency(), localCap) : localCap;
        this.permits = new Semaphore(Math.max(0, maxConcurrency), true);
    }

    public FunctionSpec spec() {
        return spec;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    public int coldStarts() {
        return coldStarts.get();
    }

    public int invocations() {
        return invocations.get();
    }

    /** Whether this pool's first environment was started ahead of the services and adopted (see {@link EarlyEnvironments}). */
    public boolean startedAhead() {
        return startedAhead;
    }

    public synchronized int liveInstances() {
        all.removeIf(i -> !i.isAlive());
        return all.size();
    }

    /**
     * Starts one environment ahead of the first invocation (like provisioned concurrency); its init still reports.
     * The answer completes when the environment's init phase ended (normally or not).
     */
    public CompletableFuture<?> prewarm() {
        synchronized (this) {
            if (adopted != null) {
                FunctionInstance instance = adopted;
                adopted = null;
                return instance.initialised().handle((at, failure) -> at);
            }
        }
        try {
            FunctionInstance instance = newInstance();
            synchronized (this) {
                idle.push(instance);
            }
            return instance.initialised().handle((at, failure) -> at);
        } catch (IOException e) {
            log.accept("prewarm failed: " + e);
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * Takes an environment of this function started ahead (see {@link EarlyEnvironments}) as a prewarmed one: counted as
     * a cold start, reused like any idle environment; {@link #prewarm()} then waits for its init instead of starting one.
     */
    synchronized void adopt(FunctionInstance instance) {
        if (closed || !instance.spec().equals(spec)) {
            instance.close();
            return;
        }
        all.add(instance);
        idle.push(instance);
        adopted = instance;
        startedAhead = true;
        coldStarts.incrementAndGet();
    }

    /** Invokes synchronously (RequestResponse), waiting for a free slot when the concurrency limit is reached. */
    public InvocationResult invoke(byte[] payload) {
        return invoke(UUID.randomUUID().toString(), payload);
    }

    public InvocationResult invoke(String requestId, byte[] payload) {
        if (maxConcurrency == 0) {
            return new InvocationResult(requestId, InvocationResult.Status.ERROR,
                    "{\"errorType\":\"TooManyRequestsException\",\"errorMessage\":\"Rate Exceeded.\"}".getBytes(StandardCharsets.UTF_8),
                    "TooManyRequestsException", 0, null, 0, spec.memorySizeMb());
        }
        permits.acquireUninterruptibly();
        try {
            FunctionInstance instance;
            try {
                instance = takeOrStart();
            } catch (IOException e) {
                return new InvocationResult(requestId, InvocationResult.Status.INIT_ERROR,
                        ("{\"errorType\":\"Runtime.StartError\",\"errorMessage\":\"" + e.getMessage() + "\"}").getBytes(StandardCharsets.UTF_8),
                        "Runtime.StartError", 0, null, 0, spec.memorySizeMb());
            }
            invocations.incrementAndGet();
            log.accept("START RequestId: " + requestId + " Version: $LATEST");
            InvocationResult result = instance.invoke(requestId, payload);
            log.accept("END RequestId: " + requestId);
            log.accept(result.reportLine());
            synchronized (this) {
                if (instance.isAlive() && !closed) {
                    idle.push(instance);
                } else {
                    all.remove(instance);
                    instance.close();
                }
            }
            return result;
        } finally {
            permits.release();
        }
    }

    private FunctionInstance takeOrStart() throws IOException {
        synchronized (this) {
            while (!idle.isEmpty()) {
                FunctionInstance i = idle.pop();
                if (i.isAlive()) {
                    return i;
                }
                all.remove(i);
            }
        }
        return newInstance();
    }

    private FunctionInstance newInstance() throws IOException {
        if (closed) {
            throw new IOException("function pool closed");
        }
        FunctionInstance instance = new FunctionInstance(spec, runtime, environment, log);
        synchronized (this) {
            all.add(instance);
        }
        coldStarts.incrementAndGet();
        instance.start();
        return instance;
    }

    @Override
    public void close() {
        List<FunctionInstance> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(all);
            all.clear();
            idle.clear();
        }
        toClose.parallelStream().forEach(FunctionInstance::close);
    }
}
