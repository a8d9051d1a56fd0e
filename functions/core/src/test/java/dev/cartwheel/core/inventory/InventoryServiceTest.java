package dev.cartwheel.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.testing.InMemoryPorts;
import dev.cartwheel.core.testing.TestOrders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inventory step on the core's ports alone: every line reserved at once or none, each order decided once. */
class InventoryServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final List<OrderLine> TWO_SKUS = List.of(new OrderLine("CUP", "Cup", 2, new Money(1000, "EUR")),
            new OrderLine("SAUCER", "Saucer", 1, new Money(500, "EUR")));

    private final InMemoryPorts ports = new InMemoryPorts();
    private final InventoryService inventory = new InventoryService(ports.orders, ports.publisher,
            Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC));

    @Test
    void pendingOrder_reservesEveryLine_movesToReserved_andSendsStockReserved() {
        // GIVEN
        stock(5, 5);
        Order placed = ports.orders.put(TestOrders.placed("ord_1", TWO_SKUS, T0));

        // WHEN
        OrderStatus status = inventory.handle(orderPlaced());

        // THEN
        assertThat(status).isEqualTo(OrderStatus.RESERVED);
        assertThat(ports.orders.order("ord_1").status()).isEqualTo(OrderStatus.RESERVED);
        assertThat(ports.catalog.stock("CUP")).containsExactly(3, 2, 0);
        assertThat(ports.catalog.stock("SAUCER")).containsExactly(4, 1, 0);
        assertThat(ports.publisher.sent()).containsExactly(
                StepMessage.of(MessageType.STOCK_RESERVED, "ord_1", placed.correlationId()));
    }

    @Test
    void oneShortSku_rejectsTheOrderNamingIt_andReservesNoLineAtAll() {
        stock(5, 0);
        ports.orders.put(TestOrders.placed("ord_1", TWO_SKUS, T0));

        OrderStatus status = inventory.handle(orderPlaced());

        assertThat(status).isEqualTo(OrderStatus.REJECTED);
        Order rejected = ports.orders.order("ord_1");
        assertThat(rejected.unavailableSkus()).containsExactly("SAUCER");
        assertThat(ports.catalog.stock("CUP")).as("all or nothing").containsExactly(5, 0, 0);
        assertThat(ports.catalog.stock("SAUCER")).containsExactly(0, 0, 0);
        assertThat(ports.publisher.types()).containsExactly(MessageType.ORDER_REJECTED);
    }

    @Test
    void orderPlacedTwice_reservesOnce_andSendsTheNextStepsMessageAgain() {
        stock(5, 5);
        ports.orders.put(TestOrders.placed("ord_1", TWO_SKUS, T0));

        inventory.handle(orderPlaced());
        OrderStatus again = inventory.handle(orderPlaced());

        assertThat(again).isEqualTo(OrderStatus.RESERVED);
        assertThat(ports.orders.writes()).isEqualTo(1);
        assertThat(ports.catalog.stock("CUP")).containsExactly(3, 2, 0);
        assertThat(ports.publisher.types()).containsExactly(MessageType.STOCK_RESERVED, MessageType.STOCK_RESERVED);
    }

    @Test
    void rejectedOrderPlacedAgain_staysRejected_andSendsOrderRejectedAgain() {
        stock(5, 0);
        ports.orders.put(TestOrders.placed("ord_1", TWO_SKUS, T0));
        inventory.handle(orderPlaced());
        ports.catalog.record(new dev.cartwheel.core.catalog.StockAdjustment("SAUCER", "restock-1", 10, "delivery", "admin", T0));

        OrderStatus again = inventory.handle(orderPlaced());

        assertThat(again).as("a decided order is not decided again").isEqualTo(OrderStatus.REJECTED);
        assertThat(ports.catalog.stock("CUP")).containsExactly(5, 0, 0);
        assertThat(ports.publisher.types()).containsExactly(MessageType.ORDER_REJECTED, MessageType.ORDER_REJECTED);
    }

    @Test
    void orderPlacedForAnOrderLaterStepsMovedOn_changesNothing_andSendsNothing() {
        TestOrders.store(ports, "ord_1", CapturePolicy.ON_AUTHORIZATION, T0, TestOrders.pathTo(OrderStatus.AUTHORIZED));
        long[] before = ports.catalog.stock("SKU-1");

        OrderStatus status = inventory.handle(orderPlaced());

        assertThat(status).isEqualTo(OrderStatus.AUTHORIZED);
        assertThat(ports.orders.writes()).isZero();
        assertThat(ports.catalog.stock("SKU-1")).containsExactly(before);
        assertThat(ports.publisher.sent()).isEmpty();
    }

    @Test
    void anOrderCancelledBetweenTheReadAndTheWrite_isReadAgain_andNotReserved() {
        // GIVEN a pending order that its customer cancels while the step decides (the write at the version read fails)
        stock(5, 5);
        Order placed = ports.orders.put(TestOrders.placed("ord_1", TWO_SKUS, T0));
        ports.orders.beforeNextApply(store -> store.put(placed.requestCancellation("changed my mind", T0)));

        // WHEN
        OrderStatus status = inventory.handle(orderPlaced());

        // THEN the step read the order again and left the cancelling order alone
        assertThat(status).isEqualTo(OrderStatus.CANCELLING);
        assertThat(ports.catalog.stock("CUP")).containsExactly(5, 0, 0);
        assertThat(ports.publisher.sent()).isEmpty();
    }

    @Test
    void anotherMessageType_orAnUnknownOrder_isRejected_andChangesNothing() {
        stock(5, 5);
        ports.orders.put(TestOrders.placed("ord_1", TWO_SKUS, T0));

        assertThatThrownBy(() -> inventory.handle(StepMessage.of(MessageType.STOCK_RESERVED, "ord_1", "c")))
                .isInstanceOf(MessageRejectedException.class);
        assertThatThrownBy(() -> inventory.handle(StepMessage.of(MessageType.ORDER_PLACED, "ord_404", "c")))
                .isInstanceOf(MessageRejectedException.class);

        assertThat(ports.orders.order("ord_1").status()).isEqualTo(OrderStatus.PENDING);
        assertThat(ports.catalog.stock("CUP")).containsExactly(5, 0, 0);
        assertThat(ports.publisher.sent()).isEmpty();
    }

    private void stock(long cups, long saucers) {
        ports.catalog.add("CUP", "Cup", new Money(1000, "EUR"), cups);
        ports.catalog.add("SAUCER", "Saucer", new Money(500, "EUR"), saucers);
    }

    private static StepMessage orderPlaced() {
        return StepMessage.of(MessageType.ORDER_PLACED, "ord_1", "corr-ord_1");
    }
}
