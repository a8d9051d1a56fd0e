package dev.cartwheel.systemtests;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cartwheel.testing.QueuePump;
import dev.cartwheel.testing.QueuePumpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Pumps that run beside the test's own threads, as the event source mappings run beside API calls: each of
 * {@code threads} pumps every queue in turn (so each function has up to {@code threads} concurrent invocations)
 * until {@link #awaitDrained} says the callers are done and every queue is empty (nothing visible, in flight or
 * delayed).
 */
final class BackgroundPumps implements AutoCloseable {

    private final ExecutorService pool;
    private final List<Future<?>> workers = new ArrayList<>();
    private volatile boolean finishing;
    private volatile long deadline = Long.MAX_VALUE;

    BackgroundPumps(QueuePump pump, Map<String, Function<SQSEvent, SQSBatchResponse>> routes, int threads) {
        AtomicInteger names = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, work -> new Thread(work, "pump-" + names.incrementAndGet()));
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                while (true) {
                    boolean delivered = false;
                    for (var route : routes.entrySet()) {
                        delivered |= !pump.pumpOnce(route.getKey(), route.getValue()).isEmpty();
                    }
                    if (delivered) {
                        continue;
                    }
                    if (finishing && routes.keySet().stream().allMatch(url -> pump.approximateCount(url) == 0)) {
                        return null;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new QueuePumpTimeoutException("queues not drained in time");
                    }
                    Thread.sleep(20);
                }
            }));
        }
    }

    /** The callers are done: pumps on until every queue is empty, then stops; fails if a pump failed or time ran out. */
    void awaitDrained(Duration timeout) {
        deadline = System.nanoTime() + timeout.toNanos();
        finishing = true;
        try {
            for (Future<?> worker : workers) {
                worker.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a pump failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
