package dev.cartwheel.core.events;

import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.StatusChange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a write to an order means that a person must look at, read from the table's change stream like the order
 * events (so each is raised once per write, however often the step that wrote it was redelivered). The order-events
 * function turns each into an alarmed metric.
 */
public enum OrderAlert {
    /** The provider refused the capture of an authorized order for good: PAYMENT_FAILED, the order must not ship. */
    CAPTURE_FAILED("CapturesFailed"),
    /** The provider refused a refund for good (an admin refund, or the cancellation saga's): the money is not back. */
    REFUND_FAILED("RefundsFailed"),
    /** An order whose payment was held until it shipped expired because its authorization hold ran out. */
    AUTHORIZATION_HOLD_LAPSED("AuthorizationHoldsLapsed");

    private final String metric;

    OrderAlert(String metric) {
        this.metric = metric;
    }

    /** The metric (namespace {@code Cartwheel}) an alarm watches, e.g. {@code CapturesFailed}. */
    public String metric() {
        return metric;
    }

    /** The alerts of one write, in a fixed order; empty for almost every write. */
    public static List<OrderAlert> of(OrderChange change) {
        Order before = change.before();
        Order after = change.after();
        List<OrderAlert> alerts = new ArrayList<>();
        List<StatusChange> history = after.history();
        int known = before == null ? 0 : Math.min(before.history().size(), history.size());
        for (int i = Math.max(known, 1); i < history.size(); i++) {
            OrderStatus previous = history.get(i - 1).status();
            OrderStatus status = history.get(i).status();
            if (previous == OrderStatus.AUTHORIZED && status == OrderStatus.PAYMENT_FAILED) {
                alerts.add(CAPTURE_FAILED);
            }
            if (previous == OrderStatus.AUTHORIZED && status == OrderStatus.EXPIRED) {
                alerts.add(AUTHORIZATION_HOLD_LAPSED);
            }
        }
        Set<String> failedBefore = new HashSet<>();
        if (before != null) {
            before.refunds().stream().filter(RefundRecord::isFailed).forEach(refund -> failedBefore.add(refund.key()));
        }
        for (RefundRecord refund : after.refunds()) {
            if (refund.isFailed() && !failedBefore.contains(refund.key())) {
                alerts.add(REFUND_FAILED);
            }
        }
        if (isRefundFailed(after) && (before == null || !isRefundFailed(before))) {
            alerts.add(REFUND_FAILED);
        }
        return alerts;
    }

    private static boolean isRefundFailed(Order order) {
        return order.findCancellation().map(c -> c.settlement() == Cancellation.Settlement.REFUND_FAILED).orElse(false);
    }
}
