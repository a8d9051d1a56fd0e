package dev.cartwheel.core.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Fulfilment;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.testing.InMemoryOrderStore;
import dev.cartwheel.core.testing.InMemoryPorts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** The e-mail step's confirmation and shipping notice, on the core's ports alone. */
class EmailServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final InMemoryPorts ports = new InMemoryPorts();
    private final InMemoryOrderStore orders = ports.orders;
    private final EmailService email = new EmailService(orders, ports.claims, ports.mailer, new EmailRenderer(),
            Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC), Duration.ofSeconds(60));

    @Test
    void orderCapturedOnFulfilment_isConfirmedWhenAuthorized_andNotAgainWhenCaptured_thenShippedAtOnce() {
        // GIVEN an order captured on fulfilment, authorized
        Order authorized = stored(CapturePolicy.ON_FULFILMENT, OrderStatus.RESERVED, OrderStatus.AUTHORIZED);

        // WHEN it is confirmed, then fulfilled and captured, and OrderPaid comes twice
        OrderStatus afterAuthorized = email.handle(message(MessageType.ORDER_AUTHORIZED));
        Order paid = authorized.withFulfilmentRecorded(new Fulfilment("1Z999", T0), T0)
                .transitionTo(OrderStatus.PAID, T0, "captured");
        orders.put(paid);
        OrderStatus afterPaid = email.handle(message(MessageType.ORDER_PAID));
        OrderStatus afterRedelivery = email.handle(message(MessageType.ORDER_PAID));

        // THEN one confirmation (saying when the card is charged), one shipping notice, CONFIRMED and FULFILLED in one write
        assertThat(afterAuthorized).isEqualTo(OrderStatus.AUTHORIZED);
        assertThat(afterPaid).isEqualTo(OrderStatus.FULFILLED);
        assertThat(afterRedelivery).isEqualTo(OrderStatus.FULFILLED);
        assertThat(ports.mailer.sent()).extracting(EmailMessage::subject).containsExactly(
                "Your order is confirmed (ord_1)", "Your order is on its way (ord_1)");
        assertThat(ports.mailer.sent().getFirst().text()).contains("charged 20.00 EUR when your order ships");
        assertThat(ports.mailer.sent().getLast().text()).contains("Tracking number: 1Z999");
        assertThat(orders.written()).singleElement().satisfies(order -> assertThat(order.history())
                .extracting(change -> change.status()).endsWith(OrderStatus.PAID, OrderStatus.CONFIRMED, OrderStatus.FULFILLED));
    }

    @Test
    void orderAuthorized_forAnOrderCapturedOnAuthorization_isRefused_andSendsNothing() {
        stored(CapturePolicy.ON_AUTHORIZATION, OrderStatus.RESERVED, OrderStatus.AUTHORIZED);

        assertThatThrownBy(() -> email.handle(message(MessageType.ORDER_AUTHORIZED)))
                .isInstanceOf(MessageRejectedException.class).hasMessageContaining("AUTHORIZED");
        assertThat(ports.mailer.sent()).isEmpty();
        assertThat(orders.written()).isEmpty();
    }

    @Test
    void orderFulfilled_sendsTheShippingNoticeOnce_andIsRefusedBeforeTheOrderIsFulfilled() {
        Order confirmed = stored(CapturePolicy.ON_AUTHORIZATION, OrderStatus.RESERVED, OrderStatus.AUTHORIZED,
                OrderStatus.PAID, OrderStatus.CONFIRMED);
        assertThatThrownBy(() -> email.handle(message(MessageType.ORDER_FULFILLED)))
                .isInstanceOf(MessageRejectedException.class);

        orders.put(confirmed.withFulfilmentRecorded(new Fulfilment(null, T0), T0)
                .transitionTo(OrderStatus.FULFILLED, T0, "fulfilled"));
        email.handle(message(MessageType.ORDER_FULFILLED));
        email.handle(message(MessageType.ORDER_FULFILLED));

        assertThat(ports.mailer.sent()).extracting(EmailMessage::subject).containsExactly("Your order is on its way (ord_1)");
        assertThat(ports.mailer.sent().getFirst().text()).doesNotContain("Tracking number");
    }

    @Test
    void orderAuthorized_forAHeldOrderThatExpiredBeforeTheConfirmationWentOut_sendsNothing_andIsNotRefused() {
        // GIVEN an order captured on fulfilment, authorized, whose hold ran out (EXPIRED) before the e-mail step ran
        stored(CapturePolicy.ON_FULFILMENT, OrderStatus.RESERVED, OrderStatus.AUTHORIZED, OrderStatus.EXPIRED);

        // WHEN its OrderAuthorized arrives late
        OrderStatus after = email.handle(message(MessageType.ORDER_AUTHORIZED));

        // THEN no confirmation after the fact (the expiry e-mail is the one that counts), and no poison message
        assertThat(after).isEqualTo(OrderStatus.EXPIRED);
        assertThat(ports.mailer.sent()).isEmpty();
        assertThat(orders.written()).isEmpty();
    }

    @Test
    void aCopyOfTheMessageArrivingWhileAnotherDeliverySendsTheEmail_waitsForIt_andSendsNothing() {
        // GIVEN a paid order whose confirmation another delivery has claimed and is sending right now
        stored(CapturePolicy.ON_AUTHORIZATION, OrderStatus.RESERVED, OrderStatus.AUTHORIZED, OrderStatus.PAID);
        Instant now = T0.plusSeconds(60);
        assertThat(ports.claims.claim("ord_1", EmailType.ORDER_CONFIRMED, now, now.plusSeconds(60)))
                .isEqualTo(EmailClaims.Outcome.CLAIMED);
        AskedClaims othersFinish = new AskedClaims(asked -> {
            if (asked == 3) {
                // the other delivery's SES call returned while this one waited
                ports.claims.markSent("ord_1", EmailType.ORDER_CONFIRMED, "", "ses-other", now);
            }
        });
        EmailService waiting = new EmailService(orders, othersFinish, ports.mailer, new EmailRenderer(),
                Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(60), Duration.ofSeconds(5));

        // WHEN the copy of OrderPaid is handled
        OrderStatus after = waiting.handle(message(MessageType.ORDER_PAID));

        // THEN it did not go back to the queue: it found the e-mail sent, sent nothing itself, and confirmed the order
        assertThat(after).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(othersFinish.asked).as("asked while held, then found it sent").isEqualTo(3);
        assertThat(ports.mailer.sent()).isEmpty();
        assertThat(orders.written()).singleElement().satisfies(order -> assertThat(order.status()).isEqualTo(OrderStatus.CONFIRMED));
    }

    @Test
    void aCopyOfTheMessageWhoseOtherDeliveryDoesNotFinishInTime_goesBackToTheQueue_havingChangedNothing() {
        // GIVEN a paid order whose confirmation another delivery holds and does not finish
        stored(CapturePolicy.ON_AUTHORIZATION, OrderStatus.RESERVED, OrderStatus.AUTHORIZED, OrderStatus.PAID);
        Instant now = T0.plusSeconds(60);
        ports.claims.claim("ord_1", EmailType.ORDER_CONFIRMED, now, now.plusSeconds(60));
        AskedClaims neverFinishes = new AskedClaims(asked -> { });
        EmailService waiting = new EmailService(orders, neverFinishes, ports.mailer, new EmailRenderer(),
                Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(60), Duration.ofMillis(200));

        // WHEN the copy is handled
        assertThatThrownBy(() -> waiting.handle(message(MessageType.ORDER_PAID)))
                .isInstanceOf(EmailInProgressException.class).hasMessageContaining("ORDER_CONFIRMED");

        // THEN it waited its while, sent nothing and wrote nothing: SQS retries it after the visibility timeout
        assertThat(neverFinishes.asked).as("asked again while it waited").isGreaterThan(1);
        assertThat(ports.mailer.sent()).isEmpty();
        assertThat(orders.written()).isEmpty();
    }

    /** The in-memory claims, counting how often a delivery asked for a claim and calling {@code onAsk} first. */
    private final class AskedClaims implements EmailClaims {
        private final IntConsumer onAsk;
        private int asked;

        AskedClaims(IntConsumer onAsk) {
            this.onAsk = onAsk;
        }

        @Override
        public Outcome claim(String orderId, EmailType type, String occurrence, Instant at, Instant leaseUntil) {
            onAsk.accept(++asked);
            return ports.claims.claim(orderId, type, occurrence, at, leaseUntil);
        }

        @Override
        public void markSent(String orderId, EmailType type, String occurrence, String messageId, Instant at) {
            ports.claims.markSent(orderId, type, occurrence, messageId, at);
        }
    }

    private Order stored(CapturePolicy capture, OrderStatus... path) {
        Order order = Order.place("ord_1", "alice", "alice@example.com", "corr-1",
                List.of(new OrderLine("SKU-1", "Thing", 2, new Money(1000, "EUR"))), "pm_card_visa", T0)
                .withCapturePolicy(capture);
        for (OrderStatus next : path) {
            order = order.transitionTo(next, T0, "path");
        }
        orders.put(order);
        return order;
    }

    private static StepMessage message(MessageType type) {
        return StepMessage.of(type, "ord_1", "corr-1");
    }
}
