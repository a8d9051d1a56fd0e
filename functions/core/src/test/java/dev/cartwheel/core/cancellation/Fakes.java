package dev.cartwheel.core.cancellation;

import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.IdempotencyRecord;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderPage;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.StockMovement;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.payment.Capture;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.Refund;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** In-memory stand-ins for the core's ports (no AWS here): they keep what the real adapters would. */
final class Fakes {

    private Fakes() {
    }

    /** Orders by id, written only at the version read, and every stock movement applied. */
    static final class Orders implements OrderStore {
        final Map<String, Order> orders = new LinkedHashMap<>();
        final List<StockMovement> movements = new ArrayList<>();
        int writes;

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
            return orders.values().stream().filter(Order::isAwaitingFulfilment)
                    .filter(order -> order.updatedAt().isBefore(updatedBefore)).limit(limit).toList();
        }

        @Override
        public boolean recordNudge(dev.cartwheel.core.order.StuckOrder stuck, Instant at, boolean park) {
            throw new UnsupportedOperationException("the saga never nudges");
        }

        @Override
        public int countParked() {
            return 0;
        }

        @Override
        public void clearEmailsOwed(Order order) {
            // the saga's tests do not track the e-mail step's mark
        }

        @Override
        public void apply(OrderTransition transition) {
            Order stored = orders.get(transition.before().orderId());
            if (stored.version() != transition.before().version()) {
                throw new StaleOrderException(stored.orderId());
            }
            orders.put(stored.orderId(), transition.after());
            movements.addAll(transition.movements());
            writes++;
        }
    }

    /** A provider that remembers each operation by idempotency key and answers a repeat with the first result. */
    static final class Gateway implements PaymentGateway {
        final Map<String, Object> operations = new LinkedHashMap<>();
        /** Operations ({@code capture}, {@code refund}, {@code void}) the provider refuses for good, as a real one may. */
        final java.util.Set<String> refusing = new java.util.HashSet<>();
        /** Every call refused, by idempotency key. */
        final List<String> refused = new ArrayList<>();

        private void refuseIf(String operation, String idempotencyKey) {
            if (refusing.contains(operation)) {
                refused.add(idempotencyKey);
                throw new dev.cartwheel.core.payment.PaymentRejectedException(
                        operation.equals("capture") ? "charge_expired_for_capture" : "charge_disputed",
                        "the provider refuses this " + operation);
            }
        }

        @Override
        public Authorization authorize(String idempotencyKey, String paymentToken, Money amount) {
            return (Authorization) operations.computeIfAbsent(idempotencyKey,
                    k -> Authorization.approved("pay_" + operations.size(), "visa", "4242"));
        }

        @Override
        public Capture capture(String idempotencyKey, String paymentId, Money amount) {
            refuseIf("capture", idempotencyKey);
            return (Capture) operations.computeIfAbsent(idempotencyKey, k -> new Capture("cap_1", paymentId, amount));
        }

        @Override
        public void voidAuthorization(String idempotencyKey, String paymentId) {
            refuseIf("void", idempotencyKey);
            operations.putIfAbsent(idempotencyKey, "void " + paymentId);
        }

        @Override
        public Refund refund(String idempotencyKey, String paymentId, Money amount) {
            refuseIf("refund", idempotencyKey);
            return (Refund) operations.computeIfAbsent(idempotencyKey,
                    k -> new Refund("re_" + operations.size(), paymentId, amount));
        }

        @Override
        public Optional<Authorization> findAuthorization(String idempotencyKey) {
            return Optional.ofNullable(operations.get(idempotencyKey)).map(Authorization.class::cast);
        }

        @Override
        public Authorization authorizationOf(String paymentId) {
            return operations.values().stream().filter(Authorization.class::isInstance).map(Authorization.class::cast)
                    .filter(a -> paymentId.equals(a.paymentId())).findFirst()
                    .orElseThrow(() -> new dev.cartwheel.core.payment.PaymentRejectedException("resource_missing",
                            "no payment " + paymentId));
        }

        @Override
        public Optional<Capture> findCaptureOf(String paymentId) {
            return operations.values().stream().filter(Capture.class::isInstance).map(Capture.class::cast)
                    .filter(c -> c.paymentId().equals(paymentId)).findFirst();
        }

        @Override
        public Optional<Refund> findRefund(String idempotencyKey) {
            return Optional.ofNullable(operations.get(idempotencyKey)).filter(Refund.class::isInstance).map(Refund.class::cast);
        }

        @Override
        public List<Refund> findRefunds(String paymentId) {
            return operations.values().stream().filter(Refund.class::isInstance).map(Refund.class::cast)
                    .filter(refund -> refund.paymentId().equals(paymentId)).toList();
        }
    }

    static final class Publisher implements StepPublisher {
        final List<StepMessage> sent = new ArrayList<>();

        @Override
        public void publish(StepMessage message) {
            sent.add(message);
        }
    }
}
