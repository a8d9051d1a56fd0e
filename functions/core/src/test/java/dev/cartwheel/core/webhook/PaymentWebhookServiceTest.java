package dev.cartwheel.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.testing.InMemoryPorts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The payment webhook on the core's ports alone: each provider event forwarded to the payment step once. */
class PaymentWebhookServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private final InMemoryPorts ports = new InMemoryPorts();
    private final PaymentWebhookService webhooks = new PaymentWebhookService(ports.inbox, ports.publisher,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aHandledEvent_isForwardedAsPaymentUpdated_andRemembered() {
        PaymentWebhookService.Outcome outcome = webhooks.accept(new PaymentWebhook("evt_1", "payment.succeeded", "ord_1"));

        assertThat(outcome).isEqualTo(PaymentWebhookService.Outcome.FORWARDED);
        assertThat(ports.publisher.sent()).containsExactly(StepMessage.of(MessageType.PAYMENT_UPDATED, "ord_1", "webhook-evt_1"));
        assertThat(ports.inbox.remembered()).isEqualTo(Map.of("evt_1", NOW));
    }

    @Test
    void theProvidersRetryOfAnEvent_isForwardedOnce() {
        PaymentWebhook event = new PaymentWebhook("evt_1", "payment.refunded", "ord_1");

        webhooks.accept(event);
        PaymentWebhookService.Outcome retry = webhooks.accept(event);

        assertThat(retry).isEqualTo(PaymentWebhookService.Outcome.DUPLICATE);
        assertThat(ports.publisher.sent()).hasSize(1);
    }

    @Test
    void twoEventsOfOneOrder_areBothForwarded() {
        webhooks.accept(new PaymentWebhook("evt_1", "payment.succeeded", "ord_1"));
        webhooks.accept(new PaymentWebhook("evt_2", "payment.refunded", "ord_1"));

        assertThat(ports.publisher.sent()).extracting(StepMessage::correlationId).containsExactly("webhook-evt_1", "webhook-evt_2");
    }

    @Test
    void eventsThatConcernNoOrdersPayment_areIgnored_andNeitherForwardedNorRemembered() {
        PaymentWebhookService.Outcome otherType = webhooks.accept(new PaymentWebhook("evt_1", "customer.created", "ord_1"));
        PaymentWebhookService.Outcome noOrder = webhooks.accept(new PaymentWebhook("evt_2", "payment.succeeded", null));

        assertThat(otherType).isEqualTo(PaymentWebhookService.Outcome.IGNORED);
        assertThat(noOrder).isEqualTo(PaymentWebhookService.Outcome.IGNORED);
        assertThat(ports.publisher.sent()).isEmpty();
        assertThat(ports.inbox.remembered()).isEmpty();
    }
}
