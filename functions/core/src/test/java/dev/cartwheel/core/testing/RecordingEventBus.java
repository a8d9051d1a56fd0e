package dev.cartwheel.core.testing;

import dev.cartwheel.core.events.OrderEvent;
import dev.cartwheel.core.events.OrderEventPublisher;
import dev.cartwheel.core.exceptions.EventPublishingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The event bus in memory: records every call; refuses the calls whose number (1-based) was named by {@link #failCall}. */
public final class RecordingEventBus implements OrderEventPublisher {

    private final List<List<OrderEvent>> calls = new ArrayList<>();
    private final Set<Integer> failing = new HashSet<>();

    @Override
    public synchronized void publish(List<OrderEvent> events) {
        calls.add(List.copyOf(events));
        if (failing.contains(calls.size())) {
            throw new EventPublishingException("refused");
        }
    }

    /** Makes the {@code number}th call (1-based) fail after it was recorded. */
    public synchronized void failCall(int number) {
        failing.add(number);
    }

    /** The events of every call, in order, failed calls included. */
    public synchronized List<List<OrderEvent>> calls() {
        return List.copyOf(calls);
    }
}
