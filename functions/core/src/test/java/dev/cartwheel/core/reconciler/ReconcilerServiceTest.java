package dev.cartwheel.core.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.testing.InMemoryPorts;
import dev.cartwheel.core.testing.TestOrders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reconciler on the core's ports alone: each stuck order gets its step's message, with back-off, then parked. */
class ReconcilerServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration STUCK_AFTER = Duration.ofMinutes(10);
    private static final Duration PAYMENT_TIMEOUT = Duration.ofHours(1);

    private final InMemoryPorts ports = new InMemoryPorts();

    private ReconcilerService at(Instant now) {
        return new ReconcilerService(ports.orders, ports.publisher, Clock.fixed(now, ZoneOffset.UTC), STUCK_AFTER,
                PAYMENT_TIMEOUT);
    }

    private Order stored(String orderId, OrderStatus status) {
        return TestOrders.store(ports, orderId, CapturePolicy.ON_AUTHORIZATION, T0, TestOrders.pathTo(status));
    }

    @Test
    void ordersUnchangedLongerThanStuckAfter_getTheMessageOfTheStepTheyWaitFor() {
        // GIVEN orders waiting at each step since T0, and a final order owing an e-mail
        stored("ord_pending", OrderStatus.PENDING);
        stored("ord_reserved", OrderStatus.RESERVED);
        stored("ord_paid", OrderStatus.PAID);
        stored("ord_rejected", OrderStatus.REJECTED);
        stored("ord_confirmed", OrderStatus.CONFIRMED);

        // WHEN the reconciler runs 11 minutes on
        ReconcilerService.Run run = at(T0.plus(Duration.ofMinutes(11))).run(100);

        // THEN
        assertThat(ports.publisher.sent()).extracting(message -> message.orderId() + "=" + message.type()).containsExactlyInAnyOrder(
                "ord_pending=" + MessageType.ORDER_PLACED, "ord_reserved=" + MessageType.STOCK_RESERVED,
                "ord_paid=" + MessageType.ORDER_PAID, "ord_rejected=" + MessageType.EMAILS_DUE);
        assertThat(run.sent()).isEqualTo(Map.of(MessageType.ORDER_PLACED, 1, MessageType.STOCK_RESERVED, 1,
                MessageType.ORDER_PAID, 1, MessageType.EMAILS_DUE, 1));
        assertThat(ports.publisher.sent()).extracting(StepMessage::correlationId).contains("corr-ord_pending");
        assertThat(ports.orders.writes()).as("a nudge changes no order").isZero();
    }

    @Test
    void ordersChangedRecently_areLeftAlone() {
        stored("ord_pending", OrderStatus.PENDING);
        stored("ord_reserved", OrderStatus.RESERVED);

        ReconcilerService.Run run = at(T0.plus(Duration.ofMinutes(9))).run(100);

        assertThat(run.sent()).isEmpty();
        assertThat(ports.publisher.sent()).isEmpty();
        assertThat(ports.orders.nudges("ord_pending")).isZero();
    }

    @Test
    void unpaidOrdersPastThePaymentTimeout_getExpiryDue_notTheirStepsMessage() {
        stored("ord_pending", OrderStatus.PENDING);
        stored("ord_reserved", OrderStatus.RESERVED);
        stored("ord_paid", OrderStatus.PAID);

        at(T0.plus(PAYMENT_TIMEOUT)).run(100);

        assertThat(ports.publisher.sent()).extracting(message -> message.orderId() + "=" + message.type()).containsExactlyInAnyOrder(
                "ord_pending=" + MessageType.EXPIRY_DUE, "ord_reserved=" + MessageType.EXPIRY_DUE,
                "ord_paid=" + MessageType.ORDER_PAID);
    }

    @Test
    void aRunRepeatedAtTheSameMoment_nudgesNothingTwice() {
        stored("ord_pending", OrderStatus.PENDING);
        Instant now = T0.plus(Duration.ofMinutes(11));

        at(now).run(100);
        ReconcilerService.Run again = at(now).run(100);

        assertThat(again.sent()).isEmpty();
        assertThat(ports.publisher.types()).containsExactly(MessageType.ORDER_PLACED);
        assertThat(ports.orders.nudges("ord_pending")).isEqualTo(1);
    }

    @Test
    void anOrderThatNudgesDoNotMove_isNudgedWithADoublingBackOff_thenParked_andNudgedNoMore() {
        // GIVEN a paid order whose e-mail step never takes it on (paid: it does not expire while it waits)
        stored("ord_stuck", OrderStatus.PAID);

        // WHEN the reconciler runs just after each back-off ends (10, 20, 40 ... 640 minutes), and twice more later
        int parkedNow = 0;
        for (int nudges = 0; nudges <= ReconcilerService.MAX_NUDGES; nudges++) {
            Instant due = T0.plus(STUCK_AFTER.multipliedBy(1L << nudges)).plusSeconds(1);
            ReconcilerService.Run early = at(due.minusSeconds(2)).run(100);
            assertThat(early.sent()).as("not before its back-off ends (after %d nudges)", nudges).isEmpty();
            parkedNow += at(due).run(100).parkedNow().size();
        }
        ReconcilerService.Run later = at(T0.plus(Duration.ofDays(30))).run(100);

        // THEN six nudges, then parked once, reported by every later run
        assertThat(ports.publisher.types()).hasSize(ReconcilerService.MAX_NUDGES)
                .containsOnly(MessageType.ORDER_PAID);
        assertThat(parkedNow).isEqualTo(1);
        assertThat(ports.orders.isParked("ord_stuck")).isTrue();
        assertThat(later.sent()).isEmpty();
        assertThat(later.parkedTotal()).isEqualTo(1);
    }

    @Test
    void aRealChangeOfTheOrder_undoesItsNudges() {
        Order reserved = stored("ord_1", OrderStatus.RESERVED);
        at(T0.plus(Duration.ofMinutes(11))).run(100);
        assertThat(ports.orders.nudges("ord_1")).isEqualTo(1);

        ports.orders.apply(new dev.cartwheel.core.order.OrderTransition(reserved,
                reserved.transitionTo(OrderStatus.PAYMENT_PENDING, T0.plus(Duration.ofMinutes(12)), "pending"), java.util.List.of()));

        assertThat(ports.orders.nudges("ord_1")).isZero();
        assertThat(at(T0.plus(Duration.ofMinutes(23))).run(100).sent()).containsEntry(MessageType.STOCK_RESERVED, 1);
    }

    @Test
    void heldOrders_areNotNudged_butReviewedForTheirHold() {
        // GIVEN an order captured on fulfilment, authorized at T0 and waiting for the warehouse
        TestOrders.store(ports, "ord_held", CapturePolicy.ON_FULFILMENT, T0, TestOrders.pathTo(OrderStatus.AUTHORIZED));
        Duration hold = Duration.ofDays(7);
        ReconcilerService sixDaysOn = new ReconcilerService(ports.orders, ports.publisher,
                Clock.fixed(T0.plus(Duration.ofDays(6)).plusSeconds(1), ZoneOffset.UTC), STUCK_AFTER, PAYMENT_TIMEOUT, hold);

        // WHEN
        ReconcilerService.Run run = sixDaysOn.run(100);
        ReconcilerService.HoldReview review = sixDaysOn.reviewHolds(100);

        // THEN
        assertThat(run.sent()).isEmpty();
        assertThat(review).isEqualTo(new ReconcilerService.HoldReview(1, 0));
        assertThat(ports.publisher.sent()).isEmpty();
    }
}
