package dev.cartwheel.core.payment;

import dev.cartwheel.core.cancellation.CancellationSaga;
import dev.cartwheel.core.exceptions.ConcurrentUpdateException;
import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.expiry.OrderExpiry;
import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.PaymentDetails;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.Retry;
import dev.cartwheel.core.order.StockMovement;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The payment step: authorizes the order's total, then captures it. RESERVED -> AUTHORIZED -> PAID, the
 * reserved stock committed as sold. An order captured on fulfilment waits in AUTHORIZED, its stock still reserved,
 * until an admin records its fulfilment ({@code FulfilmentRecorded}); then it is captured. A capture the provider
 * refuses for good ({@link PaymentRejectedException}) ends the order PAYMENT_FAILED, its stock released. A decline releases the stock and records PAYMENT_FAILED in one
 * transaction. A provider that answers "pending" leaves the order PAYMENT_PENDING until its webhook
 * ({@code PaymentUpdated}) or the reconciler's nudge makes this step ask again; the provider's record is the truth,
 * the webhook only says when to look. Each provider call is keyed by order and operation, so a redelivery after a crash at any
 * point asks the provider again and gets the first answer: one authorization, one capture.
 *
 * <p>It also runs the {@link CancellationSaga} ({@code CancelRequested}). When this step finds the order cancelling
 * or cancelled (the customer cancelled while an authorization or capture was in flight, and the version condition
 * made this step's write lose), it settles the payment itself from what the provider did, so a hold or charge made
 * after the saga settled is still voided or refunded: a cancelled order never ends charged. Likewise it runs
 * {@link OrderExpiry} ({@code ExpiryDue}), and settles a late authorization of an order found EXPIRED.
 *
 * <p>A webhook for a paid order ({@code payment.refunded}: someone refunded in the provider's dashboard) makes this
 * step ask the provider for the payment's refunds and record each one the order does not know
 * ({@link ProviderRefunds}), so the refundable amount stays true and the customer gets the refund e-mail.
 */
public final class PaymentService {

    private final OrderStore orders;
    private final PaymentGateway gateway;
    private final StepPublisher publisher;
    private final Clock clock;
    private final PaymentSettlement settlement;
    private final CancellationSaga cancellations;
    private final OrderExpiry expiry;
    private final ProviderRefunds providerRefunds;

    /** The payment timeout when none is configured (template parameter {@code PaymentTimeoutSeconds}). */
    public static final Duration DEFAULT_PAYMENT_TIMEOUT = Duration.ofMinutes(15);

    public PaymentService(OrderStore orders, PaymentGateway gateway, StepPublisher publisher, Clock clock) {
        this(orders, gateway, publisher, clock, DEFAULT_PAYMENT_TIMEOUT);
    }

    /** @param paymentTimeout an order not paid this long after it was placed expires ({@code ExpiryDue}) */
    public PaymentService(OrderStore orders, PaymentGateway gateway, StepPublisher publisher, Clock clock,
                          Duration paymentTimeout) {
        this(orders, gateway, publisher, clock, paymentTimeout, OrderExpiry.DEFAULT_AUTHORIZATION_HOLD);
    }

    /** @param authorizationHold how long the provider holds an authorization ({@code AuthorizationHoldDays}) */
    public PaymentService(OrderStore orders, PaymentGateway gateway, StepPublisher publisher, Clock clock,
                          Duration paymentTimeout, Duration authorizationHold) {
        this.orders = orders;
        this.gateway = gateway;
        this.publisher = publisher;
        this.clock = clock;
        this.settlement = new PaymentSettlement(gateway);
        this.cancellations = new CancellationSaga(orders, settlement, publisher, clock);
        this.expiry = new OrderExpiry(orders, settlement, publisher, clock, paymentTimeout, authorizationHold);
        this.providerRefunds = new ProviderRefunds(gateway);
    }

    /**
     * Handles {@code StockReserved}, {@code PaymentUpdated} (a provider webhook), {@code FulfilmentRecorded},
     * {@code CancelRequested} and {@code ExpiryDue}; returns the status the order is in afterwards.
     */
    public OrderStatus handle(StepMessage message) {
        if (message.type() == MessageType.CANCEL_REQUESTED) {
            return cancellations.handle(message);
        }
        if (message.type() == MessageType.EXPIRY_DUE) {
            return expiry.handle(message);
        }
        if (message.type() == MessageType.PAYMENT_UPDATED) {
            return Retry.withCurrentOrder(orders, message.orderId(), this::paymentUpdated);
        }
        if (message.type() != MessageType.STOCK_RESERVED && message.type() != MessageType.FULFILMENT_RECORDED) {
            throw new MessageRejectedException("the payment step does not handle " + message.type().wireName());
        }
        return Retry.withCurrentOrder(orders, message.orderId(), this::advance);
    }

    /**
     * A provider webhook. On a paid order, refunds made at the provider are recorded, and {@code RefundIssued} is
     * sent whenever the order has any (again on a redelivery, so a send lost after the write is made good; the e-mail
     * step mails each refund once). {@code OrderPaid} is sent again only for a PAID order whose payment went through
     * PAYMENT_PENDING (3-D Secure): this message (its webhook) is what paid it, so its redelivery must make good a send
     * that a crash lost. Any other paid order was paid by its {@code StockReserved} (or {@code FulfilmentRecorded}),
     * whose redelivery re-sends {@code OrderPaid}; the webhook's news of its payment is no news. Any other order
     * moves on.
     */
    private OrderStatus paymentUpdated(Order order) {
        if (!order.isIn(OrderStatus.PAID) && !order.isIn(OrderStatus.CONFIRMED) && !order.isIn(OrderStatus.FULFILLED)) {
            return advance(order);
        }
        Order synced = providerRefunds.reconcile(order, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        if (synced != order) {
            orders.apply(new OrderTransition(order, synced, List.of()));
        }
        if (synced.refunds().stream().anyMatch(RefundRecord::isCompleted)) {
            send(MessageType.REFUND_ISSUED, synced);
        }
        if (synced.isIn(OrderStatus.PAID)
                && synced.history().stream().anyMatch(change -> change.status() == OrderStatus.PAYMENT_PENDING)) {
            send(MessageType.ORDER_PAID, synced);
        }
        return synced.status();
    }

    private OrderStatus advance(Order order) {
        switch (order.status()) {
            case RESERVED -> {
                return authorize(order);
            }
            case PAYMENT_PENDING -> {
                return resumePending(order);
            }
            case AUTHORIZED -> {
                return order.isDueForCapture() ? capture(order) : awaitFulfilment(order);
            }
            case PAID -> send(MessageType.ORDER_PAID, order);
            case PAYMENT_FAILED -> send(MessageType.PAYMENT_FAILED, order);
            case CANCELLING, CANCELLED -> {
                return settleCancelled(order);
            }
            case EXPIRED -> {
                // expired while this step was authorizing: a hold or charge it made goes back
                settlement.settle(order);
                return OrderStatus.EXPIRED;
            }
            // a webhook ahead of the pipeline: failing makes SQS deliver it again once the order has caught up
            case PENDING -> throw new IllegalStateException("order " + order.orderId() + " is not reserved yet");
            default -> {
                // CONFIRMED, FULFILLED or REJECTED: nothing left for this step.
            }
        }
        return order.status();
    }

    private OrderStatus authorize(Order order) {
        Authorization authorization = gateway.authorize(
                PaymentGateway.key(order.orderId(), "authorize"), order.paymentToken(), order.total());
        if (authorization.pending()) {
            Order pending = order.transitionTo(OrderStatus.PAYMENT_PENDING, clock.instant(), "payment pending at the provider")
                    .withPayment(new PaymentDetails(authorization.paymentId(), authorization.brand(), authorization.last4(),
                            authorization.nextAction()));
            orders.apply(new OrderTransition(order, pending, List.of()));
            return OrderStatus.PAYMENT_PENDING;
        }
        return authorized(order, authorization);
    }

    /**
     * The provider had answered "pending": ask it again (its webhook said it decided, or the reconciler nudged).
     * Still pending: nothing to do yet; the webhook or the payment timeout will come.
     */
    private OrderStatus resumePending(Order order) {
        Authorization authorization = order.findPayment()
                .map(pending -> Optional.of(gateway.authorizationOf(pending.paymentId())))
                .orElseGet(() -> gateway.findAuthorization(PaymentGateway.key(order.orderId(), "authorize")))
                .orElseThrow(() -> new IllegalStateException("order " + order.orderId()
                        + " is pending at the provider, which has no authorization for it"));
        if (authorization.pending()) {
            return OrderStatus.PAYMENT_PENDING;
        }
        return authorized(order, authorization);
    }

    /** Applies the provider's decision on a RESERVED or PAYMENT_PENDING order. */
    private OrderStatus authorized(Order order, Authorization authorization) {
        if (!authorization.approved()) {
            Order failed = order.transitionTo(OrderStatus.PAYMENT_FAILED, clock.instant(),
                    "payment declined: " + authorization.declineCode());
            orders.apply(new OrderTransition(order, failed,
                    StockMovement.forLines(order.lines(), StockMovement.Kind.RELEASE)));
            send(MessageType.PAYMENT_FAILED, order);
            return OrderStatus.PAYMENT_FAILED;
        }
        PaymentDetails details = new PaymentDetails(authorization.paymentId(), authorization.brand(), authorization.last4());
        Order authorized = order.transitionTo(OrderStatus.AUTHORIZED, clock.instant(), "payment authorized").withPayment(details);
        try {
            orders.apply(new OrderTransition(order, authorized, List.of()));
        } catch (StaleOrderException | ConcurrentUpdateException e) {
            recordIfSettling(order.orderId(), details);
            throw e;
        }
        return authorized.isDueForCapture() ? capture(authorized) : awaitFulfilment(authorized);
    }

    /**
     * The order changed while the provider authorized it: if it was cancelled or expired meanwhile, the hold just made
     * is recorded on it (status kept), so that settling it, here on the re-read or in the saga, finds the hold by its
     * id. A lookup by key could miss an authorization this fresh (Stripe's search lags behind its writes).
     */
    private void recordIfSettling(String orderId, PaymentDetails details) {
        Retry.withCurrentOrder(orders, orderId, current -> {
            boolean settling = current.isIn(OrderStatus.CANCELLING) || current.isIn(OrderStatus.CANCELLED)
                    || current.isIn(OrderStatus.EXPIRED);
            if (settling && current.findPayment().isEmpty()) {
                orders.apply(new OrderTransition(current, current.withPaymentRecorded(details, clock.instant()), List.of()));
            }
            return current.status();
        });
    }

    /** Captured on fulfilment: the order waits, held; its customer gets the confirmation now. */
    private OrderStatus awaitFulfilment(Order order) {
        send(MessageType.ORDER_AUTHORIZED, order);
        return OrderStatus.AUTHORIZED;
    }

    private OrderStatus capture(Order order) {
        PaymentDetails payment = order.findPayment()
                .orElseThrow(() -> new IllegalStateException("authorized order " + order.orderId() + " has no payment"));
        try {
            gateway.capture(PaymentGateway.key(order.orderId(), "capture"), payment.paymentId(), order.total());
        } catch (PaymentRejectedException e) {
            return captureRefused(order, payment, e);
        }
        Order paid = order.transitionTo(OrderStatus.PAID, clock.instant(), "payment captured");
        orders.apply(new OrderTransition(order, paid, StockMovement.forLines(order.lines(), StockMovement.Kind.COMMIT)));
        send(MessageType.ORDER_PAID, order);
        return OrderStatus.PAID;
    }

    /**
     * The provider refused the capture for good (the authorization lapsed, was declined at capture, ...): retrying
     * cannot take the money, so the order must not ship. Whatever is left of the hold is voided, and the order ends
     * PAYMENT_FAILED with its reserved stock released in the same transaction, never PAID and so never FULFILLED.
     * {@code PaymentFailed} mails the customer; the order event {@code order.payment_failed} tells the warehouse not
     * to ship, and the order-events function raises the {@code CapturesFailed} alarm metric from this write.
     */
    private OrderStatus captureRefused(Order order, PaymentDetails payment, PaymentRejectedException e) {
        settlement.voidHold(order.orderId(), payment.paymentId());
        Order failed = order.transitionTo(OrderStatus.PAYMENT_FAILED, clock.instant(),
                "payment could not be captured: " + PaymentSettlement.describe(e));
        orders.apply(new OrderTransition(order, failed, StockMovement.forLines(order.lines(), StockMovement.Kind.RELEASE)));
        send(MessageType.PAYMENT_FAILED, order);
        return OrderStatus.PAYMENT_FAILED;
    }

    /**
     * The order was cancelled under this step: give back whatever the provider holds. For a CANCELLED order whose
     * recorded settlement no longer matches (a capture landed after the saga voided), the record is corrected.
     */
    private OrderStatus settleCancelled(Order order) {
        Cancellation recorded = order.findCancellation().orElseThrow();
        if (recorded.settlement() == Cancellation.Settlement.REFUND_FAILED) {
            // the provider refused this order's refund for good; an admin settles it, no step retries it
            return order.status();
        }
        PaymentSettlement.Outcome outcome = settlement.settle(order);
        if (order.isIn(OrderStatus.CANCELLED) && outcome.settlement() != recorded.settlement()
                && (outcome.settlement() == Cancellation.Settlement.REFUNDED
                || outcome.settlement() == Cancellation.Settlement.VOIDED)) {
            Order corrected = order.withSettlementCorrected(outcome.settlement(), outcome.refunded(), clock.instant());
            orders.apply(new OrderTransition(order, corrected, List.of()));
        }
        return order.status();
    }

    private void send(MessageType type, Order order) {
        publisher.publish(StepMessage.of(type, order.orderId(), order.correlationId()));
    }
}
