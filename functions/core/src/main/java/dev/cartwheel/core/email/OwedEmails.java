package dev.cartwheel.core.email;

import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.RefundRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The customer e-mails an order's current state calls for, as a pure function of the order. An order that no step
 * waits for any more ({@link Order#isOpen()} false) but whose state calls for an e-mail carries a durable "e-mails owed"
 * mark in the store until the e-mail step has seen every one of them sent ({@code OrderStore#clearEmailsOwed}); the
 * reconciler re-sends {@code EmailsDue} for a mark older than {@code StuckAfterSeconds}. So an e-mail whose messages
 * all went to the DLQ (SES down for longer than the queue's retries) still goes out once SES is back, for final orders
 * too. Open orders need no mark: the reconciler nudges their step, and the step's e-mail follows.
 */
public final class OwedEmails {

    /** One e-mail: its type and, for the e-mails sent once per refund, the refund's key (else empty). */
    public record Owed(EmailType type, String occurrence) {
    }

    private OwedEmails() {
    }

    /** Every e-mail the order's state calls for (some may be sent already: the claims tell). */
    public static List<Owed> of(Order order) {
        List<Owed> owed = new ArrayList<>();
        switch (order.status()) {
            case REJECTED -> owed.add(new Owed(EmailType.ORDER_REJECTED, ""));
            case PAYMENT_FAILED -> owed.add(new Owed(EmailType.PAYMENT_FAILED, ""));
            // the cancellation e-mail tells about the money given back; the saga's refunds get no e-mail of their own
            case CANCELLED -> owed.add(new Owed(EmailType.ORDER_CANCELLED, ""));
            case EXPIRED -> owed.add(new Owed(EmailType.ORDER_EXPIRED, ""));
            case AUTHORIZED -> {
                if (order.isAwaitingFulfilment()) {
                    owed.add(new Owed(EmailType.ORDER_CONFIRMED, ""));
                }
            }
            // CONFIRMED is written only after the confirmation went out
            case FULFILLED -> owed.add(new Owed(EmailType.ORDER_SHIPPED, ""));
            default -> {
            }
        }
        if (!order.isIn(OrderStatus.CANCELLED) && !order.isIn(OrderStatus.CANCELLING)) {
            order.refunds().stream().filter(RefundRecord::isCompleted)
                    .forEach(refund -> owed.add(new Owed(EmailType.ORDER_REFUNDED, refund.key())));
        }
        return owed;
    }

    /** Whether the store marks the order as owing e-mails: no step waits for it, and its state calls for one. */
    public static boolean isMarked(Order order) {
        return !order.isOpen() && !of(order).isEmpty();
    }
}
