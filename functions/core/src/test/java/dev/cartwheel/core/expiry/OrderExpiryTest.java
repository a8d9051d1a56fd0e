package dev.cartwheel.core.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.PaymentDetails;
import dev.cartwheel.core.order.StockMovement;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentSettlement;
import dev.cartwheel.core.testing.InMemoryPorts;
import dev.cartwheel.core.testing.TestOrders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Expiry of unpaid orders on the core's ports alone: one winner against a late payment, stock released once. */
class OrderExpiryTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private final InMemoryPorts ports = new InMemoryPorts();

    private OrderExpiry at(Instant now) {
        return new OrderExpiry(ports.orders, new PaymentSettlement(ports.gateway), ports.publisher,
                Clock.fixed(now, ZoneOffset.UTC), TIMEOUT);
    }

    private final OrderExpiry overdue = at(T0.plus(TIMEOUT).plusSeconds(1));

    private Order stored(OrderStatus status) {
        return TestOrders.store(ports, "ord_1", CapturePolicy.ON_AUTHORIZATION, T0, TestOrders.pathTo(status));
    }

    @Test
    void reservedOrderPastItsTimeout_expires_releasesItsStock_andTellsTheCustomer() {
        stored(OrderStatus.RESERVED);

        OrderStatus status = overdue.handle(expiryDue());

        assertThat(status).isEqualTo(OrderStatus.EXPIRED);
        Order expired = ports.orders.order("ord_1");
        assertThat(expired.status()).isEqualTo(OrderStatus.EXPIRED);
        assertThat(expired.history().getLast().reason()).isEqualTo("not paid within 15 minutes");
        assertThat(ports.orders.movements()).containsExactly(new StockMovement("SKU-1", 2, StockMovement.Kind.RELEASE));
        assertThat(ports.catalog.stock("SKU-1")).containsExactly(2, 0, 0);
        assertThat(ports.publisher.sent()).containsExactly(StepMessage.of(MessageType.ORDER_EXPIRED, "ord_1", "corr-ord_1"));
        assertThat(ports.gateway.operations()).as("nothing was authorized: nothing to void").isEmpty();
    }

    @Test
    void pendingOrderPastItsTimeout_expires_withoutMovingStock() {
        stored(OrderStatus.PENDING);

        assertThat(overdue.handle(expiryDue())).isEqualTo(OrderStatus.EXPIRED);
        assertThat(ports.orders.movements()).isEmpty();
    }

    @Test
    void anAuthorizationTheCrashedPaymentStepNeverRecorded_isVoidedWithTheExpiry() {
        // GIVEN a reserved order whose payment step authorized at the provider and died before writing AUTHORIZED
        stored(OrderStatus.RESERVED);
        Authorization hold = ports.gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa",
                ports.orders.order("ord_1").total());

        // WHEN
        overdue.handle(expiryDue());

        // THEN the hold is released, with the expiry's key
        assertThat(ports.gateway.isVoided(hold.paymentId())).isTrue();
        assertThat(ports.gateway.operations()).containsOnlyKeys("ord_1:authorize", "ord_1:void");
    }

    @Test
    void expiryDueTwice_expiresOnce_releasesOnce_voidsOnce_andTellsTheEmailStepAgain() {
        stored(OrderStatus.RESERVED);
        ports.gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", ports.orders.order("ord_1").total());

        overdue.handle(expiryDue());
        OrderStatus again = overdue.handle(expiryDue());

        assertThat(again).isEqualTo(OrderStatus.EXPIRED);
        assertThat(ports.orders.writes()).isEqualTo(1);
        assertThat(ports.catalog.stock("SKU-1")).containsExactly(2, 0, 0);
        assertThat(ports.gateway.operations()).containsOnlyKeys("ord_1:authorize", "ord_1:void");
        assertThat(ports.publisher.types()).containsExactly(MessageType.ORDER_EXPIRED, MessageType.ORDER_EXPIRED);
    }

    @Test
    void anOrderNotDueYet_orPaidInTime_isLeftAsItIs() {
        stored(OrderStatus.RESERVED);
        assertThat(at(T0.plus(TIMEOUT).minusSeconds(1)).handle(expiryDue())).isEqualTo(OrderStatus.RESERVED);

        stored(OrderStatus.CONFIRMED);
        assertThat(overdue.handle(expiryDue())).isEqualTo(OrderStatus.CONFIRMED);

        assertThat(ports.orders.writes()).isZero();
        assertThat(ports.publisher.sent()).isEmpty();
    }

    @Test
    void aPaymentWrittenBetweenTheReadAndTheWrite_wins_andTheExpiryChangesNothing() {
        // GIVEN a reserved order past its timeout whose payment step writes AUTHORIZED while the expiry decides
        Order reserved = stored(OrderStatus.RESERVED);
        Authorization hold = ports.gateway.authorize(PaymentGateway.key("ord_1", "authorize"), "pm_card_visa", reserved.total());
        ports.orders.beforeNextApply(store -> store.put(reserved.transitionTo(OrderStatus.AUTHORIZED, T0.plus(TIMEOUT), "paid")
                .withPayment(new PaymentDetails(hold.paymentId(), "visa", "4242"))));

        // WHEN
        OrderStatus status = overdue.handle(expiryDue());

        // THEN the expiry's write at the stale version failed; read again, the order is paid and stays so
        assertThat(status).isEqualTo(OrderStatus.AUTHORIZED);
        assertThat(ports.orders.order("ord_1").status()).isEqualTo(OrderStatus.AUTHORIZED);
        assertThat(ports.catalog.stock("SKU-1")).as("still reserved for the capture").containsExactly(0, 2, 0);
        assertThat(ports.gateway.isVoided(hold.paymentId())).isFalse();
        assertThat(ports.publisher.sent()).isEmpty();
    }

    @Test
    void anotherMessageType_isRejected_andChangesNothing() {
        stored(OrderStatus.RESERVED);

        assertThatThrownBy(() -> overdue.handle(StepMessage.of(MessageType.STOCK_RESERVED, "ord_1", "c")))
                .isInstanceOf(MessageRejectedException.class);

        assertThat(ports.orders.order("ord_1").status()).isEqualTo(OrderStatus.RESERVED);
        assertThat(ports.publisher.sent()).isEmpty();
    }

    private static StepMessage expiryDue() {
        return StepMessage.of(MessageType.EXPIRY_DUE, "ord_1", "corr-ord_1");
    }
}
