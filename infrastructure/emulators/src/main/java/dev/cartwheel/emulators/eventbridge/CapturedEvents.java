package dev.cartwheel.emulators.eventbridge;

import java.util.ArrayList;
import java.util.List;

/**
 * The capture store of the local EventBridge: every event its buses accepted and every delivery to a rule's target,
 * oldest first, for tests and the local console to read. Thread-safe.
 */
final class CapturedEvents {

    private final List<BusEvent> events = new ArrayList<>();
    private final List<RuleDelivery> deliveries = new ArrayList<>();

    synchronized void accepted(List<BusEvent> batch) {
        events.addAll(batch);
    }

    synchronized void delivered(RuleDelivery delivery) {
        deliveries.add(delivery);
    }

    synchronized List<BusEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<BusEvent> events(String busName) {
        return events.stream().filter(e -> e.busName().equals(busName)).toList();
    }

    synchronized List<RuleDelivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Forgets the events (the deliveries stay, as the buses and rules do). */
    synchronized void clearEvents() {
        events.clear();
    }

    synchronized int size() {
        return events.size();
    }
}
