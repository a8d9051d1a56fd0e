package dev.cartwheel.core.webhook;

import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import java.time.Clock;

/**
 * Takes a verified provider webhook and tells the payment step to look at the order ({@code PaymentUpdated}). The
 * webhook is a hint, not the truth: the payment step asks the provider for the authorization's state, so a forged,
 * reordered or replayed notification cannot move money or an order by itself. A lost {@code payment.succeeded} or
 * {@code payment.failed} is made good by the reconciler; a lost {@code payment.refunded} by the next refund or
 * cancellation of the order, which read the provider's refunds themselves. A notification for an order that has not reached the payment step yet waits in the queue until it has.
 * The event id is remembered after the message is sent: a retry of the same notification is forwarded once (and if
 * the function dies in between, twice, which the payment step takes as a no-op).
 */
public final class PaymentWebhookService {

    /** What became of a notification. */
    public enum Outcome { FORWARDED, DUPLICATE, IGNORED }

    private final WebhookInbox inbox;
    private final StepPublisher publisher;
    private final Clock clock;

    public PaymentWebhookService(WebhookInbox inbox, StepPublisher publisher, Clock clock) {
        this.inbox = inbox;
        this.publisher = publisher;
        this.clock = clock;
    }

    public Outcome accept(PaymentWebhook webhook) {
        if (!webhook.isHandled()) {
            return Outcome.IGNORED;
        }
        if (inbox.contains(webhook.eventId())) {
            return Outcome.DUPLICATE;
        }
        publisher.publish(StepMessage.of(MessageType.PAYMENT_UPDATED, webhook.orderId(), "webhook-" + webhook.eventId()));
        inbox.remember(webhook.eventId(), clock.instant());
        return Outcome.FORWARDED;
    }
}
