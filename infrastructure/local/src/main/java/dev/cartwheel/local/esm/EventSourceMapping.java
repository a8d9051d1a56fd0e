package dev.cartwheel.local.esm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.local.lambda.FunctionPool;
import dev.cartwheel.local.lambda.InvocationResult;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What every event source mapping shares: its function and mapping, its lifecycle (pollers on virtual threads,
 * started once, stopped by {@link #close()}), the poll loop with its pause after an error, the synchronous invocation
 * with the event Lambda builds, and the counters of invocations and failed invocations. A subclass says how to read
 * one batch from its source and what to do with the function's answer.
 *
 * @param <M> the mapping's settings from the template
 */
public abstract sealed class EventSourceMapping<M> implements AutoCloseable
        permits SqsEventSourceMapping, DynamoDbStreamEventSourceMapping {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PAUSE_AFTER_ERROR = Duration.ofSeconds(1);

    private final String functionName;
    private final String eventName;
    private final boolean enabled;
    private final M mapping;
    private final FunctionPool function;
    private final Consumer<String> log;
    private final List<Thread> pollers = new CopyOnWriteArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private volatile boolean running;

    EventSourceMapping(String functionName, M mapping, String eventName, boolean enabled, FunctionPool function,
                       Consumer<String> log) {
        this.functionName = functionName;
        this.mapping = mapping;
        this.eventName = eventName;
        this.enabled = enabled;
        this.function = function;
        this.log = log;
    }

    public final String functionName() {
        return functionName;
    }

    public final M mapping() {
        return mapping;
    }

    /** Invocations so far. */
    public final long batches() {
        return batches.get();
    }

    /** Invocations that failed: a function error, or items the function reported as failed. */
    public final long failedBatches() {
        return failedBatches.get();
    }

    /** Opens the source and starts the pollers; a mapping disabled in the template does nothing. */
    public final void start() {
        if (!enabled) {
            return;
        }
        open();
        running = true;
        for (int i = 0; i < pollerCount(); i++) {
            pollers.add(Thread.ofVirtual().name("esm-" + functionName + "-" + eventName + "-" + i).start(this::loop));
        }
    }

    /** Called once before the pollers start (e.g. a LATEST stream mapping takes the stream's end now). */
    void open() {
    }

    /** How many pollers read the source concurrently. */
    abstract int pollerCount();

    /**
     * Reads one batch and, if there is one, invokes the function with it and settles the batch with the source.
     * Returns false when the source had nothing, so the poller waits {@link #idleWait()} before it asks again.
     */
    abstract boolean pollOnce() throws InterruptedException;

    /** How long a poller waits after a poll that found nothing (none for a source that long-polls). */
    Duration idleWait() {
        return Duration.ZERO;
    }

    private void loop() {
        while (running) {
            try {
                if (!pollOnce() && running && !idleWait().isZero()) {
                    Thread.sleep(idleWait());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log("poll error: " + e.getMessage());
                try {
                    Thread.sleep(PAUSE_AFTER_ERROR);
                } catch (InterruptedException stopped) {
                    return;
                }
            }
        }
    }

    final boolean running() {
        return running;
    }

    /** Invokes the function synchronously with {@code event}, counting the invocation and, if it failed, the failure. */
    final InvocationResult invoke(ObjectNode event) {
        batches.incrementAndGet();
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        InvocationResult result = function.invoke(payload);
        if (!result.ok()) {
            failedBatches.incrementAndGet();
        }
        return result;
    }

    /** Counts a successful invocation whose answer reported failed items. */
    final void countReportedFailure() {
        failedBatches.incrementAndGet();
    }

    final FunctionPool function() {
        return function;
    }

    /** A line of this mapping's log, prefixed with its event's name. */
    final void log(String message) {
        log.accept("event source mapping " + eventName + ": " + message);
    }

    @Override
    public final void close() {
        running = false;
        pollers.forEach(Thread::interrupt);
    }
}
