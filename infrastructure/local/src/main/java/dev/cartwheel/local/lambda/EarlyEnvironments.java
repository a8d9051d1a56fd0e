package dev.cartwheel.local.lambda;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Execution environments started before the services their functions talk to are up, from the functions as they are
 * planned (names and endpoints known ahead), so that their init (the JVM, the handler's classes, its SDK clients: no
 * call to any endpoint) overlaps the services' start and the provisioning. A {@link LambdaService} adopts an
 * environment whose function and environment turned out exactly as planned, as its prewarmed one; the others are
 * stopped. Only a prewarming local cloud starts them: a cold invocation stays cold.
 */
public final class EarlyEnvironments implements AutoCloseable {

    private final Map<String, FunctionInstance> started = new LinkedHashMap<>();
    private final LambdaEnvironment environment;
    private final Consumer<String> log;

    private EarlyEnvironments(LambdaEnvironment environment, Consumer<String> log) {
        this.environment = environment;
        this.log = log;
    }

    /**
     * Starts an environment of each of the first {@code atMost} of {@code planned}, in their order.
     *
     * @param logFor the log of a function, as the {@link LambdaService} will give it
     * @param log    the local cloud's own log
     */
    public static EarlyEnvironments start(List<FunctionSpec> planned, int atMost, LambdaRuntime runtime,
                                          LambdaEnvironment environment, Function<String, Consumer<String>> logFor,
                                          Consumer<String> log) {
        EarlyEnvironments early = new EarlyEnvironments(environment, log);
        for (FunctionSpec spec : planned.subList(0, Math.min(atMost, planned.size()))) {
            FunctionInstance instance;
            try {
                instance = new FunctionInstance(spec, runtime, environment, logFor.apply(spec.name()));
                instance.start();
            } catch (IOException e) {
                log.accept("[LocalCloud] " + spec.name() + " not started ahead: " + e);
                continue;
            }
            synchronized (early) {
                early.started.put(spec.name(), instance);
            }
        }
        return early;
    }

    /**
     * The environment started ahead for {@code spec}, if the function and its environment are what was planned and it
     * still runs; an environment planned differently is stopped.
     */
    synchronized Optional<FunctionInstance> take(FunctionSpec spec, LambdaEnvironment actual) {
        FunctionInstance instance = started.remove(spec.name());
        if (instance == null) {
            return Optional.empty();
        }
        if (instance.spec().equals(spec) && environment.equals(actual) && instance.isAlive()) {
            return Optional.of(instance);
        }
        log.accept("[LocalCloud] " + spec.name() + ": the environment started ahead was planned differently "
                + "(or has stopped), stopped; a new one starts");
        instance.close();
        return Optional.empty();
    }

    /** The names of the functions with an environment started ahead and not yet adopted. */
    public synchronized List<String> functions() {
        return List.copyOf(started.keySet());
    }

    /** Stops the environments no {@link LambdaService} adopted. */
    @Override
    public void close() {
        List<FunctionInstance> left;
        synchronized (this) {
            left = List.copyOf(started.values());
            started.clear();
        }
        left.parallelStream().forEach(FunctionInstance::close);
    }
}
