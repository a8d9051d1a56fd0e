package dev.cartwheel.emulators.eventbridge;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.event.ruler.JsonRuleCompiler;
import software.amazon.event.ruler.Machine;

/**
 * An EventBridge event pattern, matched against an event's envelope ({@code source}, {@code detail-type},
 * {@code detail}, ...) by event-ruler, the matcher EventBridge itself is built on: literals, {@code prefix},
 * {@code suffix}, {@code equals-ignore-case}, {@code wildcard}, {@code exists}, {@code anything-but},
 * {@code numeric}, {@code cidr}, {@code $or}, with array-consistent matching. A pattern event-ruler does not accept
 * is refused with its reason; so is an empty one, which EventBridge refuses too.
 */
public final class EventPattern {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RULE = "pattern";

    private final String json;
    private final Machine machine;

    private EventPattern(String json, Machine machine) {
        this.json = json;
        this.machine = machine;
    }

    /**
     * @throws IllegalArgumentException "Event pattern is not valid. Reason: ..." for a pattern that is not a non-empty
     *                                  JSON object, or that event-ruler refuses
     */
    public static EventPattern parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw invalid(e.getMessage());
        }
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw invalid("it must be a non-empty JSON object");
        }
        String problem = JsonRuleCompiler.check(json);
        if (problem != null) {
            throw invalid(problem);
        }
        Machine machine = Machine.builder().build();
        try {
            machine.addRule(RULE, json);
        } catch (IOException | RuntimeException e) {
            throw invalid(e.getMessage());
        }
        return new EventPattern(json, machine);
    }

    private static IllegalArgumentException invalid(String reason) {
        return new IllegalArgumentException("Event pattern is not valid. Reason: " + reason);
    }

    /** Whether the event (its envelope, as a rule sees it) matches. */
    public boolean matches(JsonNode event) {
        return !machine.rulesForJSONEvent(event).isEmpty();
    }

    @Override
    public String toString() {
        return json;
    }
}
