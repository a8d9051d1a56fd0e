package dev.cartwheel.systemtests.faults;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Decides, at each {@link FaultPoint} the test decorators pass through, whether to fail there, and counts what it
 * injected. Test-only: production code has no flag, the faults live in decorators around the ports
 * ({@link FaultyPorts}) and in an SDK interceptor ({@link DynamoDbFaults}).
 */
public final class Faults {

    /** Whether to inject a fault at {@code point} for {@code orderId} ({@code null} when the call names no order). */
    @FunctionalInterface
    public interface Plan {
        boolean fire(FaultPoint point, String orderId);
    }

    private final Plan plan;
    private final Map<FaultPoint, AtomicInteger> injected = new ConcurrentHashMap<>();
    private final Set<String> firedForOrder = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perOrder = new ConcurrentHashMap<>();
    private volatile Consumer<FaultPoint> onFailedDelivery = point -> { };
    private volatile Hook hook = (at, orderId, version) -> { };

    /** Where the decorators tell a test's {@link Hook} what a step is doing, so that a test can force a race there. */
    public enum Checkpoint {
        /** A step read the order (at {@code version}). */
        ORDER_READ,
        /** A step's write of the order committed (now at {@code version}). */
        ORDER_WRITTEN,
        /** A step's write lost on the version it read ({@code version}): someone else wrote first. */
        ORDER_WRITE_STALE,
        /** The provider authorized the order's payment; the step has not recorded it yet. */
        PROVIDER_AUTHORIZED,
        /** The provider captured the order's payment; the step has not recorded it yet. */
        PROVIDER_CAPTURED
    }

    /** Called on the step's own thread at every {@link Checkpoint}; it may block it (barriers, latches). */
    @FunctionalInterface
    public interface Hook {
        void reached(Checkpoint at, String orderId, long version);
    }

    public Faults(Plan plan) {
        this.plan = plan;
    }

    /** No faults at all: the decorators pass everything through. */
    public static Faults none() {
        return new Faults((point, orderId) -> false);
    }

    /** Fires at each listed point the given number of times (the first calls that reach it), then never again. */
    public static Faults scripted(Map<FaultPoint, Integer> times) {
        Map<FaultPoint, AtomicInteger> left = new ConcurrentHashMap<>();
        times.forEach((point, n) -> left.put(point, new AtomicInteger(n)));
        return new Faults((point, orderId) -> {
            AtomicInteger remaining = left.get(point);
            return remaining != null && remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        });
    }

    public static Faults once(FaultPoint point) {
        return scripted(Map.of(point, 1));
    }

    /**
     * Random faults for the soak: each point fires with its probability, at most {@link FaultPoint#perOrderBound()}
     * times per order, so every message eventually gets through well within {@code maxReceiveCount}.
     */
    public static Faults random(long seed, Map<FaultPoint, Double> probabilities) {
        return random(seed, probabilities, false);
    }

    /**
     * As {@link #random(long, Map)}; with {@code everyPointOnce}, each point with a probability above zero also fires
     * the first time it is asked about an order (within its bound), so that a short run injects every fault it can
     * reach. Each decision is drawn from a generator of its own, derived from the seed, the point, the order and how
     * often the point was asked about that order: it does not depend on which thread asks first.
     */
    public static Faults random(long seed, Map<FaultPoint, Double> probabilities, boolean everyPointOnce) {
        Map<String, AtomicInteger> perOrder = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        Set<FaultPoint> forced = ConcurrentHashMap.newKeySet();
        return new Faults((point, orderId) -> {
            double p = probabilities.getOrDefault(point, 0.0);
            if (p <= 0) {
                return false;
            }
            String subject = point + "|" + orderId;
            int n = asked.computeIfAbsent(subject, k -> new AtomicInteger()).getAndIncrement();
            long mixed = seed * 0x9E3779B97F4A7C15L + subject.hashCode() * 0xC2B2AE3D27D4EB4FL + n;
            boolean roll = new SplittableRandom(mixed).nextDouble() < p;
            // a bounded point is only forced where it names an order, which the bound is counted for
            if (everyPointOnce && (orderId != null || point.perOrderBound() == Integer.MAX_VALUE) && forced.add(point)) {
                roll = true;
            }
            if (!roll) {
                return false;
            }
            int bound = point.perOrderBound();
            if (bound == Integer.MAX_VALUE) {
                return true;
            }
            if (orderId == null) {
                return false;
            }
            return perOrder.computeIfAbsent(point + "|" + orderId, k -> new AtomicInteger()).incrementAndGet() <= bound;
        });
    }

    /** Installs the test's hook (one at a time). */
    public Faults onHook(Hook hook) {
        this.hook = hook;
        return this;
    }

    /** Tells the hook that a step reached {@code at} for the order. */
    public void reach(Checkpoint at, String orderId, long version) {
        hook.reached(at, orderId, version);
    }

    /**
     * Called with the point of every injected crash or refusal that fails a delivery for SQS to bring back after the
     * queue's visibility timeout ({@link #crashIf}, {@link #refuseIf}), before it is thrown: the tests advance the
     * e-mail clock by that timeout.
     */
    public Faults onFailedDelivery(Consumer<FaultPoint> listener) {
        this.onFailedDelivery = listener;
        return this;
    }

    /** Asks the plan; counts and remembers the fault when it fires. */
    public boolean fire(FaultPoint point, String orderId) {
        if (point == null || !plan.fire(point, orderId)) {
            return false;
        }
        injected.computeIfAbsent(point, p -> new AtomicInteger()).incrementAndGet();
        if (orderId != null) {
            firedForOrder.add(point + "|" + orderId);
            perOrder.computeIfAbsent(orderId, k -> new AtomicInteger()).incrementAndGet();
        }
        return true;
    }

    /** Throws a {@link SimulatedCrash} when the plan fires at this crash point. */
    public void crashIf(FaultPoint point, String orderId) {
        if (fire(point, orderId)) {
            onFailedDelivery.accept(point);
            throw new SimulatedCrash(point, orderId);
        }
    }

    /** Throws {@code refusal} (what a service answers when it refuses a call) when the plan fires at this point. */
    public void refuseIf(FaultPoint point, String orderId, Supplier<RuntimeException> refusal) {
        if (fire(point, orderId)) {
            onFailedDelivery.accept(point);
            throw refusal.get();
        }
    }

    public int count(FaultPoint point) {
        AtomicInteger n = injected.get(point);
        return n == null ? 0 : n.get();
    }

    public Map<FaultPoint, Integer> counts() {
        Map<FaultPoint, Integer> counts = new EnumMap<>(FaultPoint.class);
        injected.forEach((point, n) -> counts.put(point, n.get()));
        return counts;
    }

    public int total() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** How many faults were injected for this order, at every point that names it. */
    public int countFor(String orderId) {
        AtomicInteger n = perOrder.get(orderId);
        return n == null ? 0 : n.get();
    }

    public boolean firedFor(FaultPoint point, String orderId) {
        return firedForOrder.contains(point + "|" + orderId);
    }
}
