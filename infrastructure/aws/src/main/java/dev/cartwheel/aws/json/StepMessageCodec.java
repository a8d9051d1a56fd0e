package dev.cartwheel.aws.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;

/**
 * The wire form of a {@link StepMessage}:
 * {@code {"schemaVersion":1,"type":"OrderPlaced","orderId":"...","correlationId":"..."}}.
 * Anything else is a poison message ({@link MessageRejectedException}).
 */
public final class StepMessageCodec {

    private StepMessageCodec() {
    }

    public static String write(StepMessage message) {
        ObjectNode node = Json.mapper().createObjectNode()
                .put("schemaVersion", message.schemaVersion())
                .put("type", message.type().wireName())
                .put("orderId", message.orderId())
                .put("correlationId", message.correlationId());
        return node.toString();
    }

    public static StepMessage read(String body) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new MessageRejectedException("message body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new MessageRejectedException("message body is not a JSON object");
        }
        JsonNode version = node.get("schemaVersion");
        if (version == null || !version.isInt() || version.intValue() != StepMessage.SCHEMA_VERSION) {
            throw new MessageRejectedException("unsupported schemaVersion " + version);
        }
        MessageType type;
        try {
            type = MessageType.fromWireName(text(node, "type"));
        } catch (IllegalArgumentException e) {
            throw new MessageRejectedException(e.getMessage());
        }
        return StepMessage.of(type, text(node, "orderId"), text(node, "correlationId"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank() || value.textValue().length() > 128) {
            throw new MessageRejectedException("message field " + field + " is missing or invalid");
        }
        return value.textValue();
    }
}
