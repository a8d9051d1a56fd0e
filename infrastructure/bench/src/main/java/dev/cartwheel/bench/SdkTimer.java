package dev.cartwheel.bench;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Adds up, per thread, the wall time spent inside AWS SDK calls (from before execution to after it, retries
 * included), so that a handler's own overhead is its total time minus this. Registered for every SDK client of
 * the bench JVM by the SDK's global {@code execution.interceptors} resource.
 */
public final class SdkTimer implements ExecutionInterceptor {

    private static final ThreadLocal<long[]> SPENT = ThreadLocal.withInitial(() -> new long[2]);

    /** Nanoseconds spent in SDK calls on this thread since the last reset, and resets. */
    static long takeNanos() {
        long[] spent = SPENT.get();
        long total = spent[0];
        spent[0] = 0;
        return total;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SPENT.get()[1] = System.nanoTime();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        long[] spent = SPENT.get();
        spent[0] += System.nanoTime() - spent[1];
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        long[] spent = SPENT.get();
        spent[0] += System.nanoTime() - spent[1];
    }
}
