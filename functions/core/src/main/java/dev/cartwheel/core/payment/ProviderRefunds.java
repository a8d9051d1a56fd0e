package dev.cartwheel.core.payment;

import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.PaymentDetails;
import dev.cartwheel.core.order.RefundRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Brings a paid order's refunds in line with the provider's record of its payment, which is the truth: someone may
 * have refunded in the provider's dashboard (announced by a {@code payment.refunded} webhook, which may be lost), and
 * an admin refund may have been made at the provider by a request that died before recording it. Only looks: it
 * never asks the provider to refund anything.
 */
public final class ProviderRefunds {

    private final PaymentGateway gateway;

    public ProviderRefunds(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * The order with every refund the provider made on its payment: an admin refund still pending whose provider
     * refund exists (made under its key) is completed, and each refund made elsewhere is added as
     * {@link RefundRecord#fromProvider}. The same order (identical) when it already knows them all.
     *
     * <p>One listing answers both questions. Asking by key first and listing after would let a racing request's
     * refund land in between: missed by the first, seen by the second as made elsewhere, and counted twice.
     */
    public Order reconcile(Order order, Instant now) {
        PaymentDetails payment = order.findPayment()
                .orElseThrow(() -> new IllegalStateException("paid order " + order.orderId() + " has no payment"));
        List<Refund> made = gateway.findRefunds(payment.paymentId());
        Order current = order;
        Set<String> known = new HashSet<>();
        for (RefundRecord refund : order.refunds()) {
            if (refund.isCompleted()) {
                known.add(refund.refundId());
                continue;
            }
            String key = PaymentSettlement.refundKey(order.orderId(), refund.key());
            var atProvider = made.stream().filter(candidate -> candidate.madeUnder(key)).findFirst();
            if (refund.isPending() && atProvider.isPresent()) {
                current = current.withRefundCompleted(refund.key(), atProvider.get().refundId(), now);
            }
            // a FAILED record's key never made a refund; a pending one's is its own, never one made elsewhere
            atProvider.ifPresent(found -> known.add(found.refundId()));
        }
        for (Refund refund : made) {
            if (known.add(refund.refundId())) {
                current = current.withProviderRefund(RefundRecord.fromProvider(refund.refundId(), refund.amount(), now), now);
            }
        }
        return current;
    }
}
