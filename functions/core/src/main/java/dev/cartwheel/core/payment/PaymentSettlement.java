package dev.cartwheel.core.payment;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.RefundRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gives a cancelled order's money back, judged by what the provider actually did rather than by what the order
 * recorded (a payment step that crashed or lost a race with the cancellation may have authorized or captured
 * without recording it): no authorization -> nothing; an authorization (approved or still pending) without
 * capture -> void
 * ({@code orderId:void}); a capture -> refund of what earlier refunds left ({@code orderId:refund}), after
 * completing any admin refund still pending. What earlier refunds left is read from the provider's refunds of the
 * payment, so a refund made in the provider's dashboard that the order does not record yet is not refunded again. Every call is keyed, so settling twice moves no money twice.
 *
 * <p>A definitive refusal ({@link PaymentRejectedException}) is an outcome, not an error to retry: a void the
 * provider refuses means the hold is already gone (lapsed or released), so nothing is held and the outcome is
 * VOIDED; a refused pending admin refund is reported in {@link Outcome#failedRefunds()}; a refused cancellation
 * refund makes the outcome REFUND_FAILED with the provider's reason.
 */
public final class PaymentSettlement {

    /**
     * What settling did.
     *
     * @param refunded         what the cancellation itself refunded
     * @param completedRefunds the provider refund ids of admin refunds that were still pending, by refund key
     * @param unrecorded       refunds the provider made on the payment that the order does not record (made in the
     *                         provider's dashboard, their webhook not applied yet): the saga records them
     * @param failedRefunds    admin refunds that were still pending and that the provider refused for good: why, by
     *                         refund key
     * @param failure          with {@link Cancellation.Settlement#REFUND_FAILED}, why the provider refused the
     *                         cancellation's refund; else {@code null}
     */
    public record Outcome(Cancellation.Settlement settlement, Money refunded, Map<String, String> completedRefunds,
                          List<Refund> unrecorded, Map<String, String> failedRefunds, String failure) {

        public Outcome {
            completedRefunds = Map.copyOf(completedRefunds);
            unrecorded = List.copyOf(unrecorded);
            failedRefunds = Map.copyOf(failedRefunds);
        }

        public Outcome(Cancellation.Settlement settlement, Money refunded, Map<String, String> completedRefunds,
                       List<Refund> unrecorded) {
            this(settlement, refunded, completedRefunds, unrecorded, Map.of(), null);
        }

        static Outcome nothingMoved(Cancellation.Settlement settlement, Money zero) {
            return new Outcome(settlement, zero, Map.of(), List.of());
        }
    }

    /** The longest failure reason recorded on an order. */
    public static final int MAX_FAILURE_LENGTH = 300;

    /** What an order records of a definitive refusal: the provider's code and message, capped. */
    public static String describe(PaymentRejectedException e) {
        String text = (e.code() == null ? "rejected" : e.code()) + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.length() <= MAX_FAILURE_LENGTH ? text : text.substring(0, MAX_FAILURE_LENGTH);
    }

    private final PaymentGateway gateway;

    public PaymentSettlement(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    /** The provider key of the admin refund under {@code refundKey}. */
    public static String refundKey(String orderId, String refundKey) {
        return PaymentGateway.key(orderId, "refund:" + refundKey);
    }

    public Outcome settle(Order order) {
        String orderId = order.orderId();
        Money zero = Money.zero(order.total().currency());
        // by the id the order recorded (current); by the key only when the step never got to record it
        Optional<Authorization> authorization = order.findPayment()
                .map(recorded -> Optional.of(gateway.authorizationOf(recorded.paymentId())))
                .orElseGet(() -> gateway.findAuthorization(PaymentGateway.key(orderId, "authorize")))
                .filter(Authorization::holdsFunds);
        if (authorization.isEmpty()) {
            return Outcome.nothingMoved(Cancellation.Settlement.NOTHING_TO_SETTLE, zero);
        }
        String paymentId = authorization.get().paymentId();
        Optional<Capture> capture = gateway.findCaptureOf(paymentId);
        if (capture.isEmpty()) {
            voidHold(orderId, paymentId);
            return Outcome.nothingMoved(Cancellation.Settlement.VOIDED, zero);
        }
        Map<String, String> completed = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        Set<String> recorded = new HashSet<>();
        for (RefundRecord refund : order.refunds()) {
            if (refund.isCompleted()) {
                recorded.add(refund.refundId());
            } else if (refund.isPending()) {
                try {
                    String refundId = gateway.refund(refundKey(orderId, refund.key()), paymentId, refund.amount()).refundId();
                    completed.put(refund.key(), refundId);
                    recorded.add(refundId);
                } catch (PaymentRejectedException e) {
                    failed.put(refund.key(), describe(e));
                }
            }
        }
        // what was refunded is the provider's record, not the order's: a dashboard refund may not be recorded yet
        String cancellationKey = PaymentGateway.key(orderId, "refund");
        List<Refund> made = gateway.findRefunds(paymentId);
        Optional<Refund> cancellationRefund = made.stream().filter(refund -> refund.madeUnder(cancellationKey)).findFirst();
        List<Refund> unrecorded = new ArrayList<>();
        Money refundedOtherwise = zero;
        for (Refund refund : made) {
            if (refund.madeUnder(cancellationKey)) {
                continue;
            }
            refundedOtherwise = refundedOtherwise.plus(refund.amount());
            if (!recorded.contains(refund.refundId())) {
                unrecorded.add(refund);
            }
        }
        Money rest;
        if (cancellationRefund.isPresent()) {
            rest = cancellationRefund.get().amount(); // a retry after the refund: it is not made again
        } else {
            Money captured = capture.get().amount();
            rest = captured.isGreaterThan(refundedOtherwise) ? captured.minus(refundedOtherwise) : zero;
            if (rest.amount() > 0) {
                try {
                    gateway.refund(cancellationKey, paymentId, rest);
                } catch (PaymentRejectedException e) {
                    return new Outcome(Cancellation.Settlement.REFUND_FAILED, zero, completed, unrecorded, failed,
                            describe(e));
                }
            }
        }
        return new Outcome(Cancellation.Settlement.REFUNDED, rest, completed, unrecorded, failed, null);
    }

    /**
     * Releases the hold. A provider that refuses for good has no hold to release any more (it lapsed, or was voided or
     * declined): nothing is held either way.
     */
    public void voidHold(String orderId, String paymentId) {
        try {
            gateway.voidAuthorization(PaymentGateway.key(orderId, "void"), paymentId);
        } catch (PaymentRejectedException e) {
            // nothing left to release
        }
    }
}
