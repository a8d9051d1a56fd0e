package dev.cartwheel.aws.eventbridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.core.events.OrderEvent;
import dev.cartwheel.core.events.OrderEventPublisher;
import dev.cartwheel.core.exceptions.EventPublishingException;
import dev.cartwheel.core.money.Money;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes order events to an EventBridge bus with one {@code PutEvents} call per batch (at most 10): source
 * {@value OrderEvent#SOURCE}, detail-type e.g. {@code order.paid}, and the detail as JSON ({@link #detail}). A call
 * that leaves any entry failed throws, so the batch is retried.
 */
public final class EventBridgeOrderEventPublisher implements OrderEventPublisher {

    private final EventBridgeClient eventBridge;
    private final String busName;

    public EventBridgeOrderEventPublisher(EventBridgeClient eventBridge, String busName) {
        this.eventBridge = eventBridge;
        this.busName = busName;
    }

    @Override
    public void publish(List<OrderEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        List<PutEventsRequestEntry> entries = events.stream().map(this::entry).toList();
        PutEventsResponse response;
        try {
            response = eventBridge.putEvents(request -> request.entries(entries));
        } catch (SdkException e) {
            throw new EventPublishingException("PutEvents to " + busName + " failed: " + e.getMessage(), e);
        }
        Integer failed = response.failedEntryCount();
        if (failed != null && failed > 0) {
            String firstError = response.entries().stream().map(PutEventsResultEntry::errorCode)
                    .filter(code -> code != null).findFirst().orElse("unknown");
            throw new EventPublishingException(failed + " of " + entries.size() + " events refused by " + busName
                    + " (" + firstError + ")");
        }
    }

    private PutEventsRequestEntry entry(OrderEvent event) {
        return PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(OrderEvent.SOURCE)
                .detailType(event.type().detailType())
                .time(event.occurredAt())
                .detail(detail(event))
                .build();
    }

    /** The event's detail: every field of {@link OrderEvent}, money as {@code {amount, currency}} in minor units. */
    public static String detail(OrderEvent event) {
        ObjectNode detail = Json.mapper().createObjectNode();
        detail.put("schemaVersion", OrderEvent.SCHEMA_VERSION);
        detail.put("eventId", event.eventId());
        detail.put("type", event.type().detailType());
        detail.put("orderId", event.orderId());
        detail.put("customerId", event.customerId());
        detail.put("status", event.status().name());
        detail.put("version", event.version());
        detail.set("total", money(detail, event.total()));
        detail.set("amount", money(detail, event.amount()));
        detail.set("refunded", money(detail, event.refunded()));
        ArrayNode lines = detail.putArray("lines");
        event.lines().forEach(line -> lines.addObject().put("sku", line.sku()).put("quantity", line.quantity()));
        if (!event.unavailableSkus().isEmpty()) {
            ArrayNode skus = detail.putArray("unavailableSkus");
            event.unavailableSkus().forEach(skus::add);
        }
        if (event.refundId() != null) {
            detail.put("refundId", event.refundId());
        }
        detail.put("capture", event.capture().setting());
        if (event.shippingCountry() != null) {
            // where it ships and how, never the address (personal data)
            detail.put("shippingCountry", event.shippingCountry()).put("shippingMethod", event.shippingMethod());
        }
        detail.put("correlationId", event.correlationId());
        detail.put("occurredAt", event.occurredAt().toString());
        try {
            return Json.mapper().writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event detail is always serialisable", e);
        }
    }

    private static ObjectNode money(ObjectNode parent, Money money) {
        return parent.objectNode().put("amount", money.amount()).put("currency", money.currency());
    }
}
