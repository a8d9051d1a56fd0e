package dev.cartwheel.core.cancellation;

import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.Retry;
import dev.cartwheel.core.order.StockMovement;
import dev.cartwheel.core.payment.PaymentSettlement;
import dev.cartwheel.core.payment.Refund;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The cancellation saga, driven by {@code CancelRequested} on the payment queue. From CANCELLING it
 * <ol>
 *   <li>returns the stock (released if reserved, restocked if sold) in one transaction with the order's
 *       {@code stockReturned} flag, conditional on the version read: exactly once;</li>
 *   <li>settles the payment ({@link PaymentSettlement}: void or refund, keyed, so a retry moves no money twice; a
 *       refund made in the provider's dashboard is not refunded again, and is recorded with the cancellation);</li>
 *   <li>records CANCELLED with the outcome (conditional on the version) and</li>
 *   <li>sends {@code OrderCancelled} to the e-mail step, which mails the customer once.</li>
 * </ol>
 * A refund the provider refuses for good ({@code PaymentRejectedException}) is not retried: the order ends CANCELLED
 * with settlement REFUND_FAILED and the provider's reason, an admin refund it could not complete is recorded FAILED,
 * and the order-events function raises the {@code RefundsFailed} alarm metric from that write.
 * A crash anywhere resumes on redelivery (or the reconciler's nudge for an order stuck in CANCELLING) at the first
 * step not yet recorded; a duplicate for a CANCELLED order only re-sends {@code OrderCancelled}.
 */
public final class CancellationSaga {

    private final OrderStore orders;
    private final PaymentSettlement settlement;
    private final StepPublisher publisher;
    private final Clock clock;

    public CancellationSaga(OrderStore orders, PaymentSettlement settlement, StepPublisher publisher, Clock clock) {
        this.orders = orders;
        this.settlement = settlement;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Handles {@code CancelRequested}; returns the status the order is in afterwards. */
    public OrderStatus handle(StepMessage message) {
        if (message.type() != MessageType.CANCEL_REQUESTED) {
            throw new MessageRejectedException("the cancellation saga does not handle " + message.type().wireName());
        }
        return Retry.withCurrentOrder(orders, message.orderId(), this::advance);
    }

    private OrderStatus advance(Order order) {
        if (order.isIn(OrderStatus.CANCELLED)) {
            send(order);
            return OrderStatus.CANCELLED;
        }
        if (!order.isIn(OrderStatus.CANCELLING)) {
            throw new MessageRejectedException("order " + order.orderId() + " is " + order.status() + ", not cancelling");
        }
        Cancellation cancellation = order.findCancellation()
                .orElseThrow(() -> new IllegalStateException("cancelling order " + order.orderId() + " has no cancellation"));
        Order current = order;
        List<StockMovement> movements = cancellation.stockMovements(order.lines());
        if (!cancellation.stockReturned() && !movements.isEmpty()) {
            Order returned = current.withStockReturned(clock.instant());
            orders.apply(new OrderTransition(current, returned, movements));
            current = returned;
        }
        PaymentSettlement.Outcome outcome = settlement.settle(current);
        Order cancelled = current;
        for (Map.Entry<String, String> refund : outcome.completedRefunds().entrySet()) {
            cancelled = cancelled.withRefundCompleted(refund.getKey(), refund.getValue(), clock.instant());
        }
        for (Refund refund : outcome.unrecorded()) {
            cancelled = cancelled.withProviderRefund(
                    RefundRecord.fromProvider(refund.refundId(), refund.amount(), clock.instant()), clock.instant());
        }
        for (Map.Entry<String, String> refused : outcome.failedRefunds().entrySet()) {
            cancelled = cancelled.withRefundFailed(refused.getKey(), refused.getValue(), clock.instant());
        }
        // a refund the provider refuses for good is recorded, not retried into the DLQ: the cancellation completes (the
        // stock is back), the order says REFUND_FAILED and why, and the RefundsFailed alarm calls an admin
        cancelled = outcome.settlement() == Cancellation.Settlement.REFUND_FAILED
                ? cancelled.cancelWithRefundFailure(outcome.refunded(), outcome.failure(), clock.instant())
                : cancelled.cancel(outcome.settlement(), outcome.refunded(), clock.instant());
        orders.apply(new OrderTransition(current, cancelled, List.of()));
        send(cancelled);
        return OrderStatus.CANCELLED;
    }

    private void send(Order order) {
        publisher.publish(StepMessage.of(MessageType.ORDER_CANCELLED, order.orderId(), order.correlationId()));
    }
}
