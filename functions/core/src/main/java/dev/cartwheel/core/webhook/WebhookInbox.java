package dev.cartwheel.core.webhook;

import java.time.Instant;

/** Port: the provider event ids already forwarded, so a provider's retry of a notification is forwarded once. */
public interface WebhookInbox {

    boolean contains(String eventId);

    /** Remembers {@code eventId} (for at least as long as the provider retries); a second call is harmless. */
    void remember(String eventId, Instant receivedAt);
}
