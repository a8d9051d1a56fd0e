package dev.cartwheel.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwheel.core.testing.RecordingEventBus;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.RefundRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrderEventServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final RecordingEventBus bus = new RecordingEventBus();
    private final OrderEventService service = new OrderEventService(bus);

    @Test
    void eventsOf_theCreatingWrite_isOrderPlaced_atVersionOne() {
        // GIVEN
        Order placed = placed("ord_1");

        // WHEN
        List<OrderEvent> events = OrderEventService.eventsOf(new OrderChange("1", null, placed));

        // THEN
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(OrderEventType.PLACED);
            assertThat(event.type().detailType()).isEqualTo("order.placed");
            assertThat(event.eventId()).isEqualTo("ord_1:1:order.placed");
            assertThat(event.status()).isEqualTo(OrderStatus.PENDING);
            assertThat(event.version()).isEqualTo(1);
            assertThat(event.total()).isEqualTo(new Money(2500, "USD"));
            assertThat(event.lines()).containsExactly(new OrderEvent.Line("SKU-1", 2));
            assertThat(event.customerId()).isEqualTo("alice");
            assertThat(event.correlationId()).isEqualTo("corr-ord_1");
            assertThat(event.occurredAt()).isEqualTo(T0);
        });
    }

    @Test
    void eventsOf_aStatusChange_isOneEventOfTheNewStatus_aWriteWithoutOne_none() {
        // GIVEN
        Order pending = placed("ord_1");
        Order reserved = pending.transitionTo(OrderStatus.RESERVED, T0.plusSeconds(1), "stock reserved");
        Order rejected = pending.transitionTo(OrderStatus.REJECTED, T0.plusSeconds(1), "not enough stock for SKU-1")
                .withUnavailableSkus(List.of("SKU-1"));

        // WHEN / THEN
        assertThat(OrderEventService.eventsOf(new OrderChange("2", pending, reserved)))
                .extracting(OrderEvent::type, OrderEvent::version, OrderEvent::occurredAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(OrderEventType.RESERVED, 2L, T0.plusSeconds(1)));
        assertThat(OrderEventService.eventsOf(new OrderChange("2", pending, rejected)))
                .singleElement().extracting(OrderEvent::unavailableSkus).isEqualTo(List.of("SKU-1"));
        assertThat(OrderEventService.eventsOf(new OrderChange("3", reserved, reserved.withPayment(null))))
                .as("a write that changes no status and completes no refund").isEmpty();
    }

    @Test
    void eventsOf_aCompletedRefund_isOrderRefunded_once() {
        // GIVEN a paid order whose refund is first requested, then completed
        Order paid = placed("ord_1").transitionTo(OrderStatus.RESERVED, T0, "r")
                .transitionTo(OrderStatus.AUTHORIZED, T0, "a").transitionTo(OrderStatus.PAID, T0, "p");
        Order requested = paid.withRefundRequested(new RefundRecord("k1", new Money(500, "USD"), "damaged", T0, null), T0);
        Order completed = requested.withRefundCompleted("k1", "re_1", T0.plusSeconds(2));

        // WHEN
        List<OrderEvent> onRequest = OrderEventService.eventsOf(new OrderChange("1", paid, requested));
        List<OrderEvent> onCompletion = OrderEventService.eventsOf(new OrderChange("2", requested, completed));
        List<OrderEvent> onLaterWrite = OrderEventService.eventsOf(new OrderChange("3", completed,
                completed.transitionTo(OrderStatus.CONFIRMED, T0.plusSeconds(3), "c")));

        // THEN
        assertThat(onRequest).isEmpty();
        assertThat(onCompletion).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(OrderEventType.REFUNDED);
            assertThat(event.amount()).isEqualTo(new Money(500, "USD"));
            assertThat(event.refunded()).isEqualTo(new Money(500, "USD"));
            assertThat(event.refundId()).isEqualTo("re_1");
            assertThat(event.eventId()).isEqualTo("ord_1:" + completed.version() + ":order.refunded:re_1");
        });
        assertThat(onLaterWrite).extracting(OrderEvent::type).containsExactly(OrderEventType.CONFIRMED);
    }

    @Test
    void publish_batchesUpToTenEventsPerCall_inStreamOrder() {
        // GIVEN 25 orders placed
        List<OrderChange> changes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            changes.add(new OrderChange("seq-" + i, null, placed("ord_" + i)));
        }

        // WHEN
        OrderEventService.Publication publication = service.publish(changes);
        Optional<String> failedFrom = publication.findFailedFrom();

        // THEN
        assertThat(failedFrom).isEmpty();
        assertThat(publication.published()).hasSize(25);
        assertThat(bus.calls()).extracting(List::size).containsExactly(10, 10, 5);
        assertThat(bus.calls().stream().flatMap(List::stream).map(OrderEvent::orderId).toList())
                .isEqualTo(changes.stream().map(change -> change.after().orderId()).toList());
    }

    @Test
    void publish_aRefusedCall_reportsTheFirstChangeOfItsBatch_andPublishesNothingAfterIt() {
        // GIVEN 25 orders placed and a bus that refuses the second call
        List<OrderChange> changes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            changes.add(new OrderChange("seq-" + i, null, placed("ord_" + i)));
        }
        bus.failCall(2);

        // WHEN
        OrderEventService.Publication publication = service.publish(changes);
        Optional<String> failedFrom = publication.findFailedFrom();

        // THEN the retry starts at the first change of the refused call (its earlier events come again: at least once)
        assertThat(failedFrom).contains("seq-10");
        assertThat(bus.calls()).hasSize(2);
        assertThat(publication.published()).as("what is not retried: the first call's events, counted now")
                .extracting(OrderEvent::orderId).isEqualTo(bus.calls().getFirst().stream().map(OrderEvent::orderId).toList());
    }

    private static Order placed(String orderId) {
        return Order.place(orderId, "alice", "alice@example.com", "corr-" + orderId,
                List.of(new OrderLine("SKU-1", "Thing", 2, new Money(1250, "USD"))), "pm_card_visa", T0);
    }
}
