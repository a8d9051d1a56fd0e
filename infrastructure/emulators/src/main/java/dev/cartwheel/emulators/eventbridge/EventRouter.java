package dev.cartwheel.emulators.eventbridge;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The routing of the local EventBridge: an accepted event goes to every target of every enabled rule of its bus whose
 * pattern matches its envelope, through {@link RuleTargets}, once; each delivery, failed or not, is captured as a
 * {@link RuleDelivery}.
 */
final class EventRouter {

    private final EventBuses buses;
    private final CapturedEvents captured;
    private volatile RuleTargets targets = RuleTargets.NONE;

    EventRouter(EventBuses buses, CapturedEvents captured) {
        this.buses = buses;
        this.captured = captured;
    }

    void deliverWith(RuleTargets ruleTargets) {
        this.targets = Objects.requireNonNull(ruleTargets, "ruleTargets");
    }

    void route(BusEvent event) {
        ObjectNode envelope = event.envelope();
        String body = envelope.toString();
        for (EventBuses.Rule rule : buses.enabledRules(event.busName())) {
            if (!rule.pattern().matches(envelope)) {
                continue;
            }
            for (EventBuses.Target target : rule.targets().values()) {
                String error = null;
                try {
                    targets.deliver(target.arn(), body);
                } catch (RuntimeException e) {
                    error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                }
                captured.delivered(new RuleDelivery(event.busName(), rule.name(), target.id(), target.arn(), event.id(),
                        event.detailType(), Instant.now(), error));
            }
        }
    }
}
