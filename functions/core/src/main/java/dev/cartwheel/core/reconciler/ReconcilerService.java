package dev.cartwheel.core.reconciler;

import dev.cartwheel.core.expiry.OrderExpiry;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStore;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Makes sure no order is stuck: finds orders that sat in a non-final status longer than a threshold and
 * sends again the message of the step they wait for. Safe to run any time, as often as wanted: every step
 * ignores a message for an order that already moved on. It repairs, for example, a checkout that died between
 * writing the order and sending {@code OrderPlaced}, or a message that ended in a DLQ after the provider was down.
 * An order still unpaid (PENDING, RESERVED or PAYMENT_PENDING) past its payment timeout is not nudged but expired: it gets
 * {@code ExpiryDue}, which the payment step turns into EXPIRED with its stock released.
 */
public final class ReconcilerService {

    private final OrderStore orders;
    private final StepPublisher publisher;
    private final Clock clock;
    private final Duration stuckAfter;
    private final Duration paymentTimeout;

    /**
     * @param stuckAfter     an order unchanged this long is nudged
     * @param paymentTimeout an order unpaid this long after it was placed is expired
     */
    public ReconcilerService(OrderStore orders, StepPublisher publisher, Clock clock, Duration stuckAfter,
                             Duration paymentTimeout) {
        this.orders = orders;
        this.publisher = publisher;
        this.clock = clock;
        this.stuckAfter = stuckAfter;
        this.paymentTimeout = paymentTimeout;
    }

    /** One pass over at most {@code limit} stuck orders; returns how many messages it sent, by type. */
    public Map<MessageType, Integer> reconcile(int limit) {
        Map<MessageType, Integer> sent = new EnumMap<>(MessageType.class);
        java.time.Instant now = clock.instant();
        for (Order order : orders.findStuck(now.minus(stuckAfter), limit)) {
            boolean overdue = order.status().isExpirable()
                    && !now.isBefore(OrderExpiry.deadline(order.createdAt(), paymentTimeout));
            MessageType next = overdue ? MessageType.EXPIRY_DUE : switch (order.status()) {
                case PENDING -> MessageType.ORDER_PLACED;
                case RESERVED, PAYMENT_PENDING, AUTHORIZED -> MessageType.STOCK_RESERVED;
                case PAID -> MessageType.ORDER_PAID;
                case CANCELLING -> MessageType.CANCEL_REQUESTED;
                default -> null;
            };
            if (next != null) {
                publisher.publish(StepMessage.of(next, order.orderId(), order.correlationId()));
                sent.merge(next, 1, Integer::sum);
            }
        }
        return sent;
    }
}
