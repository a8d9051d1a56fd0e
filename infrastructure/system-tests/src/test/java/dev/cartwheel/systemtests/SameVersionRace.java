package dev.cartwheel.systemtests;

import dev.cartwheel.systemtests.faults.Faults;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Forces the dangerous interleaving of two steps on one order: both read the same version before either writes, then
 * {@code first} writes first and {@code second} writes on the version it read, which is stale by then. The racers
 * are told apart by their thread's name. Records what happened, so a test can assert that the race did happen.
 * The waits are bounded only so that a broken step cannot hang the build: a test asserts {@link #completed()}.
 */
final class SameVersionRace implements Faults.Hook {

    private static final long GUARD_SECONDS = 30;

    private final String orderId;
    private final String first;
    private final String second;
    private final CyclicBarrier bothRead = new CyclicBarrier(2);
    private final CountDownLatch firstWrote = new CountDownLatch(1);
    private final Map<String, Long> versionRead = new ConcurrentHashMap<>();
    private final List<String> staleWrites = new CopyOnWriteArrayList<>();
    private volatile boolean brokenOff;

    SameVersionRace(String orderId, String first, String second) {
        this.orderId = orderId;
        this.first = first;
        this.second = second;
    }

    @Override
    public void reached(Faults.Checkpoint at, String id, long version) {
        String me = Thread.currentThread().getName();
        if (!orderId.equals(id) || !(me.equals(first) || me.equals(second))) {
            return;
        }
        switch (at) {
            case ORDER_READ -> {
                if (versionRead.putIfAbsent(me, version) == null) {
                    awaitBothRead();
                    if (me.equals(second)) {
                        awaitFirstWrote();
                    }
                }
            }
            case ORDER_WRITTEN -> {
                if (me.equals(first)) {
                    firstWrote.countDown();
                }
            }
            case ORDER_WRITE_STALE -> {
                staleWrites.add(me);
                if (me.equals(first)) {
                    firstWrote.countDown();
                }
            }
            default -> {
            }
        }
    }

    private void awaitBothRead() {
        try {
            bothRead.await(GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            brokenOff = true;
        } catch (BrokenBarrierException | TimeoutException e) {
            brokenOff = true;
        }
    }

    private void awaitFirstWrote() {
        try {
            if (!firstWrote.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
                brokenOff = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            brokenOff = true;
        }
    }

    /** Both racers read, met at the barrier, and the first wrote before the second went on. */
    boolean completed() {
        return !brokenOff && versionRead.size() == 2 && firstWrote.getCount() == 0;
    }

    @Override
    public String toString() {
        return "race on " + orderId + ": read " + versionRead + ", first wrote " + (firstWrote.getCount() == 0)
                + ", stale " + staleWrites + (brokenOff ? ", broken off" : "");
    }

    /** The version each racer read first: equal when the race happened. */
    Map<String, Long> versionsRead() {
        return Map.copyOf(versionRead);
    }

    /** The racers whose write lost on the version (in order). */
    List<String> staleWrites() {
        return List.copyOf(staleWrites);
    }
}
