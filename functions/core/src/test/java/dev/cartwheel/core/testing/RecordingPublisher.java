package dev.cartwheel.core.testing;

import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import java.util.ArrayList;
import java.util.List;

/** The step queues in memory: every message sent, in order. */
public final class RecordingPublisher implements StepPublisher {

    private final List<StepMessage> sent = new ArrayList<>();

    @Override
    public synchronized void publish(StepMessage message) {
        sent.add(message);
    }

    /** Every message sent so far, in order. */
    public synchronized List<StepMessage> sent() {
        return List.copyOf(sent);
    }

    /** The types of every message sent so far, in order. */
    public synchronized List<MessageType> types() {
        return sent.stream().map(StepMessage::type).toList();
    }

    /** Forgets what was sent (a test's set-up sent it). */
    public synchronized void clear() {
        sent.clear();
    }
}
