package dev.cartwheel.core.email;

import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.Retry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The e-mail step: sends the e-mail an order's outcome calls for, once, and for a paid order makes the
 * final transition PAID -> CONFIRMED after the confirmation went out (and on to FULFILLED if an admin already
 * recorded the fulfilment: always so for an order captured on fulfilment).
 */
public final class EmailService {

    private final OrderStore orders;
    private final EmailClaims claims;
    private final Mailer mailer;
    private final EmailRenderer renderer;
    private final Clock clock;
    private final Duration lease;

    /**
     * @param lease how long a claim protects an e-mail being sent; after it, a redelivery may take over.
     *              Keep it at least the function's timeout.
     */
    public EmailService(OrderStore orders, EmailClaims claims, Mailer mailer, EmailRenderer renderer,
                        Clock clock, Duration lease) {
        this.orders = orders;
        this.claims = claims;
        this.mailer = mailer;
        this.renderer = renderer;
        this.clock = clock;
        this.lease = lease;
    }

    /**
     * Handles {@code OrderPaid}, {@code OrderRejected}, {@code PaymentFailed}, {@code OrderCancelled},
     * {@code RefundIssued} and {@code OrderExpired}; returns the order's status afterwards.
     */
    public OrderStatus handle(StepMessage message) {
        EmailType type = switch (message.type()) {
            case ORDER_PAID -> EmailType.ORDER_CONFIRMED;
            case ORDER_REJECTED -> EmailType.ORDER_REJECTED;
            case PAYMENT_FAILED -> EmailType.PAYMENT_FAILED;
            case ORDER_CANCELLED -> EmailType.ORDER_CANCELLED;
            case REFUND_ISSUED -> EmailType.ORDER_REFUNDED;
            case ORDER_EXPIRED -> EmailType.ORDER_EXPIRED;
            default -> throw new MessageRejectedException("the e-mail step does not handle " + message.type().wireName());
        };
        return Retry.withCurrentOrder(orders, message.orderId(), order -> send(order, type));
    }

    private OrderStatus send(Order order, EmailType type) {
        if (type == EmailType.ORDER_REFUNDED) {
            // one e-mail per completed refund, each under its own claim: a redelivery sends none twice
            order.refunds().stream().filter(RefundRecord::isCompleted)
                    .forEach(refund -> sendOnce(order, type, refund));
            return order.status();
        }
        if (type == EmailType.ORDER_CONFIRMED
                && (order.isIn(OrderStatus.CANCELLING) || order.isIn(OrderStatus.CANCELLED))) {
            // cancelled while the confirmation was on its way: the cancellation e-mail is the one that counts
            return order.status();
        }
        OrderStatus expected = switch (type) {
            case ORDER_CONFIRMED -> OrderStatus.PAID;
            case ORDER_REJECTED -> OrderStatus.REJECTED;
            case PAYMENT_FAILED -> OrderStatus.PAYMENT_FAILED;
            case ORDER_CANCELLED -> OrderStatus.CANCELLED;
            case ORDER_EXPIRED -> OrderStatus.EXPIRED;
            case ORDER_REFUNDED -> throw new IllegalStateException("handled above");
        };
        boolean alreadyConfirmed = type == EmailType.ORDER_CONFIRMED
                && (order.isIn(OrderStatus.CONFIRMED) || order.isIn(OrderStatus.FULFILLED));
        if (!order.isIn(expected) && !alreadyConfirmed) {
            throw new MessageRejectedException("order " + order.orderId() + " is " + order.status()
                    + ", not ready for the " + type + " e-mail");
        }
        sendOnce(order, type, null);
        if (type == EmailType.ORDER_CONFIRMED && order.isIn(OrderStatus.PAID)) {
            Instant now = clock.instant();
            Order confirmed = order.transitionTo(OrderStatus.CONFIRMED, now, "confirmation e-mail sent");
            if (order.findFulfilment().isPresent()) {
                // fulfilled before the confirmation went out (or captured on fulfilment): it is done
                confirmed = confirmed.transitionTo(OrderStatus.FULFILLED, now, "fulfilled");
            }
            orders.apply(new OrderTransition(order, confirmed, List.of()));
            return confirmed.status();
        }
        return order.status();
    }

    private void sendOnce(Order order, EmailType type, RefundRecord refund) {
        Instant now = clock.instant();
        String occurrence = refund == null ? "" : refund.key();
        switch (claims.claim(order.orderId(), type, occurrence, now, now.plus(lease))) {
            case ALREADY_SENT -> {
                // a previous delivery sent it
            }
            case HELD_BY_ANOTHER -> throw new EmailInProgressException(order.orderId(), type);
            case CLAIMED -> {
                String messageId = mailer.send(renderer.render(type, order, refund));
                claims.markSent(order.orderId(), type, occurrence, messageId, clock.instant());
            }
        }
    }
}
