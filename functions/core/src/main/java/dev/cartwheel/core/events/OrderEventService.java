package dev.cartwheel.core.events;

import dev.cartwheel.core.exceptions.EventPublishingException;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.StatusChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the writes to orders into the events other systems subscribe to and publishes them. It reads the table's
 * change stream rather than being called by each step, so no step can forget an event and a step that crashes right
 * after its write still has its event published: every status change in an order's history and every completed
 * refund becomes one {@link OrderEvent}, at least once, in stream order (which is per-order write order).
 */
public final class OrderEventService {

    /** The most events one publish call takes (EventBridge's PutEvents limit). */
    public static final int MAX_EVENTS_PER_PUBLISH = 10;

    private final OrderEventPublisher publisher;

    public OrderEventService(OrderEventPublisher publisher) {
        this.publisher = publisher;
    }

    /**
     * The events of one write: a status change appended to the history, a refund the provider completed. Writes
     * that change neither (a stock-returned flag, a refund only requested) have none.
     */
    public static List<OrderEvent> eventsOf(OrderChange change) {
        Order before = change.before();
        Order after = change.after();
        List<OrderEvent> events = new ArrayList<>();
        List<StatusChange> history = after.history();
        int known = before == null ? 0 : Math.min(before.history().size(), history.size());
        for (StatusChange status : history.subList(known, history.size())) {
            OrderEventType type = OrderEventType.of(status.status());
            events.add(event(after, type, status.status(), after.total(), null, status.at()));
        }
        Set<String> completedBefore = new HashSet<>();
        if (before != null) {
            before.refunds().stream().filter(RefundRecord::isCompleted).forEach(r -> completedBefore.add(r.key()));
        }
        for (RefundRecord refund : after.refunds()) {
            if (refund.isCompleted() && !completedBefore.contains(refund.key())) {
                events.add(event(after, OrderEventType.REFUNDED, after.status(), refund.amount(), refund.refundId(),
                        after.updatedAt()));
            }
        }
        return events;
    }

    /**
     * What {@link #publish} did.
     *
     * @param published  the events published, in stream order: all the events of the changes before
     *                   {@code failedFrom}, or of every change if all were published
     * @param failedFrom the position of the first change whose events may not all be published, {@code null} if
     *                   all were
     */
    public record Publication(List<OrderEvent> published, String failedFrom) {

        public Publication {
            published = List.copyOf(published);
        }

        /** The position to retry from (with every change after it), or empty if all events were published. */
        public Optional<String> findFailedFrom() {
            return Optional.ofNullable(failedFrom);
        }
    }

    /**
     * Publishes the events of {@code changes}, in order, in as few calls as the bus allows.
     *
     * @return the events published and, if some may not have been, the position of the first change to retry from
     */
    public Publication publish(List<OrderChange> changes) {
        List<OrderEvent> published = new ArrayList<>();
        List<OrderEvent> chunk = new ArrayList<>();
        String chunkStart = null;
        for (OrderChange change : changes) {
            List<OrderEvent> events = eventsOf(change);
            if (events.isEmpty()) {
                continue;
            }
            if (chunk.size() + events.size() > MAX_EVENTS_PER_PUBLISH && !chunk.isEmpty()) {
                if (!tryPublish(chunk)) {
                    return new Publication(published, chunkStart);
                }
                published.addAll(chunk);
                chunk.clear();
            }
            if (chunk.isEmpty()) {
                chunkStart = change.position();
            }
            chunk.addAll(events);
        }
        if (!chunk.isEmpty()) {
            if (!tryPublish(chunk)) {
                return new Publication(published, chunkStart);
            }
            published.addAll(chunk);
        }
        return new Publication(published, null);
    }

    private boolean tryPublish(List<OrderEvent> events) {
        try {
            for (int from = 0; from < events.size(); from += MAX_EVENTS_PER_PUBLISH) {
                publisher.publish(events.subList(from, Math.min(events.size(), from + MAX_EVENTS_PER_PUBLISH)));
            }
            return true;
        } catch (EventPublishingException e) {
            return false;
        }
    }

    private static OrderEvent event(Order order, OrderEventType type, OrderStatus status, Money amount,
                                    String refundId, Instant at) {
        String eventId = order.orderId() + ":" + order.version() + ":" + type.detailType()
                + (refundId == null ? "" : ":" + refundId);
        return new OrderEvent(eventId, type, order.orderId(), order.customerId(), status, order.version(),
                order.total(), amount, order.refundedTotal(),
                order.lines().stream().map(line -> new OrderEvent.Line(line.sku(), line.quantity())).toList(),
                type == OrderEventType.REJECTED ? order.unavailableSkus() : List.of(), refundId, order.capture(),
                order.correlationId(), at,
                order.findShipping().map(shipping -> shipping.country()).orElse(null),
                order.findShipping().map(shipping -> shipping.methodId()).orElse(null));
    }
}
