package dev.cartwheel.core.refund;

import dev.cartwheel.core.audit.Actor;
import dev.cartwheel.core.checkout.OrderRequestValidator;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.exceptions.OrderNotFoundException;
import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.PaymentDetails;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.Retry;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentRejectedException;
import dev.cartwheel.core.payment.PaymentSettlement;
import dev.cartwheel.core.payment.ProviderRefunds;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code POST /orders/{orderId}/refunds} (admins): refunds part or all of a paid order's capture (an order captured
 * on fulfilment has nothing to refund before it is fulfilled; cancelling it voids the hold).
 *
 * <p>The refund is first recorded on the order (conditional on the version read, so two refunds racing can never
 * together exceed the capture), then the provider refunds it under {@code orderId:refund:<Idempotency-Key>}, then
 * the record is completed with the provider's refund id and {@code RefundIssued} goes to the e-mail step. Refunds
 * made in the provider's dashboard are recorded first ({@link ProviderRefunds}), so what is left is the provider's. A retry
 * with the same key and body finds the record, finishes whatever a crash left undone and returns the same refund;
 * the same key with another body is {@code 409 idempotency-key-reused}.
 *
 * <p>A refund the provider refuses for good ({@link PaymentRejectedException}) is recorded FAILED with the provider's
 * reason: it is not counted in what was refunded, no {@code RefundIssued} is sent (no customer is mailed, no
 * {@code order.refunded} event), and a retry with the same key returns the same failed refund without asking the
 * provider again. A new refund needs a new key. The admin who asked is recorded with every refund ({@link Actor}).
 */
public final class RefundService {

    public static final int MAX_REASON_LENGTH = 500;
    private static final int ATTEMPTS = 5;

    private final OrderStore orders;
    private final PaymentGateway gateway;
    private final StepPublisher publisher;
    private final Clock clock;
    private final ProviderRefunds providerRefunds;

    public RefundService(OrderStore orders, PaymentGateway gateway, StepPublisher publisher, Clock clock) {
        this.orders = orders;
        this.gateway = gateway;
        this.publisher = publisher;
        this.clock = clock;
        this.providerRefunds = new ProviderRefunds(gateway);
    }

    /**
     * @throws OrderNotFoundException  if there is no such order
     * @throws InvalidRequestException 400 for a bad key or body, 409 {@code order-not-refundable} unless PAID,
     *                                 CONFIRMED or FULFILLED, 409 {@code idempotency-key-reused}, 422 {@code refund-exceeds-captured}
     */
    public IssuedRefund refund(String orderId, String idempotencyKey, RefundRequest request) {
        return refund(orderId, idempotencyKey, request, null);
    }

    /**
     * {@link #refund(String, String, RefundRequest)} asked for by {@code actor} (recorded on the refund; {@code null}
     * for none). The returned refund may be {@link RefundRecord#isFailed() failed}: the provider refused it.
     */
    public IssuedRefund refund(String orderId, String idempotencyKey, RefundRequest request, Actor actor) {
        OrderRequestValidator.validateIdempotencyKey(idempotencyKey);
        if (RefundRecord.isProviderKey(idempotencyKey)) {
            throw new InvalidRequestException(Problem.INVALID_HEADER, "Idempotency-Key",
                    "Idempotency-Key must not start with provider: (it names refunds made at the payment provider)");
        }
        validate(request);
        boolean recordedHere = false;
        for (int attempt = 1; ; attempt++) {
            Order order = orders.find(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
            try {
                var existing = order.findRefund(idempotencyKey);
                if (existing.isPresent()) {
                    RefundRecord refund = existing.get();
                    if (!refund.amount().equals(request.amount()) || !refund.reason().equals(request.reason())) {
                        throw new InvalidRequestException(Problem.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key",
                                "this Idempotency-Key was used for a different refund; use a new key for a new refund");
                    }
                    return complete(order, refund, !recordedHere);
                }
                if (!order.isIn(OrderStatus.PAID) && !order.isIn(OrderStatus.CONFIRMED) && !order.isIn(OrderStatus.FULFILLED)) {
                    throw new InvalidRequestException(Problem.ORDER_NOT_REFUNDABLE, "orderId", "order " + orderId
                            + " is " + order.status() + "; only PAID, CONFIRMED or FULFILLED orders are refunded");
                }
                if (!request.amount().currency().equals(order.total().currency())) {
                    throw new InvalidRequestException(Problem.INVALID_FIELD, "/amount/currency",
                            "amount.currency must be the order's currency " + order.total().currency());
                }
                // millisecond precision, as stored: the first answer and every replay show the same requestedAt
                Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                // what is left is judged after the refunds made at the provider (its dashboard) are on the order
                Order current = providerRefunds.reconcile(order, now);
                if (current != order) {
                    write(order, current);
                    publisher.publish(StepMessage.of(MessageType.REFUND_ISSUED, current.orderId(), current.correlationId()));
                }
                if (request.amount().isGreaterThan(current.refundable())) {
                    throw new InvalidRequestException(Problem.REFUND_EXCEEDS_CAPTURED, "/amount/amount",
                            "at most " + current.refundable().toDisplayString() + " of " + current.total().toDisplayString()
                                    + " can still be refunded");
                }
                RefundRecord refund = new RefundRecord(idempotencyKey, request.amount(), request.reason(), now, null,
                        actor, null);
                Order requested = current.withRefundRequested(refund, now);
                write(current, requested);
                recordedHere = true;
                return complete(requested, refund, false);
            } catch (StaleOrderException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private IssuedRefund complete(Order order, RefundRecord refund, boolean replayed) {
        if (refund.isFailed()) {
            // refused for good earlier: the same answer, nothing sent, the provider not asked again
            return new IssuedRefund(order, refund, replayed);
        }
        Order current = order;
        RefundRecord completed = refund;
        if (!refund.isCompleted()) {
            PaymentDetails payment = order.findPayment()
                    .orElseThrow(() -> new IllegalStateException("refunded order " + order.orderId() + " has no payment"));
            String refundId;
            try {
                refundId = gateway.refund(PaymentSettlement.refundKey(order.orderId(), refund.key()),
                        payment.paymentId(), refund.amount()).refundId();
            } catch (PaymentRejectedException e) {
                Order failed = order.withRefundFailed(refund.key(), PaymentSettlement.describe(e),
                        clock.instant().truncatedTo(ChronoUnit.MILLIS));
                write(order, failed);
                return new IssuedRefund(failed, failed.findRefund(refund.key()).orElseThrow(), replayed);
            }
            current = order.withRefundCompleted(refund.key(), refundId, clock.instant());
            write(order, current);
            completed = current.findRefund(refund.key()).orElseThrow();
        }
        publisher.publish(StepMessage.of(MessageType.REFUND_ISSUED, current.orderId(), current.correlationId()));
        return new IssuedRefund(current, completed, replayed);
    }

    private void write(Order before, Order after) {
        Retry.onConflict(() -> {
            orders.apply(new OrderTransition(before, after, List.of()));
            return after;
        });
    }

    private static void validate(RefundRequest request) {
        if (request.amount() == null || request.amount().amount() < 1) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "/amount/amount",
                    "amount.amount must be a positive integer number of minor units");
        }
        String reason = request.reason();
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON_LENGTH
                || reason.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "/reason",
                    "reason must be 1 to " + MAX_REASON_LENGTH + " printable characters");
        }
    }
}
