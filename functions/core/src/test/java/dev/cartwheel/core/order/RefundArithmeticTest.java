package dev.cartwheel.core.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.money.Money;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RefundArithmeticTest {

    private static final Instant T1 = Instant.parse("2026-11-25T11:00:00Z");

    @Test
    void refundsAddUp_andEachWriteMovesTheVersion() {
        Order paid = OrderStatusTest.orderIn(OrderStatus.PAID);
        Order one = paid.withRefundRequested(new RefundRecord("k1", new Money(500, "EUR"), "a", T1, null), T1);
        Order two = one.withRefundRequested(new RefundRecord("k2", new Money(700, "EUR"), "b", T1, null), T1)
                .withRefundCompleted("k2", "re_2", T1);

        assertThat(two.refundedTotal()).isEqualTo(new Money(1200, "EUR"));
        assertThat(two.refundable()).isEqualTo(new Money(800, "EUR"));
        assertThat(two.findRefund("k1").orElseThrow().isCompleted()).isFalse();
        assertThat(two.findRefund("k2").orElseThrow().refundId()).isEqualTo("re_2");
        assertThat(two.version()).isEqualTo(paid.version() + 3);
        assertThat(two.status()).isEqualTo(OrderStatus.PAID);
        assertThat(two.history()).isEqualTo(paid.history());
    }

    @Test
    void refundable_isNeverNegative_evenWhenTheProviderRefundedMoreThanWasLeft() {
        Order paid = OrderStatusTest.orderIn(OrderStatus.PAID);
        Order overRefunded = paid.withRefundRequested(new RefundRecord("k1", new Money(1500, "EUR"), "a", T1, "re_1"), T1)
                .withProviderRefund(RefundRecord.fromProvider("re_2", new Money(1000, "EUR"), T1), T1);

        assertThat(overRefunded.refundedTotal()).isEqualTo(new Money(2500, "EUR"));
        assertThat(overRefunded.refundable()).isEqualTo(new Money(0, "EUR"));
        assertThatThrownBy(() -> overRefunded.withProviderRefund(RefundRecord.fromProvider("re_2", new Money(1, "EUR"), T1), T1))
                .as("a refund id is recorded once").isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED"})
    void requestCancellation_recordsWhereTheStockIs(OrderStatus from) {
        Order order = OrderStatusTest.orderIn(from);

        Order cancelling = order.requestCancellation("why", T1);

        Cancellation cancellation = cancelling.findCancellation().orElseThrow();
        assertThat(cancelling.status()).isEqualTo(OrderStatus.CANCELLING);
        assertThat(cancelling.version()).isEqualTo(order.version() + 1);
        assertThat(cancellation.from()).isEqualTo(from);
        assertThat(cancellation.stockReturned()).isFalse();
        assertThat(cancellation.settlement()).isEqualTo(Cancellation.Settlement.OPEN);
        StockMovement.Kind expected = switch (from) {
            case RESERVED, AUTHORIZED -> StockMovement.Kind.RELEASE;
            case PAID, CONFIRMED -> StockMovement.Kind.RESTOCK;
            default -> null;
        };
        if (expected == null) {
            assertThat(cancellation.stockMovements(order.lines())).isEmpty();
        } else {
            assertThat(cancellation.stockMovements(order.lines())).singleElement()
                    .isEqualTo(new StockMovement("SKU-1", 2, expected));
        }
    }

    @Test
    void cancel_endsCancelledWithTheReason_andOnlyFromCancelling() {
        Order cancelling = OrderStatusTest.orderIn(OrderStatus.PAID).requestCancellation("too slow", T1).withStockReturned(T1);

        Order cancelled = cancelling.cancel(Cancellation.Settlement.REFUNDED, new Money(2000, "EUR"), T1);

        assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(cancelled.status().isFinal()).isTrue();
        assertThat(cancelled.history().getLast().reason()).isEqualTo("too slow");
        assertThat(cancelled.findCancellation().orElseThrow().stockReturned()).isTrue();
        assertThat(cancelled.refundable()).isEqualTo(new Money(0, "EUR"));
        assertThatThrownBy(() -> cancelled.cancel(Cancellation.Settlement.REFUNDED, new Money(0, "EUR"), T1))
                .isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> OrderStatusTest.orderIn(OrderStatus.REJECTED).requestCancellation("x", T1))
                .isInstanceOf(IllegalTransitionException.class);
    }
}
