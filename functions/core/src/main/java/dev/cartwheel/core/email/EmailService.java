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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    private final Duration waitForAnother;

    /**
     * How long a delivery that finds its e-mail being sent by another delivery waits for that one to finish, by
     * default. Two copies of one e-mail's message are common (the payment step, and a webhook's hop that finds the
     * order paid, both tell this step) and the other delivery is then one SES call from done: waiting for it here
     * answers the copy in milliseconds instead of leaving it to the queue's visibility timeout (minutes). Short enough
     * that a batch of ten such copies stays well inside the function's timeout.
     */
    public static final Duration WAIT_FOR_ANOTHER_DELIVERY = Duration.ofSeconds(1);

    /**
     * @param lease how long a claim protects an e-mail being sent; after it, a redelivery may take over.
     *              Keep it at least the function's timeout.
     */
    public EmailService(OrderStore orders, EmailClaims claims, Mailer mailer, EmailRenderer renderer,
                        Clock clock, Duration lease) {
        this(orders, claims, mailer, renderer, clock, lease, WAIT_FOR_ANOTHER_DELIVERY);
    }

    /**
     * @param waitForAnother how long a delivery waits for another that holds the claim on the same e-mail before it
     *                       gives up ({@link EmailInProgressException}: the message goes back to the queue)
     */
    public EmailService(OrderStore orders, EmailClaims claims, Mailer mailer, EmailRenderer renderer,
                        Clock clock, Duration lease, Duration waitForAnother) {
        this.orders = orders;
        this.claims = claims;
        this.mailer = mailer;
        this.renderer = renderer;
        this.clock = clock;
        this.lease = lease;
        this.waitForAnother = waitForAnother;
    }

    /**
     * Handles {@code OrderPaid}, {@code OrderAuthorized}, {@code OrderFulfilled}, {@code OrderRejected},
     * {@code PaymentFailed}, {@code OrderCancelled}, {@code RefundIssued} and {@code OrderExpired}; returns the order's
     * status afterwards.
     */
    public OrderStatus handle(StepMessage message) {
        // the e-mails this delivery saw sent (by it or before): settling the "e-mails owed" mark need not ask again
        Set<OwedEmails.Owed> sent = new HashSet<>();
        return switch (message.type()) {
            case ORDER_PAID, ORDER_AUTHORIZED -> Retry.withCurrentOrder(orders, message.orderId(), order -> confirm(order, sent));
            case ORDER_FULFILLED -> Retry.withCurrentOrder(orders, message.orderId(), order -> ship(order, sent));
            case REFUND_ISSUED -> Retry.withCurrentOrder(orders, message.orderId(), order -> {
                // one e-mail per completed refund, each under its own claim: a redelivery sends none twice
                order.refunds().stream().filter(RefundRecord::isCompleted)
                        .forEach(refund -> sendOnce(order, EmailType.ORDER_REFUNDED, refund, sent));
                settle(order, sent);
                return order.status();
            });
            case ORDER_REJECTED -> outcome(message, EmailType.ORDER_REJECTED, OrderStatus.REJECTED, sent);
            case PAYMENT_FAILED -> outcome(message, EmailType.PAYMENT_FAILED, OrderStatus.PAYMENT_FAILED, sent);
            case ORDER_CANCELLED -> outcome(message, EmailType.ORDER_CANCELLED, OrderStatus.CANCELLED, sent);
            case ORDER_EXPIRED -> outcome(message, EmailType.ORDER_EXPIRED, OrderStatus.EXPIRED, sent);
            case EMAILS_DUE -> Retry.withCurrentOrder(orders, message.orderId(), order -> {
                // the reconciler's sweep: whatever the order's state calls for and has not gone out yet
                settle(order, sent);
                return order.status();
            });
            default -> throw new MessageRejectedException("the e-mail step does not handle " + message.type().wireName());
        };
    }

    /** The e-mail of an order that ended in {@code expected}. */
    private OrderStatus outcome(StepMessage message, EmailType type, OrderStatus expected, Set<OwedEmails.Owed> sent) {
        return Retry.withCurrentOrder(orders, message.orderId(), order -> {
            requireStatus(order, type, order.isIn(expected));
            sendOnce(order, type, null, sent);
            settle(order, sent);
            return order.status();
        });
    }

    /**
     * For an order marked as owing e-mails ({@link OwedEmails#isMarked}): sends, once each, every e-mail its state
     * calls for that this delivery has not seen sent, then clears the mark on the version read. A later change of the
     * order carries its own mark, so nothing owed is ever unmarked.
     */
    private void settle(Order order, Set<OwedEmails.Owed> sent) {
        if (!OwedEmails.isMarked(order)) {
            return;
        }
        for (OwedEmails.Owed owed : OwedEmails.of(order)) {
            if (!sent.contains(owed)) {
                RefundRecord refund = owed.occurrence().isEmpty() ? null : order.refunds().stream()
                        .filter(r -> r.key().equals(owed.occurrence())).findFirst().orElseThrow();
                sendOnce(order, owed.type(), refund, sent);
            }
        }
        orders.clearEmailsOwed(order);
    }

    /**
     * The confirmation, once, whenever it is first due: for an order captured on authorization once it is PAID (then
     * PAID -> CONFIRMED is written after it went out), for one captured on fulfilment as soon as it is AUTHORIZED (and
     * not again when it is captured). A paid order whose fulfilment is already recorded goes on to FULFILLED in the
     * same write, and its shipping notice follows.
     */
    private OrderStatus confirm(Order order, Set<OwedEmails.Owed> sent) {
        switch (order.status()) {
            case CANCELLING, CANCELLED, EXPIRED -> {
                // cancelled, or expired (a hold that ran out before the shipment), while the confirmation was on its
                // way: the cancellation or expiry e-mail is the one that counts
                return order.status();
            }
            case AUTHORIZED -> {
                requireStatus(order, EmailType.ORDER_CONFIRMED, order.capture() == CapturePolicy.ON_FULFILMENT);
                sendOnce(order, EmailType.ORDER_CONFIRMED, null, sent);
                settle(order, sent);
                return OrderStatus.AUTHORIZED;
            }
            case PAID -> {
                sendOnce(order, EmailType.ORDER_CONFIRMED, null, sent);
                Instant now = clock.instant();
                Order confirmed = order.transitionTo(OrderStatus.CONFIRMED, now, "confirmation e-mail sent");
                if (order.findFulfilment().isPresent()) {
                    // fulfilled before the confirmation went out (always so when captured on fulfilment)
                    confirmed = confirmed.transitionTo(OrderStatus.FULFILLED, now, "fulfilled");
                }
                orders.apply(new OrderTransition(order, confirmed, List.of()));
                if (confirmed.isIn(OrderStatus.FULFILLED)) {
                    return ship(confirmed, sent);
                }
                settle(confirmed, sent);
                return OrderStatus.CONFIRMED;
            }
            case CONFIRMED -> {
                sendOnce(order, EmailType.ORDER_CONFIRMED, null, sent);
                settle(order, sent);
                return OrderStatus.CONFIRMED;
            }
            case FULFILLED -> {
                sendOnce(order, EmailType.ORDER_CONFIRMED, null, sent);
                return ship(order, sent);
            }
            default -> {
                requireStatus(order, EmailType.ORDER_CONFIRMED, false);
                return order.status();
            }
        }
    }

    /** The shipping notice of a FULFILLED order, once. */
    private OrderStatus ship(Order order, Set<OwedEmails.Owed> sent) {
        requireStatus(order, EmailType.ORDER_SHIPPED, order.isIn(OrderStatus.FULFILLED));
        sendOnce(order, EmailType.ORDER_SHIPPED, null, sent);
        settle(order, sent);
        return OrderStatus.FULFILLED;
    }

    private static void requireStatus(Order order, EmailType type, boolean ready) {
        if (!ready) {
            throw new MessageRejectedException("order " + order.orderId() + " is " + order.status()
                    + ", not ready for the " + type + " e-mail");
        }
    }

    private void sendOnce(Order order, EmailType type, RefundRecord refund, Set<OwedEmails.Owed> sent) {
        String occurrence = refund == null ? "" : refund.key();
        switch (claimOrAwaitAnother(order.orderId(), type, occurrence)) {
            case ALREADY_SENT -> {
                // a previous delivery sent it (perhaps while this one waited for it)
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
        sent.add(new OwedEmails.Owed(type, occurrence));
    }

    /**
     * Claims the e-mail; while another delivery holds it, asks again at growing intervals (25, 50, 100 ms, ...) until
     * that one has sent it, its lease ran out (then this one holds the claim), or {@code waitForAnother} is spent
     * ({@code HELD_BY_ANOTHER}).
     */
    private EmailClaims.Outcome claimOrAwaitAnother(String orderId, EmailType type, String occurrence) {
        long deadline = System.nanoTime() + waitForAnother.toNanos();
        long pauseMillis = 25;
        while (true) {
            Instant now = clock.instant();
            EmailClaims.Outcome outcome = claims.claim(orderId, type, occurrence, now, now.plus(lease));
            long left = deadline - System.nanoTime();
            if (outcome != EmailClaims.Outcome.HELD_BY_ANOTHER || left <= 0) {
                return outcome;
            }
            try {
                Thread.sleep(Math.min(pauseMillis, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome;
            }
            pauseMillis *= 2;
        }
    }
}
