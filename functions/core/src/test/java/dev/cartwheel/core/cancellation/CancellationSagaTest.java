package dev.cartwheel.core.cancellation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.checkout.Caller;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.OrderNotFoundException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.PaymentDetails;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.StockMovement;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentService;
import dev.cartwheel.core.testing.InMemoryOrderStore;
import dev.cartwheel.core.testing.InMemoryPaymentGateway;
import dev.cartwheel.core.testing.InMemoryPorts;
import dev.cartwheel.core.testing.RecordingPublisher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CancellationSagaTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
    private static final Caller ALICE = new Caller("alice", "alice@example.com", Set.of("orders/write"));

    private final InMemoryPorts ports = new InMemoryPorts();
    private final InMemoryOrderStore orders = ports.orders;
    private final InMemoryPaymentGateway gateway = ports.gateway;
    private final RecordingPublisher publisher = ports.publisher;
    private final CancellationService cancellations = new CancellationService(orders, publisher, CLOCK);
    private final PaymentService payment = new PaymentService(orders, gateway, publisher, CLOCK);

    @Test
    void cancelConfirmedOrder_restocksOnce_refundsTheCaptureOnce_andRepeatsChangeNothing() {
        // GIVEN a confirmed order the provider authorized and captured
        Order order = stored(OrderStatus.CONFIRMED);
        gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", order.total());
        gateway.capture(PaymentGateway.key("ord_1", "capture"), "pay_0", order.total());

        // WHEN cancelled, and the saga's message delivered twice
        Order cancelling = cancellations.cancel(ALICE, "ord_1", "changed my mind");
        payment.handle(message(MessageType.CANCEL_REQUESTED));
        int writes = orders.writes();
        payment.handle(message(MessageType.CANCEL_REQUESTED));

        // THEN
        assertThat(cancelling.status()).isEqualTo(OrderStatus.CANCELLING);
        assertThat(cancelling.findCancellation().orElseThrow().from()).isEqualTo(OrderStatus.CONFIRMED);
        Order cancelled = orders.find("ord_1").orElseThrow();
        assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(cancelled.history().getLast().reason()).isEqualTo("changed my mind");
        assertThat(cancelled.findCancellation().orElseThrow().settlement()).isEqualTo(Cancellation.Settlement.REFUNDED);
        assertThat(cancelled.refundedTotal()).isEqualTo(order.total());
        assertThat(orders.movements()).containsExactly(new StockMovement("SKU-1", 2, StockMovement.Kind.RESTOCK));
        assertThat(gateway.operations()).containsOnlyKeys("ord_1:authorize", "ord_1:capture", "ord_1:refund");
        assertThat(orders.writes()).as("the duplicate wrote nothing").isEqualTo(writes);
        assertThat(publisher.sent()).extracting(StepMessage::type).containsExactly(
                MessageType.CANCEL_REQUESTED, MessageType.ORDER_CANCELLED, MessageType.ORDER_CANCELLED);
    }

    @Test
    void cancelRightAfterTheCapture_refundsIt_byThePaymentIdTheOrderRecorded_thoughTheLookupByKeyLags() {
        Order order = stored(OrderStatus.CONFIRMED);
        gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", order.total());
        gateway.capture(PaymentGateway.key("ord_1", "capture"), "pay_0", order.total());
        gateway.lagLookupsByKey();

        cancellations.cancel(ALICE, "ord_1", null);
        payment.handle(message(MessageType.CANCEL_REQUESTED));

        Order cancelled = orders.find("ord_1").orElseThrow();
        assertThat(cancelled.findCancellation().orElseThrow().settlement()).isEqualTo(Cancellation.Settlement.REFUNDED);
        assertThat(cancelled.refundedTotal()).isEqualTo(order.total());
        assertThat(gateway.operations()).containsKey("ord_1:refund");
    }

    @Test
    void cancelAuthorizedOrder_releasesTheReservation_andVoidsTheHold() {
        stored(OrderStatus.AUTHORIZED);
        gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", new Money(2000, "EUR"));

        cancellations.cancel(ALICE, "ord_1", null);
        payment.handle(message(MessageType.CANCEL_REQUESTED));

        Order cancelled = orders.find("ord_1").orElseThrow();
        assertThat(cancelled.findCancellation().orElseThrow().settlement()).isEqualTo(Cancellation.Settlement.VOIDED);
        assertThat(cancelled.findCancellation().orElseThrow().reason()).isEqualTo(CancellationService.DEFAULT_REASON);
        assertThat(orders.movements()).containsExactly(new StockMovement("SKU-1", 2, StockMovement.Kind.RELEASE));
        assertThat(gateway.operations()).containsOnlyKeys("ord_1:authorize", "ord_1:void");
    }

    @Test
    void cancelPendingOrder_movesNoStock_andSettlesNothing() {
        stored(OrderStatus.PENDING);

        cancellations.cancel(ALICE, "ord_1", "oops");
        payment.handle(message(MessageType.CANCEL_REQUESTED));

        assertThat(orders.find("ord_1").orElseThrow().findCancellation().orElseThrow().settlement())
                .isEqualTo(Cancellation.Settlement.NOTHING_TO_SETTLE);
        assertThat(orders.movements()).isEmpty();
        assertThat(gateway.operations()).isEmpty();
    }

    @Test
    void sagaCompletesAPendingAdminRefund_andRefundsOnlyTheRest() {
        Order paid = stored(OrderStatus.PAID);
        gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", paid.total());
        gateway.capture(PaymentGateway.key("ord_1", "capture"), "pay_0", paid.total());
        Order refunding = paid.withRefundRequested(new RefundRecord("k1", new Money(500, "EUR"), "chipped", T0, null), T0);
        orders.put(refunding);

        cancellations.cancel(ALICE, "ord_1", null);
        payment.handle(message(MessageType.CANCEL_REQUESTED));

        Order cancelled = orders.find("ord_1").orElseThrow();
        assertThat(cancelled.findRefund("k1").orElseThrow().isCompleted()).isTrue();
        assertThat(cancelled.findCancellation().orElseThrow().refunded()).isEqualTo(new Money(1500, "EUR"));
        assertThat(cancelled.refundedTotal()).isEqualTo(new Money(2000, "EUR"));
        assertThat(gateway.operations()).containsKeys("ord_1:refund:k1", "ord_1:refund");
    }

    @Test
    void paymentStepFindingItsCaptureUnderACancelledOrder_refundsIt_andCorrectsTheRecord() {
        // GIVEN the saga voided and finished, then a capture that was in flight (crossing the void) landed
        stored(OrderStatus.AUTHORIZED);
        gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", new Money(2000, "EUR"));
        cancellations.cancel(ALICE, "ord_1", null);
        payment.handle(message(MessageType.CANCEL_REQUESTED));
        gateway.landLateCapture(PaymentGateway.key("ord_1", "capture"), "pay_0", new Money(2000, "EUR"));

        // WHEN the payment step's StockReserved is redelivered
        OrderStatus status = payment.handle(message(MessageType.STOCK_RESERVED));

        // THEN
        assertThat(status).isEqualTo(OrderStatus.CANCELLED);
        assertThat(gateway.operations()).containsKey("ord_1:refund");
        Cancellation corrected = orders.find("ord_1").orElseThrow().findCancellation().orElseThrow();
        assertThat(corrected.settlement()).isEqualTo(Cancellation.Settlement.REFUNDED);
        assertThat(corrected.refunded()).isEqualTo(new Money(2000, "EUR"));
    }

    @Test
    void cancelRequest_anotherCustomersOrderIsNotFound_anEndedOrderIsAConflict_aRepeatWritesNothing() {
        stored(OrderStatus.PAYMENT_FAILED);
        assertThatThrownBy(() -> cancellations.cancel(new Caller("bob", null, Set.of()), "ord_1", null))
                .isInstanceOf(OrderNotFoundException.class);
        assertThatThrownBy(() -> cancellations.cancel(ALICE, "ord_1", null))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem())
                        .isEqualTo(InvalidRequestException.Problem.ORDER_NOT_CANCELLABLE));
        assertThatThrownBy(() -> cancellations.cancel(ALICE, "ord_1", "x".repeat(501)))
                .isInstanceOf(InvalidRequestException.class);

        stored(OrderStatus.RESERVED);
        Order first = cancellations.cancel(ALICE, "ord_1", "first");
        int writes = orders.writes();
        Order again = cancellations.cancel(ALICE, "ord_1", "second");
        assertThat(again).isEqualTo(first);
        assertThat(orders.writes()).isEqualTo(writes);
    }

    private Order stored(OrderStatus status) {
        Order order = Order.place("ord_1", "alice", "alice@example.com", "corr-1",
                List.of(new OrderLine("SKU-1", "Thing", 2, new Money(1000, "EUR"))), "pm_card_visa", T0);
        List<OrderStatus> path = switch (status) {
            case PENDING -> List.of();
            case RESERVED -> List.of(OrderStatus.RESERVED);
            case AUTHORIZED -> List.of(OrderStatus.RESERVED, OrderStatus.AUTHORIZED);
            case PAID -> List.of(OrderStatus.RESERVED, OrderStatus.AUTHORIZED, OrderStatus.PAID);
            case CONFIRMED -> List.of(OrderStatus.RESERVED, OrderStatus.AUTHORIZED, OrderStatus.PAID, OrderStatus.CONFIRMED);
            case PAYMENT_FAILED -> List.of(OrderStatus.RESERVED, OrderStatus.PAYMENT_FAILED);
            default -> throw new IllegalArgumentException(status.name());
        };
        for (OrderStatus next : path) {
            order = order.transitionTo(next, T0, "path");
            if (next == OrderStatus.AUTHORIZED) {
                order = order.withPayment(new PaymentDetails("pay_0", "visa", "4242"));
            }
        }
        orders.put(order);
        return order;
    }

    private static StepMessage message(MessageType type) {
        return StepMessage.of(type, "ord_1", "corr-1");
    }
}
