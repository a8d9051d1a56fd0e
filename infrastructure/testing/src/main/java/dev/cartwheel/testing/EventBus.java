package dev.cartwheel.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.cartwheel.emulators.eventbridge.BusEvent;

/**
 * The events the emulated EventBridge accepted on its buses (PutEvents), kept for assertions instead of being routed
 * to rules. Bus names are the physical ones, e.g. {@code stack.eventBusName("OrderEventBus")}; an ARN works too.
 */
public interface EventBus {

    /** The events put on {@code busName}, oldest first. */
    List<BusEvent> events(String busName);

    /** Forgets every captured event (the buses stay). */
    void clear();

    /** The events of {@code busName} with that detail-type (e.g. {@code order.placed}), oldest first. */
    default List<BusEvent> events(String busName, String detailType) {
        return events(busName).stream().filter(e -> e.detailType().equals(detailType)).toList();
    }

    /** Polls until an event of {@code busName} matches {@code condition}; empty when none did within the timeout. */
    default Optional<BusEvent> await(String busName, Predicate<BusEvent> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<BusEvent> found = events(busName).stream().filter(condition).findFirst();
            if (found.isPresent() || System.nanoTime() > deadline) {
                return found;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
