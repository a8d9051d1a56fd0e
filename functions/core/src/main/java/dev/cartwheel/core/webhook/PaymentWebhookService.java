package dev.cartwheel.core.webhook;

import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;

/**
 * Takes a verified provider webhook and tells the payment step to look at the order ({@code PaymentUpdated}). The
 * webhook is a hint, not the truth: the payment step asks the provider for the authorization's state, so a forged,
 * reordered or replayed notification cannot move money or an order by itself. A lost {@code payment.succeeded} or
 * {@code payment.failed} is made good by the reconciler; a lost {@code payment.refunded} by the next refund or
 * cancellation of the order, which read the provider's refunds themselves. A notification for an order that has not reached the payment step yet waits in the queue until it has.
 * The event id is remembered after the message is sent: a retry of the same notification is forwarded once (and if
 * the function dies in between, twice, which the payment step takes as a no-op).
 *
 * <p>A {@code payment.succeeded} about an order that already records its authorization (AUTHORIZED, PAID, CONFIRMED,
 * FULFILLED) is not forwarded: the payment step authorized and captured that order itself and would find nothing to
 * do, at the cost of an invocation and a provider read. Stripe sends one for every card payment (its
 * {@code amount_capturable_updated} when it is authorized), so this keeps a hop and a Stripe API read per order out of
 * the pipeline. A read racing a write of the order can only show an earlier status, which forwards, as before. Every
 * other notification is forwarded: one about a pending (3-D Secure) payment, a failure, a refund, or an order the read
 * does not find.
 */
public final class PaymentWebhookService {

    /** What became of a notification. */
    public enum Outcome { FORWARDED, DUPLICATE, IGNORED, ALREADY_RECORDED }

    /** The statuses of an order whose authorization is recorded: a {@code payment.succeeded} tells it nothing new. */
    private static final Set<OrderStatus> AUTHORIZATION_RECORDED = EnumSet.of(
            OrderStatus.AUTHORIZED, OrderStatus.PAID, OrderStatus.CONFIRMED, OrderStatus.FULFILLED);

    private final WebhookInbox inbox;
    private final StepPublisher publisher;
    private final OrderStore orders;
    private final Clock clock;

    /** @param orders read only, to find an order that already records what a notification announces */
    public PaymentWebhookService(WebhookInbox inbox, StepPublisher publisher, OrderStore orders, Clock clock) {
        this.inbox = inbox;
        this.publisher = publisher;
        this.orders = orders;
        this.clock = clock;
    }

    public Outcome accept(PaymentWebhook webhook) {
        if (!webhook.isHandled()) {
            return Outcome.IGNORED;
        }
        if (webhook.announcesSuccess() && orders.find(webhook.orderId()).map(Order::status)
                .filter(AUTHORIZATION_RECORDED::contains).isPresent()) {
            return Outcome.ALREADY_RECORDED;
        }
        if (inbox.contains(webhook.eventId())) {
            return Outcome.DUPLICATE;
        }
        publisher.publish(StepMessage.of(MessageType.PAYMENT_UPDATED, webhook.orderId(), "webhook-" + webhook.eventId()));
        inbox.remember(webhook.eventId(), clock.instant());
        return Outcome.FORWARDED;
    }
}
