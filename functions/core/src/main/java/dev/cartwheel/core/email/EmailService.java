package dev.cartwheel.core.email;

import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.shipping.ShippingAddress;
import dev.cartwheel.core.order.Retry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The e-mail step: sends the e-mail an order's outcome calls for, once, and for a paid order makes the
 * final transition PAID -> CONFIRMED after the confirmation went out (and on to FULFILLED if an admin already
 * recorded the fulfilment: always so for an order captured on fulfilment). A fulfilled order gets a shipping notice.
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
     * Handles {@code OrderPaid}, {@code OrderAuthorized}, {@code OrderFulfilled}, {@code OrderRejected},
     * {@code PaymentFailed}, {@code OrderCancelled}, {@code RefundIssued} and {@code OrderExpired}; returns the order's
     * status afterwards.
     */
    public OrderStatus handle(StepMessage message) {
        return switch (message.type()) {
            case ORDER_PAID, ORDER_AUTHORIZED -> Retry.withCurrentOrder(orders, message.orderId(), this::confirm);
            case ORDER_FULFILLED -> Retry.withCurrentOrder(orders, message.orderId(), this::ship);
            case REFUND_ISSUED -> Retry.withCurrentOrder(orders, message.orderId(), order -> {
                // one e-mail per completed refund, each under its own claim: a redelivery sends none twice
                order.refunds().stream().filter(RefundRecord::isCompleted)
                        .forEach(refund -> sendOnce(order, EmailType.ORDER_REFUNDED, refund));
                return order.status();
            });
            case ORDER_REJECTED -> outcome(message, EmailType.ORDER_REJECTED, OrderStatus.REJECTED);
            case PAYMENT_FAILED -> outcome(message, EmailType.PAYMENT_FAILED, OrderStatus.PAYMENT_FAILED);
            case ORDER_CANCELLED -> outcome(message, EmailType.ORDER_CANCELLED, OrderStatus.CANCELLED);
            case ORDER_EXPIRED -> outcome(message, EmailType.ORDER_EXPIRED, OrderStatus.EXPIRED);
            default -> throw new MessageRejectedException("the e-mail step does not handle " + message.type().wireName());
        };
    }

    /** The e-mail of an order that ended in {@code expected}. */
    private OrderStatus outcome(StepMessage message, EmailType type, OrderStatus expected) {
        return Retry.withCurrentOrder(orders, message.orderId(), order -> {
            requireStatus(order, type, order.isIn(expected));
            sendOnce(order, type, null);
            return order.status();
        });
    }

    /**
     * The confirmation, once, whenever it is first due: for an order captured on authorization once it is PAID (then
     * PAID -> CONFIRMED is written after it went out), for one captured on fulfilment as soon as it is AUTHORIZED (and
     * not again when it is captured). A paid order whose fulfilment is already recorded goes on to FULFILLED in the
     * same write, and its shipping notice follows.
     */
    private OrderStatus confirm(Order order) {
        switch (order.status()) {
            case CANCELLING, CANCELLED -> {
                // cancelled while the confirmation was on its way: the cancellation e-mail is the one that counts
                return order.status();
            }
            case AUTHORIZED -> {
                requireStatus(order, EmailType.ORDER_CONFIRMED, order.capture() == CapturePolicy.ON_FULFILMENT);
                sendOnce(order, EmailType.ORDER_CONFIRMED, null);
                return OrderStatus.AUTHORIZED;
            }
            case PAID -> {
                sendOnce(order, EmailType.ORDER_CONFIRMED, null);
                Instant now = clock.instant();
                Order confirmed = order.transitionTo(OrderStatus.CONFIRMED, now, "confirmation e-mail sent");
                if (order.findFulfilment().isPresent()) {
                    // fulfilled before the confirmation went out (always so when captured on fulfilment)
                    confirmed = confirmed.transitionTo(OrderStatus.FULFILLED, now, "fulfilled");
                }
                orders.apply(new OrderTransition(order, confirmed, List.of()));
                return confirmed.isIn(OrderStatus.FULFILLED) ? ship(confirmed) : OrderStatus.CONFIRMED;
            }
            case CONFIRMED -> {
                sendOnce(order, EmailType.ORDER_CONFIRMED, null);
                return OrderStatus.CONFIRMED;
            }
            case FULFILLED -> {
                sendOnce(order, EmailType.ORDER_CONFIRMED, null);
                return ship(order);
            }
            default -> {
                requireStatus(order, EmailType.ORDER_CONFIRMED, false);
                return order.status();
            }
        }
    }

    /** The shipping notice of a FULFILLED order, once. */
    private OrderStatus ship(Order order) {
        requireStatus(order, EmailType.ORDER_SHIPPED, order.isIn(OrderStatus.FULFILLED));
        sendOnce(order, EmailType.ORDER_SHIPPED, null);
        return OrderStatus.FULFILLED;
    }

    private static void requireStatus(Order order, EmailType type, boolean ready) {
        if (!ready) {
            throw new MessageRejectedException("order " + order.orderId() + " is " + order.status()
                    + ", not ready for the " + type + " e-mail");
        }
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
                // the shipping notice says where the order goes: its address, read here and nowhere kept
                ShippingAddress address = type == EmailType.ORDER_SHIPPED
                        ? orders.findShippingAddress(order.orderId()).orElse(null) : null;
                String messageId = mailer.send(renderer.render(type, order, refund, address));
                claims.markSent(order.orderId(), type, occurrence, messageId, clock.instant());
            }
        }
    }
}
