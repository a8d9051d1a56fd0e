package dev.cartwheel.emulators.eventbridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An event an event bus accepted (PutEvents), as EventBridge would hand it to a rule's target.
 *
 * @param id          the EventId PutEvents answered
 * @param busName     the event bus's name (also when the entry named it by ARN)
 * @param busArn      the event bus's ARN
 * @param source      Source, e.g. {@code cartwheel.orders}
 * @param detailType  DetailType, e.g. {@code order.placed}
 * @param detail      Detail, a JSON object as text
 * @param resources   Resources (ARNs), possibly empty
 * @param time        the entry's Time, or when the bus received it
 * @param account     the account id of the bus
 * @param region      the region of the bus
 */
public record BusEvent(String id, String busName, String busArn, String source, String detailType, String detail,
                       List<String> resources, Instant time, String account, String region) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public BusEvent {
        Objects.requireNonNull(id);
        Objects.requireNonNull(busName);
        Objects.requireNonNull(source);
        Objects.requireNonNull(detailType);
        Objects.requireNonNull(detail);
        resources = List.copyOf(resources);
        Objects.requireNonNull(time);
    }

    /** The detail parsed. */
    public JsonNode detailJson() {
        try {
            return JSON.readTree(detail);
        } catch (IOException e) {
            throw new UncheckedIOException("the detail of event " + id + " is not JSON", e);
        }
    }

    /** A text field of the detail (e.g. {@code "orderId"}), or {@code null} when it has none. */
    public String detailText(String field) {
        JsonNode value = detailJson().get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /**
     * The event as EventBridge delivers it to targets: {@code version, id, detail-type, source, account, time
     * (seconds, UTC), region, resources, detail}.
     */
    public ObjectNode envelope() {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", detailType);
        event.put("source", source);
        event.put("account", account);
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", region);
        ArrayNode list = event.putArray("resources");
        resources.forEach(list::add);
        event.set("detail", detailJson());
        return event;
    }
}
