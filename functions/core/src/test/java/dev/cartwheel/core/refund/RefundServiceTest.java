package dev.cartwheel.core.refund;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.audit.Actor;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.exceptions.OrderNotFoundException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.payment.PaymentSettlement;
import dev.cartwheel.core.payment.Refund;
import dev.cartwheel.core.testing.InMemoryPorts;
import dev.cartwheel.core.testing.TestOrders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An admin's refund on the core's ports alone: recorded first, refunded once per key, never beyond the capture. */
class RefundServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Actor SUPPORT = new Actor("support-agent-1");

    private final InMemoryPorts ports = new InMemoryPorts();
    private final RefundService refunds = new RefundService(ports.orders, ports.gateway, ports.publisher,
            Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));

    private Order confirmed() {
        return TestOrders.store(ports, "ord_1", CapturePolicy.ON_AUTHORIZATION, T0, TestOrders.pathTo(OrderStatus.CONFIRMED));
    }

    private static RefundRequest eur(long amount, String reason) {
        return new RefundRequest(new Money(amount, "EUR"), reason);
    }

    @Test
    void partOfAConfirmedOrder_isRecordedWithItsActor_refundedAtTheProviderUnderItsKey_andAnnounced() {
        // GIVEN a confirmed order of 20.00 EUR, captured
        Order order = confirmed();
        String paymentId = order.findPayment().orElseThrow().paymentId();

        // WHEN
        IssuedRefund issued = refunds.refund("ord_1", "refund-key-1", eur(500, "chipped"), SUPPORT);

        // THEN
        assertThat(issued.replayed()).isFalse();
        assertThat(issued.refund().state()).isEqualTo(RefundRecord.State.REFUNDED);
        assertThat(issued.refund().requestedBy()).isEqualTo(SUPPORT);
        Refund atProvider = ports.gateway.findRefunds(paymentId).getFirst();
        assertThat(atProvider.idempotencyKey()).isEqualTo(PaymentSettlement.refundKey("ord_1", "refund-key-1"));
        assertThat(atProvider.amount()).isEqualTo(new Money(500, "EUR"));
        assertThat(issued.refund().refundId()).isEqualTo(atProvider.refundId());
        Order stored = ports.orders.order("ord_1");
        assertThat(stored.status()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(stored.refundedTotal()).isEqualTo(new Money(500, "EUR"));
        assertThat(stored.refundable()).isEqualTo(new Money(1500, "EUR"));
        assertThat(ports.gateway.findRefunds(paymentId)).hasSize(1);
        assertThat(ports.publisher.types()).containsExactly(MessageType.REFUND_ISSUED);
    }

    @Test
    void theSameKeyAndBodyAgain_returnsTheSameRefund_andRefundsNothingMore() {
        Order order = confirmed();
        IssuedRefund first = refunds.refund("ord_1", "refund-key-1", eur(500, "chipped"), SUPPORT);
        int writes = ports.orders.writes();

        IssuedRefund again = refunds.refund("ord_1", "refund-key-1", eur(500, "chipped"), SUPPORT);

        assertThat(again.replayed()).isTrue();
        assertThat(again.refund()).isEqualTo(first.refund());
        assertThat(ports.orders.writes()).as("the replay wrote nothing").isEqualTo(writes);
        assertThat(ports.orders.order("ord_1").refunds()).hasSize(1);
        assertThat(ports.gateway.findRefunds(order.findPayment().orElseThrow().paymentId())).hasSize(1);
    }

    @Test
    void theSameKeyForAnotherRefund_isRefusedAsReused_andChangesNothing() {
        confirmed();
        refunds.refund("ord_1", "refund-key-1", eur(500, "chipped"), SUPPORT);
        Order before = ports.orders.order("ord_1");

        assertProblem(() -> refunds.refund("ord_1", "refund-key-1", eur(600, "chipped"), SUPPORT), Problem.IDEMPOTENCY_KEY_REUSED);
        assertProblem(() -> refunds.refund("ord_1", "refund-key-1", eur(500, "broken"), SUPPORT), Problem.IDEMPOTENCY_KEY_REUSED);

        assertThat(ports.orders.order("ord_1")).isEqualTo(before);
        assertThat(ports.gateway.findRefunds(before.findPayment().orElseThrow().paymentId())).hasSize(1);
    }

    @Test
    void refundsTogether_neverExceedTheCapture() {
        confirmed();
        refunds.refund("ord_1", "refund-key-1", eur(1500, "most of it"), SUPPORT);

        assertProblem(() -> refunds.refund("ord_1", "refund-key-2", eur(501, "the rest and one cent"), SUPPORT),
                Problem.REFUND_EXCEEDS_CAPTURED);
        IssuedRefund rest = refunds.refund("ord_1", "refund-key-3", eur(500, "the rest"), SUPPORT);

        assertThat(rest.order().refundable()).isEqualTo(Money.zero("EUR"));
        assertThat(ports.orders.order("ord_1").refunds()).extracting(RefundRecord::key)
                .containsExactly("refund-key-1", "refund-key-3");
    }

    @Test
    void aRefundRecordedMeanwhileByAnotherAdmin_isCountedBeforeThisOneIsJudged() {
        // GIVEN a confirmed order of 20.00 and another admin's refund of 10.00 written between this request's read and write
        Order order = confirmed();
        ports.orders.beforeNextApply(store -> store.put(order.withRefundRequested(
                new RefundRecord("other-key-1", new Money(1000, "EUR"), "late", T0, null), T0)));

        // WHEN this admin asks for 15.00: THEN the write at the stale version fails, the order is read again, and the
        // request is judged against the 10.00 left
        assertProblem(() -> refunds.refund("ord_1", "refund-key-1", eur(1500, "broken"), SUPPORT), Problem.REFUND_EXCEEDS_CAPTURED);
        assertThat(ports.orders.order("ord_1").refunds()).extracting(RefundRecord::key).containsExactly("other-key-1");
        assertThat(ports.gateway.findRefunds(order.findPayment().orElseThrow().paymentId())).isEmpty();
    }

    @Test
    void aRefundWhoseRequestDiedBeforeTheProviderCall_isCompletedByTheRetry_once() {
        // GIVEN a refund recorded on the order whose request died before it asked the provider
        Order order = confirmed();
        ports.orders.put(order.withRefundRequested(new RefundRecord("refund-key-1", new Money(500, "EUR"), "chipped", T0,
                null, SUPPORT, null), T0));

        // WHEN the admin retries
        IssuedRefund retried = refunds.refund("ord_1", "refund-key-1", eur(500, "chipped"), SUPPORT);

        // THEN the provider refunded it now, once, and the record is completed
        assertThat(retried.replayed()).isTrue();
        assertThat(retried.refund().isCompleted()).isTrue();
        assertThat(ports.gateway.findRefunds(order.findPayment().orElseThrow().paymentId())).singleElement()
                .satisfies(refund -> assertThat(refund.refundId()).isEqualTo(retried.refund().refundId()));
        assertThat(ports.publisher.types()).containsExactly(MessageType.REFUND_ISSUED);
    }

    /** When the other admin's provider refund lands, relative to this request's read of the provider's refunds. */
    enum Landing { BEFORE_THE_READ, AFTER_THE_READ }

    @ParameterizedTest
    @EnumSource(Landing.class)
    void anotherAdminsRefundMadeWhileThisOneReadsTheProvider_isCountedOnce(Landing landing) {
        // GIVEN a confirmed order of 20.00 with another admin's refund of 6.84 recorded, not yet made at the provider
        Order order = confirmed();
        String paymentId = order.findPayment().orElseThrow().paymentId();
        ports.orders.put(order.withRefundRequested(new RefundRecord("other-key-1", new Money(684, "EUR"), "late", T0,
                null, SUPPORT, null), T0));
        // AND that admin's request makes it at the provider just before, or just after, this request reads the
        // provider's refunds (a reconciliation that reads twice, by key then the list, is caught by one or the other)
        Runnable otherAdmin = () -> ports.gateway.refund(PaymentSettlement.refundKey("ord_1", "other-key-1"), paymentId,
                new Money(684, "EUR"));
        if (landing == Landing.BEFORE_THE_READ) {
            ports.gateway.beforeNextListing(otherAdmin);
        } else {
            ports.gateway.afterNextListing(otherAdmin);
        }

        // WHEN this admin refunds 0.77
        IssuedRefund issued = refunds.refund("ord_1", "refund-key-1", eur(77, "scratched"), SUPPORT);

        // THEN the other admin's refund is its own record (completed if it was seen made, else still pending for its
        // request to complete), never recorded again as one made elsewhere: 7.61 refunded, as the provider made
        Order stored = ports.orders.order("ord_1");
        assertThat(issued.refund().isCompleted()).isTrue();
        assertThat(stored.refunds()).extracting(RefundRecord::key).containsExactly("other-key-1", "refund-key-1");
        assertThat(stored.findRefund("other-key-1").orElseThrow().isCompleted())
                .isEqualTo(landing == Landing.BEFORE_THE_READ);
        assertThat(stored.refundedTotal()).isEqualTo(new Money(761, "EUR"));
        assertThat(ports.gateway.findRefunds(paymentId)).extracting(refund -> refund.amount().amount())
                .containsExactly(684L, 77L);
    }

    @Test
    void badRequests_areRefused_andChangeNothing() {
        Order order = confirmed();
        TestOrders.store(ports, "ord_2", CapturePolicy.ON_AUTHORIZATION, T0, TestOrders.pathTo(OrderStatus.RESERVED));

        assertProblem(() -> refunds.refund("ord_1", null, eur(500, "x"), SUPPORT), Problem.MISSING_HEADER);
        assertProblem(() -> refunds.refund("ord_1", "provider:re_1", eur(500, "x"), SUPPORT), Problem.INVALID_HEADER);
        assertProblem(() -> refunds.refund("ord_1", "refund-key-1", eur(0, "x"), SUPPORT), Problem.INVALID_FIELD);
        assertProblem(() -> refunds.refund("ord_1", "refund-key-1", eur(500, " "), SUPPORT), Problem.INVALID_FIELD);
        assertProblem(() -> refunds.refund("ord_1", "refund-key-1", eur(500, "x".repeat(501)), SUPPORT), Problem.INVALID_FIELD);
        assertProblem(() -> refunds.refund("ord_1", "refund-key-1", new RefundRequest(new Money(500, "USD"), "x"), SUPPORT),
                Problem.INVALID_FIELD);
        assertProblem(() -> refunds.refund("ord_1", "refund-key-1", eur(2001, "x"), SUPPORT), Problem.REFUND_EXCEEDS_CAPTURED);
        assertProblem(() -> refunds.refund("ord_2", "refund-key-1", eur(500, "x"), SUPPORT), Problem.ORDER_NOT_REFUNDABLE);
        assertThatThrownBy(() -> refunds.refund("ord_404", "refund-key-1", eur(500, "x"), SUPPORT))
                .isInstanceOf(OrderNotFoundException.class);

        assertThat(ports.orders.order("ord_1")).isEqualTo(order);
        assertThat(ports.orders.writes()).isZero();
        assertThat(ports.gateway.findRefunds(order.findPayment().orElseThrow().paymentId())).isEmpty();
        assertThat(ports.publisher.sent()).isEmpty();
    }

    private static void assertProblem(ThrowingCallable call, Problem problem) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.problem()).isEqualTo(problem));
    }
}
