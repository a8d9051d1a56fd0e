package dev.cartwheel.local.lambda;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The local Lambda service: one pool of execution environments per function. */
public final class LambdaService implements AutoCloseable {

    private final Map<String, FunctionPool> pools = new LinkedHashMap<>();

    public LambdaService(List<FunctionSpec> functions, LambdaRuntime runtime, LambdaEnvironment environment, int localCap,
                         Function<String, java.util.function.Consumer<String>> logFor) {
        for (FunctionSpec f : functions) {
            pools.put(f.name(), new FunctionPool(f, runtime, environment, localCap, logFor.apply(f.name())));
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

    /** Starts one environment of every function in parallel (they all still report their init on first use). */
    public void prewarm() {
        pools.values().parallelStream().forEach(FunctionPool::prewarm);
    }

    @Override
    public void close() {
        pools.values().parallelStream().forEach(FunctionPool::close);
    }
}
