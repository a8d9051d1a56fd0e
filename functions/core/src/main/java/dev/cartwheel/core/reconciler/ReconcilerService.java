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
 *
 * <p>It also watches the orders whose payment is held until they ship ({@code CaptureOn=fulfilment}), which are not
 * open and so never nudged: {@link #reviewHolds} counts those whose authorization hold ends within a day (the
 * {@code AuthorizationsNearLapse} alarm: ship or cancel them) and sends {@code ExpiryDue} for those whose hold ends
 * within the hour, which the payment step expires (hold voided, stock released, customer mailed).
 */
public final class ReconcilerService {

    private final OrderStore orders;
    private final StepPublisher publisher;
    private final Clock clock;
    private final Duration stuckAfter;
    private final Duration paymentTimeout;
    private final Duration authorizationHold;

    /** What {@link #reviewHolds} found: held orders near their lapse (alerted), and those sent to expire. */
    public record HoldReview(int nearLapse, int expiring) {
    }

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
        this.authorizationHold = OrderExpiry.DEFAULT_AUTHORIZATION_HOLD;
    }

    /** @param authorizationHold how long the provider holds an authorization ({@code AuthorizationHoldDays}) */
    public ReconcilerService(OrderStore orders, StepPublisher publisher, Clock clock, Duration stuckAfter,
                             Duration paymentTimeout, Duration authorizationHold) {
        this.orders = orders;
        this.publisher = publisher;
        this.clock = clock;
        this.stuckAfter = stuckAfter;
        this.paymentTimeout = paymentTimeout;
        this.authorizationHold = authorizationHold;
    }

    /**
     * One pass over at most {@code limit} held orders whose hold ends within {@link OrderExpiry#HOLD_WARNING}: those
     * within {@link OrderExpiry#HOLD_EXPIRY_MARGIN} get {@code ExpiryDue}, the others are counted near their lapse.
     */
    public HoldReview reviewHolds(int limit) {
        java.time.Instant now = clock.instant();
        int nearLapse = 0;
        int expiring = 0;
        for (Order order : orders.findHeld(now.minus(authorizationHold).plus(OrderExpiry.HOLD_WARNING), limit)) {
            if (order.isHoldEndingWithin(authorizationHold, OrderExpiry.HOLD_EXPIRY_MARGIN, now)) {
                publisher.publish(StepMessage.of(MessageType.EXPIRY_DUE, order.orderId(), order.correlationId()));
                expiring++;
            } else if (order.isHoldEndingWithin(authorizationHold, OrderExpiry.HOLD_WARNING, now)) {
                nearLapse++;
            }
        }
        return new HoldReview(nearLapse, expiring);
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
