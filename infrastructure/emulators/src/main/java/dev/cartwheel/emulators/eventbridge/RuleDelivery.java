package dev.cartwheel.emulators.eventbridge;

import java.time.Instant;

/**
 * One delivery of an event to a rule's target by the local EventBridge.
 *
 * @param error why the target did not take it, or {@code null} when it did
 */
public record RuleDelivery(String busName, String ruleName, String targetId, String targetArn, String eventId,
                           String detailType, Instant at, String error) {

    public boolean delivered() {
        return error == null;
    }
}
