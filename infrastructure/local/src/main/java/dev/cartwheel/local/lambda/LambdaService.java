package dev.cartwheel.local.lambda;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The local Lambda service: one pool of execution environments per function. */
public final class LambdaService implements AutoCloseable {

    private final Map<String, FunctionPool> pools = new LinkedHashMap<>();

    public LambdaService(List<FunctionSpec> functions, LambdaRuntime runtime, LambdaEnvironment environment, int localCap,
                         Function<String, java.util.function.Consumer<String>> logFor) {
        this(functions, runtime, environment, localCap, logFor, null);
    }

    /**
     * The service, adopting from {@code early} (may be null) each environment started ahead whose function and
     * environment are as planned: {@link #prewarm()} then waits for its init instead of starting another.
     */
    public LambdaService(List<FunctionSpec> functions, LambdaRuntime runtime, LambdaEnvironment environment, int localCap,
                         Function<String, java.util.function.Consumer<String>> logFor, EarlyEnvironments early) {
        for (FunctionSpec f : functions) {
            FunctionPool pool = new FunctionPool(f, runtime, environment, localCap, logFor.apply(f.name()));
            pools.put(f.name(), pool);
            if (early != null && pool.maxConcurrency() > 0) {
                early.take(f, environment).ifPresent(pool::adopt);
            }
        }
    }

    public FunctionPool pool(String name) {
        FunctionPool p = pools.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no function " + name + " in the template (functions: " + pools.keySet() + ")");
        }
        return p;
    }

    public Collection<FunctionPool> pools() {
        return pools.values();
    }

    public InvocationResult invoke(String name, byte[] payload) {
        return pool(name).invoke(payload);
    }

    /**
     * Starts one environment of every function ahead of its first use (they all still report their init on first
     * use), in the background: the functions behind the HTTP API first (they have no queue, stream or schedule to
     * wait for them, and a person's first request goes to one of them), at most as many inits at once as the machine
     * has cores, so that the first ones are not slowed by all the others.
     */
    public void prewarm() {
        List<FunctionPool> order = pools.values().stream()
                .sorted(Comparator.comparing(p -> !p.spec().sqsMappings().isEmpty() || !p.spec().streamMappings().isEmpty()))
                .toList();
        int atOnce = Math.max(1, Runtime.getRuntime().availableProcessors());
        Semaphore inits = new Semaphore(atOnce);
        Thread.ofPlatform().daemon().name("lambda-prewarm").start(() -> {
            for (FunctionPool pool : order) {
                inits.acquireUninterruptibly();
                pool.prewarm().orTimeout(60, TimeUnit.SECONDS)
                        .whenComplete((done, failure) -> inits.release());
            }
        });
    }

    @Override
    public void close() {
        pools.values().parallelStream().forEach(FunctionPool::close);
    }
}
