package dev.cartwheel.core.expiry;

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
import dev.cartwheel.core.payment.PaymentSettlement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Expires orders that were not paid in time, driven by {@code ExpiryDue} on the payment queue (the reconciler sends
 * it). A PENDING, RESERVED or PAYMENT_PENDING order placed more than the payment timeout ago moves to EXPIRED, its reserved stock
 * released in the same transaction, conditional on the version read. So an expiry racing a late payment has exactly
 * one winner: if the payment step wrote AUTHORIZED first, the order is no longer expirable and completes; if the
 * expiry wrote first, the payment step's write loses, it re-reads an EXPIRED order and voids (or refunds) what the
 * provider did ({@link PaymentSettlement}, keyed: once). The expiry itself settles too, for an authorization whose
 * step crashed before recording it. Then {@code OrderExpired} goes to the e-mail step.
 *
 * <p>An AUTHORIZED order waiting for its fulfilment (captured on fulfilment) expires on another clock: the provider's
 * authorization hold ({@code AuthorizationHoldDays}). Once the hold ends within {@link #HOLD_EXPIRY_MARGIN}, a
 * capture could fail any moment, so the order moves AUTHORIZED -> EXPIRED with its reserved stock released, the hold
 * is voided while the provider still has it, and the customer is mailed. A fulfilment that wins the race makes the
 * order due for capture: it is then not expired (the capture either succeeds or ends PAYMENT_FAILED).
 */
public final class OrderExpiry {

    private final OrderStore orders;
    private final PaymentSettlement settlement;
    private final StepPublisher publisher;
    private final Clock clock;
    private final Duration paymentTimeout;
    private final Duration authorizationHold;

    /** How long a provider holds an authorization when nothing else is configured ({@code AuthorizationHoldDays}). */
    public static final Duration DEFAULT_AUTHORIZATION_HOLD = Duration.ofDays(7);
    /** A held order is expired (its hold voided) this long before the provider would let the hold lapse. */
    public static final Duration HOLD_EXPIRY_MARGIN = Duration.ofHours(1);
    /** A held order is reported near its lapse ({@code AuthorizationsNearLapse}) this long before the hold ends. */
    public static final Duration HOLD_WARNING = Duration.ofDays(1);

    public OrderExpiry(OrderStore orders, PaymentSettlement settlement, StepPublisher publisher, Clock clock,
                       Duration paymentTimeout) {
        this(orders, settlement, publisher, clock, paymentTimeout, DEFAULT_AUTHORIZATION_HOLD);
    }

    /** @param authorizationHold how long the provider holds an authorization ({@code AuthorizationHoldDays}) */
    public OrderExpiry(OrderStore orders, PaymentSettlement settlement, StepPublisher publisher, Clock clock,
                       Duration paymentTimeout, Duration authorizationHold) {
        this.orders = orders;
        this.settlement = settlement;
        this.publisher = publisher;
        this.clock = clock;
        this.paymentTimeout = paymentTimeout;
        this.authorizationHold = authorizationHold;
    }

    /** When an order placed at {@code placedAt} expires if still unpaid. */
    public static Instant deadline(Instant placedAt, Duration paymentTimeout) {
        return placedAt.plus(paymentTimeout);
    }

    /** Handles {@code ExpiryDue}; returns the status the order is in afterwards. */
    public OrderStatus handle(StepMessage message) {
        if (message.type() != MessageType.EXPIRY_DUE) {
            throw new MessageRejectedException("order expiry does not handle " + message.type().wireName());
        }
        return Retry.withCurrentOrder(orders, message.orderId(), this::decide);
    }

    private OrderStatus decide(Order order) {
        if (order.isIn(OrderStatus.EXPIRED)) {
            // a redelivery, or a crash after the write: settle again (keyed, so nothing moves twice) and re-send
            settlement.settle(order);
            send(order);
            return OrderStatus.EXPIRED;
        }
        Instant now = clock.instant();
        if (order.isHoldEndingWithin(authorizationHold, HOLD_EXPIRY_MARGIN, now)) {
            Order expired = order.transitionTo(OrderStatus.EXPIRED, now,
                    "not shipped within the " + authorizationHold.toDays() + "-day hold on your payment");
            orders.apply(new OrderTransition(order, expired,
                    StockMovement.forLines(order.lines(), StockMovement.Kind.RELEASE)));
            settlement.settle(expired);
            send(expired);
            return OrderStatus.EXPIRED;
        }
        if (!order.status().isExpirable() || now.isBefore(deadline(order.createdAt(), paymentTimeout))) {
            // paid (or cancelled, rejected) in time, or not due yet: nothing to do
            return order.status();
        }
        List<StockMovement> release = !order.isIn(OrderStatus.PENDING)
                ? StockMovement.forLines(order.lines(), StockMovement.Kind.RELEASE) : List.of();
        Order expired = order.transitionTo(OrderStatus.EXPIRED, now,
                "not paid within " + describe(paymentTimeout));
        orders.apply(new OrderTransition(order, expired, release));
        settlement.settle(expired);
        send(expired);
        return OrderStatus.EXPIRED;
    }

    private void send(Order order) {
        publisher.publish(StepMessage.of(MessageType.ORDER_EXPIRED, order.orderId(), order.correlationId()));
    }

    private static String describe(Duration timeout) {
        long seconds = timeout.toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + " minutes" : seconds + " seconds";
    }
}
