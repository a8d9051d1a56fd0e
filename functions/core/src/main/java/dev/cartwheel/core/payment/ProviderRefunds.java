package dev.cartwheel.core.payment;

import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.PaymentDetails;
import dev.cartwheel.core.order.RefundRecord;
import java.time.Instant;
import java.util.HashSet;
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
     * refund exists (under its key) is completed, and each refund made elsewhere is added as
     * {@link RefundRecord#fromProvider}. The same order (identical) when it already knows them all.
     */
    public Order reconcile(Order order, Instant now) {
        PaymentDetails payment = order.findPayment()
                .orElseThrow(() -> new IllegalStateException("paid order " + order.orderId() + " has no payment"));
        Order current = order;
        for (RefundRecord refund : order.refunds()) {
            if (refund.isPending()) {
                var made = gateway.findRefund(PaymentSettlement.refundKey(order.orderId(), refund.key()));
                if (made.isPresent()) {
                    current = current.withRefundCompleted(refund.key(), made.get().refundId(), now);
                }
            }
        }
        Set<String> known = new HashSet<>();
        current.refunds().stream().filter(RefundRecord::isCompleted).forEach(refund -> known.add(refund.refundId()));
        for (Refund refund : gateway.findRefunds(payment.paymentId())) {
            if (known.add(refund.refundId())) {
                current = current.withProviderRefund(RefundRecord.fromProvider(refund.refundId(), refund.amount(), now), now);
            }
        }
        return current;
    }
}
