package dev.cartwheel.core.inventory;

import dev.cartwheel.core.exceptions.InsufficientStockException;
import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.Retry;
import dev.cartwheel.core.order.StockMovement;
import java.time.Clock;
import java.util.List;

/**
 * The inventory step: reserves every line of a PENDING order in one transaction (all or nothing) and
 * moves it to RESERVED, or to REJECTED when a SKU is short. Idempotent by order: a duplicate finds the
 * order already decided and only sends the next message again.
 */
public final class InventoryService {

    private final OrderStore orders;
    private final StepPublisher publisher;
    private final Clock clock;

    public InventoryService(OrderStore orders, StepPublisher publisher, Clock clock) {
        this.orders = orders;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Handles {@code OrderPlaced}; returns the status the order is in afterwards. */
    public OrderStatus handle(StepMessage message) {
        if (message.type() != MessageType.ORDER_PLACED) {
            throw new MessageRejectedException("the inventory step does not handle " + message.type().wireName());
        }
        return Retry.withCurrentOrder(orders, message.orderId(), this::decide);
    }

    private OrderStatus decide(Order order) {
        switch (order.status()) {
            case PENDING -> {
                try {
                    Order reserved = order.transitionTo(OrderStatus.RESERVED, clock.instant(), "stock reserved");
                    orders.apply(new OrderTransition(order, reserved,
                            StockMovement.forLines(order.lines(), StockMovement.Kind.RESERVE)));
                    send(MessageType.STOCK_RESERVED, order);
                    return OrderStatus.RESERVED;
                } catch (InsufficientStockException e) {
                    Order rejected = order.transitionTo(OrderStatus.REJECTED, clock.instant(),
                            "not enough stock for " + String.join(", ", e.skus())).withUnavailableSkus(e.skus());
                    orders.apply(new OrderTransition(order, rejected, List.of()));
                    send(MessageType.ORDER_REJECTED, order);
                    return OrderStatus.REJECTED;
                }
            }
            case RESERVED -> send(MessageType.STOCK_RESERVED, order);
            case REJECTED -> send(MessageType.ORDER_REJECTED, order);
            default -> {
                // Later steps already moved the order on: this delivery is a duplicate and changes nothing.
            }
        }
        return order.status();
    }

    private void send(MessageType type, Order order) {
        publisher.publish(StepMessage.of(type, order.orderId(), order.correlationId()));
    }
}
