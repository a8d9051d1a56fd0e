package dev.cartwheel.core.testing;

import dev.cartwheel.core.webhook.WebhookInbox;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The provider event ids already forwarded, in memory. */
public final class InMemoryWebhookInbox implements WebhookInbox {

    private final Map<String, Instant> remembered = new LinkedHashMap<>();

    @Override
    public synchronized boolean contains(String eventId) {
        return remembered.containsKey(eventId);
    }

    @Override
    public synchronized void remember(String eventId, Instant receivedAt) {
        remembered.putIfAbsent(eventId, receivedAt);
    }

    /** Every remembered event id with when it was first received, in order. */
    public synchronized Map<String, Instant> remembered() {
        return Map.copyOf(remembered);
    }
}
