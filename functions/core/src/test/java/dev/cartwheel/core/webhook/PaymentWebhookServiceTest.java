package dev.cartwheel.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.testing.InMemoryPorts;
import dev.cartwheel.core.testing.TestOrders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The payment webhook on the core's ports alone: each provider event forwarded to the payment step once. */
class PaymentWebhookServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private final InMemoryPorts ports = new InMemoryPorts();
    private final PaymentWebhookService webhooks = new PaymentWebhookService(ports.inbox, ports.publisher, ports.orders,
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

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"AUTHORIZED", "PAID", "CONFIRMED", "FULFILLED"})
    void aSuccessAboutAnOrderThatAlreadyRecordsItsAuthorization_isNotForwarded(OrderStatus status) {
        // GIVEN an order the payment step authorized (and captured) itself
        stored("ord_1", status);

        // WHEN Stripe's amount_capturable_updated / succeeded about it arrives
        PaymentWebhookService.Outcome outcome = webhooks.accept(new PaymentWebhook("evt_1", "payment.succeeded", "ord_1"));

        // THEN the payment step is not bothered with it
        assertThat(outcome).isEqualTo(PaymentWebhookService.Outcome.ALREADY_RECORDED);
        assertThat(ports.publisher.sent()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = OrderStatus.class, names = {"RESERVED", "PAYMENT_PENDING", "CANCELLING", "CANCELLED", "EXPIRED"})
    void aSuccessAboutAnOrderStillWaitingForItOrCancelledSinceTheAuthorization_isForwarded(OrderStatus status) {
        // GIVEN a 3-D Secure order waiting at the provider, one the payment step is authorizing, or one cancelled or
        // expired before its authorization was recorded (whose late hold the payment step must give back)
        stored("ord_1", status);

        // WHEN the provider says the payment succeeded
        PaymentWebhookService.Outcome outcome = webhooks.accept(new PaymentWebhook("evt_1", "payment.succeeded", "ord_1"));

        // THEN the payment step looks at it
        assertThat(outcome).isEqualTo(PaymentWebhookService.Outcome.FORWARDED);
        assertThat(ports.publisher.sent()).containsExactly(StepMessage.of(MessageType.PAYMENT_UPDATED, "ord_1", "webhook-evt_1"));
    }

    @Test
    void aRefundOrAFailureAboutAPaidOrder_andASuccessAboutAnOrderNotFound_areForwarded() {
        stored("ord_1", OrderStatus.CONFIRMED);

        webhooks.accept(new PaymentWebhook("evt_1", "payment.refunded", "ord_1"));
        webhooks.accept(new PaymentWebhook("evt_2", "payment.failed", "ord_1"));
        webhooks.accept(new PaymentWebhook("evt_3", "payment.succeeded", "ord_unknown"));

        assertThat(ports.publisher.sent()).extracting(StepMessage::correlationId)
                .containsExactly("webhook-evt_1", "webhook-evt_2", "webhook-evt_3");
    }

    private void stored(String orderId, OrderStatus status) {
        TestOrders.store(ports, orderId, CapturePolicy.ON_AUTHORIZATION, NOW, TestOrders.pathTo(status));
    }
}
