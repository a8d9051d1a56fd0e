package dev.cartwheel.emulators.eventbridge;

/**
 * Where the local EventBridge delivers what a rule matched: one call per (event, target), with the event as
 * EventBridge hands it to a target (its envelope as JSON text).
 */
@FunctionalInterface
public interface RuleTargets {

    /** No target is reachable: every delivery fails with this reason (the events are still kept on the bus). */
    RuleTargets NONE = (targetArn, event) -> {
        throw new IllegalStateException("no rule targets are wired to this EventBridge endpoint");
    };

    /**
     * Delivers {@code event} to the target {@code targetArn}.
     *
     * @throws RuntimeException when the target cannot take it; recorded as a failed {@link RuleDelivery}
     */
    void deliver(String targetArn, String event);
}
