package dev.cartwheel.core.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.messaging.MessageRejectedException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Fulfilment;
import dev.cartwheel.core.order.IdempotencyRecord;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderPage;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The e-mail step's confirmation and shipping notice, on the core's ports alone. */
class EmailServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    /** Orders by id, written only at the version read. */
    private static final class Orders implements OrderStore {
        final Map<String, Order> orders = new HashMap<>();
        final List<Order> written = new ArrayList<>();

        @Override
        public void create(Order order, IdempotencyRecord record, dev.cartwheel.core.shipping.ShippingAddress address) {
            orders.put(order.orderId(), order);
            if (address != null) {
                addresses.put(order.orderId(), address);
            }
        }

        final Map<String, dev.cartwheel.core.shipping.ShippingAddress> addresses = new java.util.HashMap<>();

        @Override
        public Optional<dev.cartwheel.core.shipping.ShippingAddress> findShippingAddress(String orderId) {
            return Optional.ofNullable(addresses.get(orderId));
        }

        @Override
        public Map<String, dev.cartwheel.core.shipping.ShippingAddress> findShippingAddresses(java.util.Collection<String> orderIds) {
            Map<String, dev.cartwheel.core.shipping.ShippingAddress> found = new java.util.HashMap<>();
            orderIds.forEach(id -> {
                if (addresses.containsKey(id)) {
                    found.put(id, addresses.get(id));
                }
            });
            return found;
        }

        @Override
        public dev.cartwheel.core.order.StatusPage listByStatus(dev.cartwheel.core.order.OrderStatus status, String cursor, int limit) {
            return new dev.cartwheel.core.order.StatusPage(orders.values().stream().filter(order -> order.status() == status && order.isAwaitingShipment())
                    .sorted(java.util.Comparator.comparing(Order::createdAt)).limit(limit).toList(), null);
        }

        @Override
        public Optional<Order> find(String orderId) {
            return Optional.ofNullable(orders.get(orderId));
        }

        @Override
        public Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
            return Optional.empty();
        }

        @Override
        public OrderPage listByCustomer(String customerId, String cursor, int limit) {
            return new OrderPage(List.of(), null);
        }

        final List<Order> cleared = new ArrayList<>();

        @Override
        public int countOpenUnpaid(String customerId, int atMost) {
            return (int) Math.min(atMost, orders.values().stream()
                    .filter(order -> order.customerId().equals(customerId) && order.status().isExpirable()).count());
        }

        @Override
        public List<dev.cartwheel.core.order.StuckOrder> findStuck(Instant now, dev.cartwheel.core.order.NudgeSchedule schedule,
                                                                   int limit) {
            return List.of();
        }

        @Override
        public List<Order> findHeld(Instant updatedBefore, int limit) {
            return List.of();
        }

        @Override
        public boolean recordNudge(dev.cartwheel.core.order.StuckOrder stuck, Instant at, boolean park) {
            throw new UnsupportedOperationException("the e-mail step never nudges");
        }

        @Override
        public int countParked() {
            return 0;
        }

        @Override
        public void clearEmailsOwed(Order order) {
            cleared.add(order);
        }

        @Override
        public void apply(OrderTransition transition) {
            if (orders.get(transition.before().orderId()).version() != transition.before().version()) {
                throw new StaleOrderException(transition.before().orderId());
            }
            orders.put(transition.after().orderId(), transition.after());
            written.add(transition.after());
        }
    }

    /** Claims kept in memory: each (order, type, occurrence) is sent once. */
    private static final class Claims implements EmailClaims {
        final Map<String, Boolean> sent = new HashMap<>();

        @Override
        public Outcome claim(String orderId, EmailType type, String occurrence, Instant now, Instant leaseUntil) {
            String key = orderId + "#" + type + "#" + occurrence;
            return sent.putIfAbsent(key, Boolean.TRUE) == null ? Outcome.CLAIMED : Outcome.ALREADY_SENT;
        }

        @Override
        public void markSent(String orderId, EmailType type, String occurrence, String messageId, Instant at) {
            // claimed means sent here: the mailer never fails in these tests
        }
    }

    private final Orders orders = new Orders();
    private final List<EmailMessage> mailbox = new ArrayList<>();
    private final EmailService email = new EmailService(orders, new Claims(), message -> {
        mailbox.add(message);
        return "msg-" + mailbox.size();
    }, new EmailRenderer(), Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC), Duration.ofSeconds(60));

    @Test
    void orderCapturedOnFulfilment_isConfirmedWhenAuthorized_andNotAgainWhenCaptured_thenShippedAtOnce() {
        // GIVEN an order captured on fulfilment, authorized
        Order authorized = stored(CapturePolicy.ON_FULFILMENT, OrderStatus.RESERVED, OrderStatus.AUTHORIZED);

        // WHEN it is confirmed, then fulfilled and captured, and OrderPaid comes twice
        OrderStatus afterAuthorized = email.handle(message(MessageType.ORDER_AUTHORIZED));
        Order paid = authorized.withFulfilmentRecorded(new Fulfilment("1Z999", T0), T0)
                .transitionTo(OrderStatus.PAID, T0, "captured");
        orders.orders.put("ord_1", paid);
        OrderStatus afterPaid = email.handle(message(MessageType.ORDER_PAID));
        OrderStatus afterRedelivery = email.handle(message(MessageType.ORDER_PAID));

        // THEN one confirmation (saying when the card is charged), one shipping notice, CONFIRMED and FULFILLED in one write
        assertThat(afterAuthorized).isEqualTo(OrderStatus.AUTHORIZED);
        assertThat(afterPaid).isEqualTo(OrderStatus.FULFILLED);
        assertThat(afterRedelivery).isEqualTo(OrderStatus.FULFILLED);
        assertThat(mailbox).extracting(EmailMessage::subject).containsExactly(
                "Your order is confirmed (ord_1)", "Your order is on its way (ord_1)");
        assertThat(mailbox.getFirst().text()).contains("charged 20.00 EUR when your order ships");
        assertThat(mailbox.getLast().text()).contains("Tracking number: 1Z999");
        assertThat(orders.written).singleElement().satisfies(order -> assertThat(order.history())
                .extracting(change -> change.status()).endsWith(OrderStatus.PAID, OrderStatus.CONFIRMED, OrderStatus.FULFILLED));
    }

    @Test
    void orderAuthorized_forAnOrderCapturedOnAuthorization_isRefused_andSendsNothing() {
        stored(CapturePolicy.ON_AUTHORIZATION, OrderStatus.RESERVED, OrderStatus.AUTHORIZED);

        assertThatThrownBy(() -> email.handle(message(MessageType.ORDER_AUTHORIZED)))
                .isInstanceOf(MessageRejectedException.class).hasMessageContaining("AUTHORIZED");
        assertThat(mailbox).isEmpty();
        assertThat(orders.written).isEmpty();
    }

    @Test
    void orderFulfilled_sendsTheShippingNoticeOnce_andIsRefusedBeforeTheOrderIsFulfilled() {
        Order confirmed = stored(CapturePolicy.ON_AUTHORIZATION, OrderStatus.RESERVED, OrderStatus.AUTHORIZED,
                OrderStatus.PAID, OrderStatus.CONFIRMED);
        assertThatThrownBy(() -> email.handle(message(MessageType.ORDER_FULFILLED)))
                .isInstanceOf(MessageRejectedException.class);

        orders.orders.put("ord_1", confirmed.withFulfilmentRecorded(new Fulfilment(null, T0), T0)
                .transitionTo(OrderStatus.FULFILLED, T0, "fulfilled"));
        email.handle(message(MessageType.ORDER_FULFILLED));
        email.handle(message(MessageType.ORDER_FULFILLED));

        assertThat(mailbox).extracting(EmailMessage::subject).containsExactly("Your order is on its way (ord_1)");
        assertThat(mailbox.getFirst().text()).doesNotContain("Tracking number");
    }

    private Order stored(CapturePolicy capture, OrderStatus... path) {
        Order order = Order.place("ord_1", "alice", "alice@example.com", "corr-1",
                List.of(new OrderLine("SKU-1", "Thing", 2, new Money(1000, "EUR"))), "pm_card_visa", T0)
                .withCapturePolicy(capture);
        for (OrderStatus next : path) {
            order = order.transitionTo(next, T0, "path");
        }
        orders.orders.put(order.orderId(), order);
        return order;
    }

    private static StepMessage message(MessageType type) {
        return StepMessage.of(type, "ord_1", "corr-1");
    }
}
