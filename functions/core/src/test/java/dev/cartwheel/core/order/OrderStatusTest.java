package dev.cartwheel.core.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.testing.TestOrders;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OrderStatusTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    /** The state machine of docs/architecture.md, written out independently of {@link OrderStatus#next()}. */
    private static final Map<OrderStatus, Set<OrderStatus>> LEGAL = Map.ofEntries(
            Map.entry(OrderStatus.PENDING, EnumSet.of(OrderStatus.RESERVED, OrderStatus.REJECTED, OrderStatus.CANCELLING,
                    OrderStatus.EXPIRED)),
            Map.entry(OrderStatus.RESERVED, EnumSet.of(OrderStatus.PAYMENT_PENDING, OrderStatus.AUTHORIZED,
                    OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLING, OrderStatus.EXPIRED)),
            Map.entry(OrderStatus.PAYMENT_PENDING, EnumSet.of(OrderStatus.AUTHORIZED, OrderStatus.PAYMENT_FAILED,
                    OrderStatus.CANCELLING, OrderStatus.EXPIRED)),
            // EXPIRED: held for its fulfilment past the authorization hold
            Map.entry(OrderStatus.AUTHORIZED, EnumSet.of(OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLING,
                    OrderStatus.EXPIRED)),
            Map.entry(OrderStatus.PAID, EnumSet.of(OrderStatus.CONFIRMED, OrderStatus.CANCELLING)),
            Map.entry(OrderStatus.CONFIRMED, EnumSet.of(OrderStatus.FULFILLED, OrderStatus.CANCELLING)),
            Map.entry(OrderStatus.FULFILLED, EnumSet.noneOf(OrderStatus.class)),
            Map.entry(OrderStatus.REJECTED, EnumSet.noneOf(OrderStatus.class)),
            Map.entry(OrderStatus.PAYMENT_FAILED, EnumSet.noneOf(OrderStatus.class)),
            Map.entry(OrderStatus.CANCELLING, EnumSet.of(OrderStatus.CANCELLED)),
            Map.entry(OrderStatus.CANCELLED, EnumSet.noneOf(OrderStatus.class)),
            Map.entry(OrderStatus.EXPIRED, EnumSet.noneOf(OrderStatus.class)));

    @ParameterizedTest
    @EnumSource(OrderStatus.class)
    void transitionTo_allowsExactlyTheLegalTargets(OrderStatus from) {
        Order order = orderIn(from);
        for (OrderStatus to : OrderStatus.values()) {
            if (LEGAL.get(from).contains(to)) {
                Order moved = order.transitionTo(to, T0.plusSeconds(1), "test");
                assertThat(moved.status()).isEqualTo(to);
                assertThat(moved.version()).isEqualTo(order.version() + 1);
                assertThat(moved.history()).hasSize(order.history().size() + 1);
                assertThat(moved.history().getLast().status()).isEqualTo(to);
            } else {
                assertThatThrownBy(() -> order.transitionTo(to, T0, "test"))
                        .isInstanceOf(IllegalTransitionException.class)
                        .hasMessageContaining(from + " to " + to);
            }
        }
    }

    @Test
    void finalStatuses_areTheOnesWithoutSuccessors_plusConfirmed() {
        assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(OrderStatus::isFinal))
                .containsExactlyInAnyOrder(OrderStatus.CONFIRMED, OrderStatus.FULFILLED, OrderStatus.REJECTED,
                        OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED, OrderStatus.EXPIRED);
        assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(status -> status.next().isEmpty()))
                .allMatch(OrderStatus::isFinal);
        assertThat(OrderStatus.CONFIRMED.next()).as("only a fulfilment or a cancellation moves a confirmed order on")
                .containsExactlyInAnyOrder(OrderStatus.FULFILLED, OrderStatus.CANCELLING);
    }

    @Test
    void cancellable_untilTheOrderEndedOrIsAlreadyBeingCancelled() {
        assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(OrderStatus::isCancellable))
                .containsExactlyInAnyOrder(OrderStatus.PENDING, OrderStatus.RESERVED, OrderStatus.PAYMENT_PENDING,
                        OrderStatus.AUTHORIZED, OrderStatus.PAID, OrderStatus.CONFIRMED);
    }

    @Test
    void fulfilled_theWarehousesSignalToShip_isReachedOnlyThroughACapture() {
        assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(status -> status.canTransitionTo(OrderStatus.FULFILLED)))
                .containsExactly(OrderStatus.CONFIRMED);
        assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(status -> status.canTransitionTo(OrderStatus.CONFIRMED)))
                .containsExactly(OrderStatus.PAID);
        assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(status -> status.canTransitionTo(OrderStatus.PAID)))
                .containsExactly(OrderStatus.AUTHORIZED);
    }

    @Test
    void expirable_onlyUntilThePaymentIsAuthorized() {
        assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(OrderStatus::isExpirable))
                .containsExactlyInAnyOrder(OrderStatus.PENDING, OrderStatus.RESERVED, OrderStatus.PAYMENT_PENDING);
    }

    @Test
    void authorizedOrderCapturedOnFulfilment_waitsOutsideTheOpenOrdersUntilItsFulfilmentIsRecorded() {
        Order onAuthorization = orderIn(OrderStatus.AUTHORIZED);
        assertThat(onAuthorization.isDueForCapture()).isTrue();
        assertThat(onAuthorization.isOpen()).isTrue();

        Order waiting = onAuthorization.withCapturePolicy(CapturePolicy.ON_FULFILMENT);
        assertThat(waiting.isDueForCapture()).isFalse();
        assertThat(waiting.isAwaitingFulfilment()).isTrue();
        assertThat(waiting.isOpen()).as("no step and no reconciler has work for it").isFalse();
        assertThat(waiting.isCancellable()).isTrue();

        Order fulfilled = waiting.withFulfilmentRecorded(new Fulfilment("1Z999", T0), T0.plusSeconds(5));
        assertThat(fulfilled.isDueForCapture()).isTrue();
        assertThat(fulfilled.isOpen()).as("the capture is due: the reconciler watches it again").isTrue();
        assertThat(fulfilled.version()).isEqualTo(waiting.version() + 1);
        assertThat(fulfilled.isCancellable()).as("a fulfilled order is never cancelled").isFalse();
        assertThatThrownBy(() -> fulfilled.requestCancellation("too late", T0))
                .isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> fulfilled.withFulfilmentRecorded(new Fulfilment(null, T0), T0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void capturePolicy_readsItsSettingAndRefusesAnyOther() {
        assertThat(CapturePolicy.fromSetting("authorization")).isEqualTo(CapturePolicy.ON_AUTHORIZATION);
        assertThat(CapturePolicy.fromSetting("fulfilment")).isEqualTo(CapturePolicy.ON_FULFILMENT);
        assertThatThrownBy(() -> CapturePolicy.fromSetting("shipping"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shipping");
    }

    @Test
    void place_totalsTheLinesAndStartsPendingWithHistory() {
        Order order = Order.place("ord_1", "alice", "alice@example.com", "corr-1", List.of(
                new OrderLine("A", "Apple", 3, new Money(250, "USD")),
                new OrderLine("B", "Banana", 1, new Money(199, "USD"))), "pm_card_visa", T0);
        assertThat(order.total()).isEqualTo(new Money(949, "USD"));
        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.history()).singleElement().satisfies(change -> {
            assertThat(change.status()).isEqualTo(OrderStatus.PENDING);
            assertThat(change.at()).isEqualTo(T0);
        });
    }

    @Test
    void orderRecord_isImmutable() {
        Order order = orderIn(OrderStatus.PENDING);
        assertThatThrownBy(() -> order.history().add(new StatusChange(OrderStatus.PAID, T0, "hack")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> order.lines().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    /** An order that reached {@code status} through legal transitions only. */
    static Order orderIn(OrderStatus status) {
        Order order = Order.place("ord_1", "alice", "alice@example.com", "corr-1",
                List.of(new OrderLine("SKU-1", "Thing", 2, new Money(1000, "EUR"))), "pm_card_visa", T0);
        for (OrderStatus next : TestOrders.pathTo(status)) {
            order = order.transitionTo(next, T0, "path");
        }
        return order;
    }
}
