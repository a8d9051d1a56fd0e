package dev.cartwheel.core.cancellation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.checkout.Caller;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.fulfilment.FulfilmentService;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
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
import dev.cartwheel.core.testing.TestOrders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fulfilment of an order and the refunds a provider reports, on the core's ports alone. */
class FulfilmentAndProviderRefundTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
    private static final Caller ALICE = new Caller("alice", "alice@example.com", Set.of("orders/write"));

    private final InMemoryPorts ports = new InMemoryPorts();
    private final InMemoryOrderStore orders = ports.orders;
    private final InMemoryPaymentGateway gateway = ports.gateway;
    private final RecordingPublisher publisher = ports.publisher;
    private final FulfilmentService fulfilments = new FulfilmentService(orders, publisher, CLOCK);
    private final CancellationService cancellations = new CancellationService(orders, publisher, CLOCK);
    private final PaymentService payment = new PaymentService(orders, gateway, publisher, CLOCK);

    @Test
    void confirmedOrder_isFulfilledAtOnce_withoutMovingMoney_andCanNoLongerBeCancelled() {
        stored(OrderStatus.CONFIRMED, CapturePolicy.ON_AUTHORIZATION);

        Order fulfilled = fulfilments.fulfil("ord_1", "1Z999");
        Order repeated = fulfilments.fulfil("ord_1", "other");

        assertThat(fulfilled.status()).isEqualTo(OrderStatus.FULFILLED);
        assertThat(fulfilled.findFulfilment().orElseThrow().trackingNumber()).isEqualTo("1Z999");
        assertThat(repeated).isEqualTo(fulfilled);
        assertThat(orders.writes()).isEqualTo(1);
        assertThat(publisher.sent()).as("the shipping notice, for the request and its repeat").extracting(StepMessage::type)
                .containsExactly(MessageType.ORDER_FULFILLED, MessageType.ORDER_FULFILLED);
        assertThat(gateway.operations()).as("the fulfilment moved no money").containsOnlyKeys("ord_1:authorize");
        assertThatThrownBy(() -> cancellations.cancel(ALICE, "ord_1", null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("fulfilled");
    }

    @Test
    void orderCapturedOnFulfilment_waitsAuthorized_thenTheFulfilmentMakesThePaymentStepCapture() {
        // GIVEN a reserved order captured on fulfilment
        stored(OrderStatus.RESERVED, CapturePolicy.ON_FULFILMENT);

        // WHEN the payment step authorizes it, is nudged again, and then the warehouse ships it
        OrderStatus afterAuthorization = payment.handle(message(MessageType.STOCK_RESERVED));
        OrderStatus afterNudge = payment.handle(message(MessageType.STOCK_RESERVED));
        List<String> operationsBeforeFulfilment = List.copyOf(gateway.operations().keySet());
        Order recorded = fulfilments.fulfil("ord_1", null);
        OrderStatus afterFulfilment = payment.handle(message(MessageType.FULFILMENT_RECORDED));

        // THEN
        assertThat(afterAuthorization).isEqualTo(OrderStatus.AUTHORIZED);
        assertThat(afterNudge).isEqualTo(OrderStatus.AUTHORIZED);
        assertThat(operationsBeforeFulfilment).containsExactly("ord_1:authorize");
        assertThat(recorded.status()).isEqualTo(OrderStatus.AUTHORIZED);
        assertThat(afterFulfilment).isEqualTo(OrderStatus.PAID);
        assertThat(gateway.operations()).containsOnlyKeys("ord_1:authorize", "ord_1:capture");
        assertThat(orders.movements()).containsExactly(new StockMovement("SKU-1", 2, StockMovement.Kind.COMMIT));
        assertThat(publisher.sent()).as("the confirmation as soon as it is held (again for the nudge), then the capture")
                .extracting(StepMessage::type).containsExactly(MessageType.ORDER_AUTHORIZED, MessageType.ORDER_AUTHORIZED,
                        MessageType.FULFILMENT_RECORDED, MessageType.ORDER_PAID);
    }

    @Test
    void providerRefunds_areRecordedOnce_andAnAdminRefundWhoseRequestCrashedIsNotTakenForOne() {
        // GIVEN a captured order; an admin refund of 500 recorded whose request died after the provider refunded it;
        // one of 200 recorded whose request died before the provider call; 300 refunded in the provider's dashboard
        Order order = stored(OrderStatus.CONFIRMED, CapturePolicy.ON_AUTHORIZATION);
        gateway.capture(PaymentGateway.key("ord_1", "capture"), "pay_0", order.total());
        Order withPendingRefunds = order
                .withRefundRequested(new RefundRecord("k1", new Money(500, "EUR"), "chipped", T0, null), T0)
                .withRefundRequested(new RefundRecord("k2", new Money(200, "EUR"), "late", T0, null), T0);
        orders.put(withPendingRefunds);
        String adminRefundId = gateway.refund("ord_1:refund:k1", "pay_0", new Money(500, "EUR")).refundId();
        String dashboardRefundId = gateway.refund("dashboard:1", "pay_0", new Money(300, "EUR")).refundId();

        // WHEN the provider's webhook is delivered twice
        payment.handle(message(MessageType.PAYMENT_UPDATED));
        int writes = orders.writes();
        payment.handle(message(MessageType.PAYMENT_UPDATED));

        // THEN
        Order refunded = orders.find("ord_1").orElseThrow();
        assertThat(refunded.refunds()).extracting(RefundRecord::refundId)
                .containsExactly(adminRefundId, null, dashboardRefundId);
        assertThat(refunded.refunds().get(2).isFromProvider()).isTrue();
        assertThat(refunded.refunds().get(0).isFromProvider()).isFalse();
        assertThat(gateway.operations()).as("the webhook only looks: it made no refund").doesNotContainKey("ord_1:refund:k2");
        assertThat(refunded.refundedTotal()).as("asked for or made: 500 + 200 + 300").isEqualTo(new Money(1000, "EUR"));
        assertThat(refunded.status()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(orders.writes()).as("the duplicate wrote nothing").isEqualTo(writes);
        assertThat(publisher.sent()).as("each delivery asks for the refund e-mails (the e-mail step sends each once)")
                .extracting(StepMessage::type).containsExactly(MessageType.REFUND_ISSUED, MessageType.REFUND_ISSUED);
    }

    @Test
    void aWebhookAboutThePaymentOfAPaidOrder_writesAndSendsNothing() {
        // GIVEN an order the payment step captured and recorded PAID (it sent OrderPaid then); the webhook function
        // forwarded Stripe's news of the authorization because it read the order before that write
        Order order = stored(OrderStatus.PAID, CapturePolicy.ON_AUTHORIZATION);
        gateway.capture(PaymentGateway.key("ord_1", "capture"), "pay_0", order.total());
        int writes = orders.writes();

        // WHEN the forwarded webhook reaches the payment step, twice
        OrderStatus first = payment.handle(message(MessageType.PAYMENT_UPDATED));
        OrderStatus second = payment.handle(message(MessageType.PAYMENT_UPDATED));

        // THEN no second OrderPaid for the e-mail step: the payment is no news to the order
        assertThat(List.of(first, second)).containsOnly(OrderStatus.PAID);
        assertThat(publisher.sent()).isEmpty();
        assertThat(orders.writes()).isEqualTo(writes);
        assertThat(gateway.operations()).containsOnlyKeys("ord_1:authorize", "ord_1:capture");
    }

    @Test
    void theRedeliveredWebhookThatCompletedA3DSecurePayment_sendsOrderPaidAgain_forTheSendACrashLost() {
        // GIVEN a 3-D Secure order: the webhook's PaymentUpdated took it from PAYMENT_PENDING to PAID, then the
        // payment step died before it sent OrderPaid (no StockReserved is left to redeliver: it ended PAYMENT_PENDING)
        Order reserved = stored(OrderStatus.RESERVED, CapturePolicy.ON_AUTHORIZATION);
        gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", reserved.total());
        gateway.capture(PaymentGateway.key("ord_1", "capture"), "pay_0", reserved.total());
        Order paid = reserved.transitionTo(OrderStatus.PAYMENT_PENDING, T0, "3-D Secure")
                .withPayment(new PaymentDetails("pay_0", "visa", "3184"))
                .transitionTo(OrderStatus.AUTHORIZED, T0, "authenticated")
                .transitionTo(OrderStatus.PAID, T0, "captured");
        orders.put(paid);

        // WHEN SQS delivers that PaymentUpdated again
        OrderStatus after = payment.handle(message(MessageType.PAYMENT_UPDATED));

        // THEN the e-mail step is told, as the crashed delivery would have
        assertThat(after).isEqualTo(OrderStatus.PAID);
        assertThat(publisher.sent()).extracting(StepMessage::type).containsExactly(MessageType.ORDER_PAID);
    }

    @Test
    void cancellingAfterADashboardRefundTheOrderDoesNotRecordYet_refundsOnlyTheRest_andRecordsIt() {
        // GIVEN a captured order of 2000 of which 300 were refunded in the provider's dashboard, its webhook not applied
        Order order = stored(OrderStatus.CONFIRMED, CapturePolicy.ON_AUTHORIZATION);
        gateway.capture(PaymentGateway.key("ord_1", "capture"), "pay_0", order.total());
        String dashboardRefundId = gateway.refund("dashboard:1", "pay_0", new Money(300, "EUR")).refundId();

        // WHEN the customer cancels, and the saga's message comes twice
        cancellations.cancel(ALICE, "ord_1", null);
        payment.handle(message(MessageType.CANCEL_REQUESTED));
        payment.handle(message(MessageType.CANCEL_REQUESTED));

        // THEN the cancellation refunded 1700 once; the order records the 300 too; together the capture
        Order cancelled = orders.find("ord_1").orElseThrow();
        assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(cancelled.findCancellation().orElseThrow().refunded()).isEqualTo(new Money(1700, "EUR"));
        assertThat(gateway.findRefunds("pay_0")).filteredOn(refund -> refund.madeUnder("ord_1:refund"))
                .singleElement().satisfies(refund -> assertThat(refund.amount()).isEqualTo(new Money(1700, "EUR")));
        assertThat(cancelled.refunds()).singleElement().satisfies(refund -> {
            assertThat(refund.refundId()).isEqualTo(dashboardRefundId);
            assertThat(refund.isFromProvider()).isTrue();
        });
        assertThat(cancelled.refundedTotal()).isEqualTo(order.total());
        assertThat(gateway.findRefunds("pay_0")).as("the dashboard's and the cancellation's, no more").hasSize(2);
    }

    private Order stored(OrderStatus status, CapturePolicy capture) {
        Order order = Order.place("ord_1", "alice", "alice@example.com", "corr-1",
                List.of(new OrderLine("SKU-1", "Thing", 2, new Money(1000, "EUR"))), "pm_card_visa", T0)
                .withCapturePolicy(capture);
        for (OrderStatus next : TestOrders.pathTo(status)) {
            order = order.transitionTo(next, T0, "path");
            if (next == OrderStatus.AUTHORIZED) {
                gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", order.total());
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
