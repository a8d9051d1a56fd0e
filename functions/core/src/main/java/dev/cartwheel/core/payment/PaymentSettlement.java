package dev.cartwheel.core.payment;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.RefundRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Gives a cancelled order's money back, judged by what the provider actually did rather than by what the order
 * recorded (a payment step that crashed or lost a race with the cancellation may have authorized or captured
 * without recording it): no authorization -> nothing; an authorization (approved or still pending) without
 * capture -> void
 * ({@code orderId:void}); a capture -> refund of what earlier refunds left ({@code orderId:refund}), after
 * completing any admin refund still pending. Every call is keyed, so settling twice moves no money twice.
 */
public final class PaymentSettlement {

    /**
     * What settling did.
     *
     * @param completedRefunds the provider refund ids of admin refunds that were still pending, by refund key
     */
    public record Outcome(Cancellation.Settlement settlement, Money refunded, Map<String, String> completedRefunds) {

        public Outcome {
            completedRefunds = Map.copyOf(completedRefunds);
        }
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
        Optional<Authorization> authorization = gateway.findAuthorization(PaymentGateway.key(orderId, "authorize"))
                .filter(Authorization::holdsFunds);
        if (authorization.isEmpty()) {
            return new Outcome(Cancellation.Settlement.NOTHING_TO_SETTLE, zero, Map.of());
        }
        String paymentId = authorization.get().paymentId();
        Optional<Capture> capture = gateway.findCapture(PaymentGateway.key(orderId, "capture"));
        if (capture.isEmpty()) {
            gateway.voidAuthorization(PaymentGateway.key(orderId, "void"), paymentId);
            return new Outcome(Cancellation.Settlement.VOIDED, zero, Map.of());
        }
        Map<String, String> completed = new LinkedHashMap<>();
        Money refundedBefore = zero;
        for (RefundRecord refund : order.refunds()) {
            if (!refund.isCompleted()) {
                completed.put(refund.key(), gateway.refund(refundKey(orderId, refund.key()), paymentId, refund.amount()).refundId());
            }
            refundedBefore = refundedBefore.plus(refund.amount());
        }
        Money rest = capture.get().amount().minus(refundedBefore);
        if (rest.amount() > 0) {
            gateway.refund(PaymentGateway.key(orderId, "refund"), paymentId, rest);
        }
        return new Outcome(Cancellation.Settlement.REFUNDED, rest, completed);
    }
}
