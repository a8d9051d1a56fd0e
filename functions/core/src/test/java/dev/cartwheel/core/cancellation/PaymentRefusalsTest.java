package dev.cartwheel.core.cancellation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.audit.Actor;
import dev.cartwheel.core.audit.AuditEntry;
import dev.cartwheel.core.checkout.Caller;
import dev.cartwheel.core.events.OrderAlert;
import dev.cartwheel.core.events.OrderChange;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.fulfilment.FulfilmentService;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.PaymentDetails;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.StockMovement;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentService;
import dev.cartwheel.core.reconciler.ReconcilerService;
import dev.cartwheel.core.refund.IssuedRefund;
import dev.cartwheel.core.refund.RefundRequest;
import dev.cartwheel.core.refund.RefundService;
import dev.cartwheel.core.testing.InMemoryOrderStore;
import dev.cartwheel.core.testing.InMemoryPaymentGateway;
import dev.cartwheel.core.testing.InMemoryPorts;
import dev.cartwheel.core.testing.RecordingPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Definitive refusals by the payment provider (issue 12, items 1 and 6), the authorization hold of orders captured on
 * fulfilment, and who did what (item 7), on the core's ports alone.
 */
class PaymentRefusalsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
    private static final Caller ALICE = new Caller("alice", "alice@example.com", Set.of("orders/write"));
    private static final Actor WAREHOUSE = new Actor("warehouse-1");
    private static final Actor SUPPORT = new Actor("support-agent-1");

    private final InMemoryPorts ports = new InMemoryPorts();
    private final InMemoryOrderStore orders = ports.orders;
    private final InMemoryPaymentGateway gateway = ports.gateway;
    private final RecordingPublisher publisher = ports.publisher;
    private final FulfilmentService fulfilments = new FulfilmentService(orders, publisher, CLOCK);
    private final CancellationService cancellations = new CancellationService(orders, publisher, CLOCK);
    private final RefundService refunds = new RefundService(orders, gateway, publisher, CLOCK);

    @Test
    void captureRefusedForGood_endsPaymentFailed_stockReleased_holdVoided_customerMailed_neverFulfilled() {
        // GIVEN an order held until it ships, and a provider that refuses its capture (the authorization lapsed)
        PaymentService payment = new PaymentService(orders, gateway, publisher, CLOCK);
        stored(OrderStatus.RESERVED, CapturePolicy.ON_FULFILMENT);
        payment.handle(message(MessageType.STOCK_RESERVED));
        gateway.refuse("capture");

        // WHEN the warehouse asks to ship it, the payment step tries to capture (twice: a redelivery), and the
        // warehouse asks again
        Order asked = fulfilments.fulfil("ord_1", "1Z999", WAREHOUSE);
        OrderStatus afterCapture = payment.handle(message(MessageType.FULFILMENT_RECORDED));
        OrderStatus afterRedelivery = payment.handle(message(MessageType.FULFILMENT_RECORDED));

        // THEN the fulfilment was only a request: the order stayed AUTHORIZED, not FULFILLED
        assertThat(asked.status()).isEqualTo(OrderStatus.AUTHORIZED);
        // AND the refusal ended it PAYMENT_FAILED, its stock released once, the hold voided, never captured
        Order failed = orders.find("ord_1").orElseThrow();
        assertThat(afterCapture).isEqualTo(OrderStatus.PAYMENT_FAILED);
        assertThat(afterRedelivery).isEqualTo(OrderStatus.PAYMENT_FAILED);
        assertThat(failed.status()).isEqualTo(OrderStatus.PAYMENT_FAILED);
        assertThat(failed.history().getLast().reason()).contains("charge_expired_for_capture");
        assertThat(failed.history()).extracting(change -> change.status())
                .doesNotContain(OrderStatus.PAID, OrderStatus.FULFILLED);
        assertThat(orders.movements()).containsExactly(new StockMovement("SKU-1", 2, StockMovement.Kind.RELEASE));
        assertThat(gateway.operations()).containsOnlyKeys("ord_1:authorize", "ord_1:void");
        // AND the customer is told (PaymentFailed, again on the redelivery: the e-mail step mails it once)
        assertThat(publisher.sent()).extracting(StepMessage::type).containsExactly(MessageType.ORDER_AUTHORIZED,
                MessageType.FULFILMENT_RECORDED, MessageType.PAYMENT_FAILED, MessageType.PAYMENT_FAILED);
        // AND the warehouse is told not to ship when it asks again, and the write raises the CapturesFailed alarm
        assertThatThrownBy(() -> fulfilments.fulfil("ord_1", "1Z999", WAREHOUSE))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("do not ship");
        assertThat(OrderAlert.of(new OrderChange("1", asked, failed))).containsExactly(OrderAlert.CAPTURE_FAILED);
    }

    @Test
    void refundRefusedForGood_isRecordedFailed_notCounted_notAnnounced_andItsRetryDoesNotAskTheProviderAgain() {
        // GIVEN a paid order and a provider that refuses the next refund
        Order paid = stored(OrderStatus.CONFIRMED, CapturePolicy.ON_AUTHORIZATION);
        gateway.refuse("refund");

        // WHEN an admin refunds part of it, and retries with the same key once the provider would accept
        IssuedRefund refused = refunds.refund("ord_1", "refund-key-1", new RefundRequest(new Money(500, "EUR"), "broken"), SUPPORT);
        gateway.stopRefusing();
        IssuedRefund retried = refunds.refund("ord_1", "refund-key-1", new RefundRequest(new Money(500, "EUR"), "broken"), SUPPORT);

        // THEN it is FAILED with the provider's reason and the admin who asked, and moved no money
        assertThat(refused.refund().state()).isEqualTo(RefundRecord.State.FAILED);
        assertThat(refused.refund().failure()).startsWith("charge_disputed");
        assertThat(refused.refund().requestedBy()).isEqualTo(SUPPORT);
        assertThat(retried.refund()).isEqualTo(refused.refund());
        assertThat(retried.replayed()).isTrue();
        assertThat(gateway.refused()).as("asked once, not again on the retry").containsExactly("ord_1:refund:refund-key-1");
        assertThat(gateway.findRefunds("pay_0")).isEmpty();
        Order order = orders.find("ord_1").orElseThrow();
        assertThat(order.refundedTotal()).as("a refused refund is not counted").isEqualTo(Money.zero("EUR"));
        assertThat(order.refundable()).isEqualTo(paid.total());
        // AND no RefundIssued: no customer e-mail, no order.refunded event; the write raises the RefundsFailed alarm
        assertThat(publisher.sent()).isEmpty();
        assertThat(OrderAlert.of(new OrderChange("1", paid, order))).containsExactly(OrderAlert.REFUND_FAILED);
        // AND a new refund with a new key can still refund the whole capture
        IssuedRefund next = refunds.refund("ord_1", "refund-key-2", new RefundRequest(paid.total(), "all of it"), SUPPORT);
        assertThat(next.refund().state()).isEqualTo(RefundRecord.State.REFUNDED);
        assertThat(orders.find("ord_1").orElseThrow().refundedTotal()).isEqualTo(paid.total());
    }

    @Test
    void cancellationSagaWhoseRefundIsRefused_endsCancelledRefundFailed_insteadOfFailingIntoTheDlq() {
        // GIVEN a confirmed order with an admin refund still pending, and a provider that refuses every refund
        PaymentService payment = new PaymentService(orders, gateway, publisher, CLOCK);
        Order confirmed = stored(OrderStatus.CONFIRMED, CapturePolicy.ON_AUTHORIZATION);
        Order withPending = confirmed.withRefundRequested(
                new RefundRecord("refund-key-1", new Money(300, "EUR"), "scratch", T0, null, SUPPORT, null), T0);
        orders.put(withPending);
        gateway.refuse("refund");

        // WHEN the customer cancels and the saga runs (and runs again: a redelivery)
        cancellations.cancel(ALICE, "ord_1", "changed my mind");
        OrderStatus first = payment.handle(message(MessageType.CANCEL_REQUESTED));
        OrderStatus again = payment.handle(message(MessageType.CANCEL_REQUESTED));
        Order nudged = orders.find("ord_1").orElseThrow();
        payment.handle(message(MessageType.PAYMENT_UPDATED));

        // THEN the saga completed without an exception: CANCELLED, stock back, REFUND_FAILED with the reason
        assertThat(first).isEqualTo(OrderStatus.CANCELLED);
        assertThat(again).isEqualTo(OrderStatus.CANCELLED);
        Order cancelled = orders.find("ord_1").orElseThrow();
        assertThat(cancelled).as("a later payment message settles nothing again").isEqualTo(nudged);
        Cancellation cancellation = cancelled.findCancellation().orElseThrow();
        assertThat(cancellation.settlement()).isEqualTo(Cancellation.Settlement.REFUND_FAILED);
        assertThat(cancellation.failure()).startsWith("charge_disputed");
        assertThat(cancellation.refunded()).isEqualTo(Money.zero("EUR"));
        assertThat(cancellation.requestedBy()).isEqualTo(new Actor("alice"));
        assertThat(cancelled.findRefund("refund-key-1").orElseThrow().state()).isEqualTo(RefundRecord.State.FAILED);
        assertThat(cancelled.refundedTotal()).isEqualTo(Money.zero("EUR"));
        assertThat(orders.movements()).containsExactly(new StockMovement("SKU-1", 2, StockMovement.Kind.RESTOCK));
        assertThat(gateway.refused()).as("the pending refund and the cancellation's, each asked once")
                .containsExactly("ord_1:refund:refund-key-1", "ord_1:refund");
        assertThat(OrderAlert.of(new OrderChange("1", withPending, cancelled)))
                .containsExactly(OrderAlert.REFUND_FAILED, OrderAlert.REFUND_FAILED);
    }

    @Test
    void heldOrder_isReportedADayBeforeItsHoldEnds_andExpiredAnHourBefore_holdVoided_stockReleased() {
        // GIVEN an order held until it ships, authorized at T0+60s, and a 7-day hold
        Duration hold = Duration.ofDays(7);
        new PaymentService(orders, gateway, publisher, CLOCK, Duration.ofMinutes(15), hold)
                .handle(StepMessage.of(MessageType.STOCK_RESERVED, stored(OrderStatus.RESERVED, CapturePolicy.ON_FULFILMENT)
                        .orderId(), "corr-1"));
        publisher.clear();
        Instant authorizedAt = orders.find("ord_1").orElseThrow().findAuthorizedAt().orElseThrow();

        // WHEN the reconciler looks 5 days on, 6.5 days on and 7 days less 30 minutes on
        ReconcilerService.HoldReview fiveDays = reconciler(authorizedAt.plus(Duration.ofDays(5)), hold).reviewHolds(10);
        ReconcilerService.HoldReview nearLapse = reconciler(authorizedAt.plus(Duration.ofHours(156)), hold).reviewHolds(10);
        List<StepMessage> sentNearLapse = List.copyOf(publisher.sent());
        Instant almostLapsed = authorizedAt.plus(hold).minus(Duration.ofMinutes(30));
        ReconcilerService.HoldReview expiring = reconciler(almostLapsed, hold).reviewHolds(10);
        // AND the payment step gets the ExpiryDue (twice: a redelivery)
        PaymentService later = new PaymentService(orders, gateway, publisher, Clock.fixed(almostLapsed, ZoneOffset.UTC),
                Duration.ofMinutes(15), hold);
        OrderStatus expired = later.handle(message(MessageType.EXPIRY_DUE));
        OrderStatus again = later.handle(message(MessageType.EXPIRY_DUE));

        // THEN nothing at 5 days, an alert (no message) a day before, ExpiryDue within the hour
        assertThat(fiveDays).isEqualTo(new ReconcilerService.HoldReview(0, 0));
        assertThat(nearLapse).isEqualTo(new ReconcilerService.HoldReview(1, 0));
        assertThat(sentNearLapse).isEmpty();
        assertThat(expiring).isEqualTo(new ReconcilerService.HoldReview(0, 1));
        // AND the order expired: reserved stock released, the hold voided while the provider still had it, mailed
        assertThat(expired).isEqualTo(OrderStatus.EXPIRED);
        assertThat(again).isEqualTo(OrderStatus.EXPIRED);
        Order order = orders.find("ord_1").orElseThrow();
        assertThat(order.history().getLast().reason()).isEqualTo("not shipped within the 7-day hold on your payment");
        assertThat(orders.movements()).containsExactly(new StockMovement("SKU-1", 2, StockMovement.Kind.RELEASE));
        assertThat(gateway.operations()).containsOnlyKeys("ord_1:authorize", "ord_1:void");
        assertThat(publisher.sent()).extracting(StepMessage::type)
                .containsExactly(MessageType.EXPIRY_DUE, MessageType.ORDER_EXPIRED, MessageType.ORDER_EXPIRED);
        assertThatThrownBy(() -> fulfilments.fulfil("ord_1", null, WAREHOUSE)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void refundsFulfilmentsAndCancellations_recordWhoAndWhen_inTheOrdersAuditTrail() {
        // GIVEN a confirmed order
        stored(OrderStatus.CONFIRMED, CapturePolicy.ON_AUTHORIZATION);

        // WHEN support refunds part of it and the warehouse ships it
        refunds.refund("ord_1", "refund-key-1", new RefundRequest(new Money(200, "EUR"), "late"), SUPPORT);
        fulfilments.fulfil("ord_1", "1Z999", WAREHOUSE);
        // AND another order is cancelled by its customer
        Order other = Order.place("ord_2", "alice", "alice@example.com", "corr-2",
                List.of(new OrderLine("SKU-1", "Thing", 1, new Money(1000, "EUR"))), "pm_card_visa", T0);
        orders.put(other);
        cancellations.cancel(ALICE, "ord_2", null);

        // THEN each action names its actor by sub and its time
        Instant at = CLOCK.instant();
        assertThat(orders.find("ord_1").orElseThrow().auditTrail()).containsExactlyInAnyOrder(
                new AuditEntry(AuditEntry.REFUND_REQUESTED, SUPPORT, at, "refund-key-1"),
                new AuditEntry(AuditEntry.FULFILMENT_RECORDED, WAREHOUSE, at, "1Z999"));
        assertThat(orders.find("ord_2").orElseThrow().auditTrail()).containsExactly(
                new AuditEntry(AuditEntry.CANCELLATION_REQUESTED, new Actor("alice"), at, null));
        assertThatThrownBy(() -> new Actor(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Actor("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    private ReconcilerService reconciler(Instant now, Duration hold) {
        return new ReconcilerService(orders, publisher, Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(10),
                Duration.ofMinutes(15), hold);
    }

    private Order stored(OrderStatus status, CapturePolicy capture) {
        Order order = Order.place("ord_1", "alice", "alice@example.com", "corr-1",
                List.of(new OrderLine("SKU-1", "Thing", 2, new Money(1000, "EUR"))), "pm_card_visa", T0)
                .withCapturePolicy(capture);
        List<OrderStatus> path = switch (status) {
            case RESERVED -> List.of(OrderStatus.RESERVED);
            case CONFIRMED -> List.of(OrderStatus.RESERVED, OrderStatus.AUTHORIZED, OrderStatus.PAID, OrderStatus.CONFIRMED);
            default -> throw new IllegalArgumentException(status.name());
        };
        for (OrderStatus next : path) {
            order = order.transitionTo(next, T0, "path");
            if (next == OrderStatus.AUTHORIZED) {
                gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", order.total());
                order = order.withPayment(new PaymentDetails("pay_0", "visa", "4242"));
            }
            if (next == OrderStatus.PAID) {
                gateway.capture(PaymentGateway.key("ord_1", "capture"), "pay_0", order.total());
            }
        }
        orders.put(order);
        return order;
    }

    private static StepMessage message(MessageType type) {
        return StepMessage.of(type, "ord_1", "corr-1");
    }
}
