package dev.cartwheel.emulators.eventbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An EventBridge event pattern, matched against an event's envelope ({@code source}, {@code detail-type},
 * {@code detail}, ...) as EventBridge matches it. Every field of the pattern must match. A nested object matches the
 * event's object field by field (or one element of an array of objects). An array lists the values one of which the event's value (or, for an array value,
 * one of its elements) must match.
 *
 * <p>Supported in the array: literal strings, numbers, booleans and null, and the content filters
 * {@code {"prefix": s}}, {@code {"suffix": s}}, {@code {"equals-ignore-case": s}}, {@code {"exists": bool}},
 * {@code {"anything-but": value | [values] | {"prefix": s}}} and {@code {"numeric": [op, n, ...]}}. Anything else
 * (e.g. {@code $or}, {@code wildcard}, {@code cidr}) is refused when the rule is put, with the name of what is not
 * supported, rather than matched wrongly.
 */
public final class EventPattern {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FILTERS = Set.of("prefix", "suffix", "equals-ignore-case", "exists", "anything-but",
            "numeric");
    private static final Set<String> NUMERIC_OPERATORS = Set.of("<", "<=", "=", ">=", ">");

    private final JsonNode pattern;

    private EventPattern(JsonNode pattern) {
        this.pattern = pattern;
    }

    /**
     * @throws IllegalArgumentException with EventBridge's wording where it has one, for a pattern that is not a JSON
     *                                  object of arrays and objects, or that uses a filter this emulator lacks
     */
    public static EventPattern parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("Event pattern is not valid. Reason: " + e.getMessage());
        }
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new IllegalArgumentException("Event pattern is not valid. Reason: it must be a non-empty JSON object");
        }
        check(node, "");
        return new EventPattern(node);
    }

    private static void check(JsonNode object, String path) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String where = path + "/" + field.getKey();
            if (field.getKey().startsWith("$")) {
                throw new IllegalArgumentException("Event pattern is not valid. Reason: " + field.getKey()
                        + " at " + where + " is not supported by the local EventBridge");
            }
            JsonNode value = field.getValue();
            if (value.isObject()) {
                check(value, where);
            } else if (value.isArray()) {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("Event pattern is not valid. Reason: Empty arrays are not allowed at " + where);
                }
                value.forEach(condition -> checkCondition(condition, where));
            } else {
                throw new IllegalArgumentException("Event pattern is not valid. Reason: Match value must be String, "
                        + "number, true, false, or null at " + where + " (inside an array)");
            }
        }
    }

    private static void checkCondition(JsonNode condition, String where) {
        if (!condition.isObject()) {
            if (condition.isArray()) {
                throw new IllegalArgumentException("Event pattern is not valid. Reason: nested arrays at " + where);
            }
            return;
        }
        if (condition.size() != 1 || !FILTERS.contains(condition.fieldNames().next())) {
            throw new IllegalArgumentException("Event pattern is not valid. Reason: " + condition
                    + " at " + where + " is not a content filter the local EventBridge supports (" + FILTERS + ")");
        }
        String filter = condition.fieldNames().next();
        JsonNode operand = condition.get(filter);
        boolean valid = switch (filter) {
            case "prefix", "suffix", "equals-ignore-case" -> operand.isTextual();
            case "exists" -> operand.isBoolean();
            case "anything-but" -> operand.isValueNode() || (operand.isArray() && !operand.isEmpty())
                    || (operand.isObject() && operand.size() == 1 && operand.has("prefix") && operand.get("prefix").isTextual());
            case "numeric" -> numericValid(operand);
            default -> false;
        };
        if (!valid) {
            throw new IllegalArgumentException("Event pattern is not valid. Reason: bad " + filter + " operand at "
                    + where + ": " + operand);
        }
    }

    private static boolean numericValid(JsonNode operand) {
        if (!operand.isArray() || operand.isEmpty() || operand.size() % 2 != 0) {
            return false;
        }
        for (int i = 0; i < operand.size(); i += 2) {
            if (!NUMERIC_OPERATORS.contains(operand.get(i).asText()) || !operand.get(i + 1).isNumber()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the event (its envelope, as a rule sees it) matches. */
    public boolean matches(JsonNode event) {
        return matchesObject(pattern, event);
    }

    private static boolean matchesObject(JsonNode pattern, JsonNode event) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = event == null || !event.isObject() ? null : event.get(field.getKey());
            boolean matched = field.getValue().isObject()
                    ? matchesNested(field.getValue(), value)
                    : matchesAny(field.getValue(), value);
            if (!matched) {
                return false;
            }
        }
        return true;
    }

    /**
     * An object pattern matches an object field, or one object of an array field (all of the pattern within the same
     * element, as EventBridge keeps matches in one array element).
     */
    private static boolean matchesNested(JsonNode pattern, JsonNode value) {
        if (value != null && value.isArray()) {
            for (JsonNode element : value) {
                if (element.isObject() && matchesObject(pattern, element)) {
                    return true;
                }
            }
            return false;
        }
        return value != null && value.isObject() && matchesObject(pattern, value);
    }

    /** One of the conditions matches the value (or one element of an array value); absent values only match exists:false. */
    private static boolean matchesAny(JsonNode conditions, JsonNode value) {
        List<JsonNode> candidates = new ArrayList<>();
        if (value != null && value.isArray()) {
            value.forEach(candidates::add);
        } else if (value != null) {
            candidates.add(value);
        }
        for (JsonNode condition : conditions) {
            if (condition.isObject() && condition.has("exists")) {
                if (condition.get("exists").asBoolean() == (value != null && !value.isObject())) {
                    return true;
                }
                continue;
            }
            for (JsonNode candidate : candidates) {
                if (matchesCondition(condition, candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matchesCondition(JsonNode condition, JsonNode value) {
        if (!condition.isObject()) {
            return literalEquals(condition, value);
        }
        String filter = condition.fieldNames().next();
        JsonNode operand = condition.get(filter);
        return switch (filter) {
            case "prefix" -> value.isTextual() && value.asText().startsWith(operand.asText());
            case "suffix" -> value.isTextual() && value.asText().endsWith(operand.asText());
            case "equals-ignore-case" -> value.isTextual() && value.asText().equalsIgnoreCase(operand.asText());
            case "anything-but" -> anythingBut(operand, value);
            case "numeric" -> value.isNumber() && numeric(operand, value.asDouble());
            default -> false;
        };
    }

    private static boolean anythingBut(JsonNode operand, JsonNode value) {
        if (operand.isObject()) {
            return !(value.isTextual() && value.asText().startsWith(operand.get("prefix").asText()));
        }
        if (operand.isArray()) {
            for (JsonNode excluded : operand) {
                if (literalEquals(excluded, value)) {
                    return false;
                }
            }
            return true;
        }
        return !literalEquals(operand, value);
    }

    private static boolean numeric(JsonNode operand, double value) {
        for (int i = 0; i < operand.size(); i += 2) {
            double bound = operand.get(i + 1).asDouble();
            boolean holds = switch (operand.get(i).asText()) {
                case "<" -> value < bound;
                case "<=" -> value <= bound;
                case "=" -> value == bound;
                case ">=" -> value >= bound;
                case ">" -> value > bound;
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private static boolean literalEquals(JsonNode literal, JsonNode value) {
        if (literal.isNumber() && value.isNumber()) {
            return literal.decimalValue().compareTo(value.decimalValue()) == 0;
        }
        if (literal.isNull()) {
            return value.isNull();
        }
        return literal.getNodeType() == value.getNodeType() && literal.asText().equals(value.asText());
    }

    @Override
    public String toString() {
        return pattern.toString();
    }
}
