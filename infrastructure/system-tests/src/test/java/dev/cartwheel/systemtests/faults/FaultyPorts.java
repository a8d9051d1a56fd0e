package dev.cartwheel.systemtests.faults;

import dev.cartwheel.core.email.EmailMessage;
import dev.cartwheel.core.email.Mailer;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.IdempotencyRecord;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderPage;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.payment.Capture;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentProviderException;
import dev.cartwheel.core.payment.PaymentRejectedException;
import dev.cartwheel.core.payment.Refund;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Decorators around the core's ports that fail where {@link Faults} says, and otherwise call the real adapter. */
public final class FaultyPorts {

    private static final Pattern ORDER_ID = Pattern.compile("ord_[0-9a-f-]{36}");

    private FaultyPorts() {
    }

    /** An order store that crashes right after {@code apply} committed, when {@code afterCommit} fires. */
    public static OrderStore orderStore(OrderStore delegate, Faults faults, FaultPoint afterCommit) {
        return new OrderStore() {
            @Override
            public void create(Order order, IdempotencyRecord record, dev.cartwheel.core.shipping.ShippingAddress address) {
                delegate.create(order, record, address);
            }

            @Override
            public Optional<dev.cartwheel.core.shipping.ShippingAddress> findShippingAddress(String orderId) {
                return delegate.findShippingAddress(orderId);
            }

            @Override
            public java.util.Map<String, dev.cartwheel.core.shipping.ShippingAddress> findShippingAddresses(
                    java.util.Collection<String> orderIds) {
                return delegate.findShippingAddresses(orderIds);
            }

            @Override
            public dev.cartwheel.core.order.StatusPage listByStatus(dev.cartwheel.core.order.OrderStatus status, String cursor, int limit) {
                return delegate.listByStatus(status, cursor, limit);
            }

            @Override
            public Optional<Order> find(String orderId) {
                Optional<Order> found = delegate.find(orderId);
                found.ifPresent(order -> faults.reach(Faults.Checkpoint.ORDER_READ, order.orderId(), order.version()));
                return found;
            }

            @Override
            public Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
                return delegate.findIdempotencyRecord(key);
            }

            @Override
            public OrderPage listByCustomer(String customerId, String cursor, int limit) {
                return delegate.listByCustomer(customerId, cursor, limit);
            }

            @Override
            public int countOpenUnpaid(String customerId, int atMost) {
                return delegate.countOpenUnpaid(customerId, atMost);
            }

            @Override
            public List<dev.cartwheel.core.order.StuckOrder> findStuck(Instant now,
                                                                       dev.cartwheel.core.order.NudgeSchedule schedule, int limit) {
                return delegate.findStuck(now, schedule, limit);
            }

            @Override
            public boolean recordNudge(dev.cartwheel.core.order.StuckOrder stuck, Instant at, boolean park) {
                return delegate.recordNudge(stuck, at, park);
            }

            @Override
            public int countParked() {
                return delegate.countParked();
            }

            @Override
            public void clearEmailsOwed(Order order) {
                delegate.clearEmailsOwed(order);
            }

            @Override
            public List<Order> findHeld(Instant updatedBefore, int limit) {
                return delegate.findHeld(updatedBefore, limit);
            }

            @Override
            public void apply(OrderTransition transition) {
                try {
                    delegate.apply(transition);
                } catch (dev.cartwheel.core.exceptions.StaleOrderException e) {
                    faults.reach(Faults.Checkpoint.ORDER_WRITE_STALE, transition.before().orderId(), transition.before().version());
                    throw e;
                }
                faults.reach(Faults.Checkpoint.ORDER_WRITTEN, transition.after().orderId(), transition.after().version());
                if (returnsStock(transition)) {
                    faults.crashIf(FaultPoint.CANCEL_CRASH_AFTER_STOCK_RETURNED, transition.after().orderId());
                }
                faults.crashIf(afterCommit, transition.after().orderId());
            }
        };
    }

    /**
     * A publisher that crashes before sending when {@code beforeSend} fires, and sends the same business event a
     * second time (a new SQS message) when {@link FaultPoint#DUPLICATE_SEND} fires.
     */
    public static StepPublisher publisher(StepPublisher delegate, Faults faults, FaultPoint beforeSend) {
        return message -> {
            faults.crashIf(beforeSend, message.orderId());
            delegate.publish(message);
            if (faults.fire(FaultPoint.DUPLICATE_SEND, message.orderId())) {
                delegate.publish(StepMessage.of(message.type(), message.orderId(), message.correlationId()));
            }
        };
    }

    /**
     * A payment provider that answers with a transient error when {@link FaultPoint#PROVIDER_ERROR} fires, refuses a
     * capture or refund for good when {@link FaultPoint#PROVIDER_REJECTS_CAPTURE} / {@link FaultPoint#PROVIDER_REJECTS_REFUND}
     * fires (whichever gateway is underneath), and whose
     * caller dies right after a successful authorization, capture, void or refund; every capture it returns is entered in {@code charges}.
     */
    public static PaymentGateway gateway(PaymentGateway delegate, Faults faults, Charges charges) {
        return new PaymentGateway() {
            @Override
            public Authorization authorize(String idempotencyKey, String paymentToken, Money amount) {
                String orderId = orderIdOf(idempotencyKey);
                if (faults.fire(FaultPoint.PROVIDER_ERROR, orderId)) {
                    throw new PaymentProviderException("processing_error: injected outage");
                }
                Authorization authorization = delegate.authorize(idempotencyKey, paymentToken, amount);
                faults.reach(Faults.Checkpoint.PROVIDER_AUTHORIZED, orderId, -1);
                faults.crashIf(FaultPoint.PAYMENT_CRASH_AFTER_AUTHORIZE, orderId);
                return authorization;
            }

            @Override
            public Capture capture(String idempotencyKey, String paymentId, Money amount) {
                String orderId = orderIdOf(idempotencyKey);
                if (faults.fire(FaultPoint.PROVIDER_ERROR, orderId)) {
                    throw new PaymentProviderException("processing_error: injected outage");
                }
                if (faults.fire(FaultPoint.PROVIDER_REJECTS_CAPTURE, orderId)) {
                    throw new PaymentRejectedException("charge_expired_for_capture",
                            "the authorization expired before it was captured");
                }
                Capture capture = delegate.capture(idempotencyKey, paymentId, amount);
                charges.record(orderId, capture.captureId());
                faults.reach(Faults.Checkpoint.PROVIDER_CAPTURED, orderId, -1);
                faults.crashIf(FaultPoint.PAYMENT_CRASH_AFTER_CHARGE, orderId);
                return capture;
            }

            @Override
            public void voidAuthorization(String idempotencyKey, String paymentId) {
                if (faults.fire(FaultPoint.PROVIDER_ERROR, orderIdOf(idempotencyKey))) {
                    throw new PaymentProviderException("processing_error: injected outage");
                }
                delegate.voidAuthorization(idempotencyKey, paymentId);
                faults.crashIf(FaultPoint.CRASH_AFTER_VOID_OR_REFUND, orderIdOf(idempotencyKey));
            }

            @Override
            public Refund refund(String idempotencyKey, String paymentId, Money amount) {
                if (faults.fire(FaultPoint.PROVIDER_ERROR, orderIdOf(idempotencyKey))) {
                    throw new PaymentProviderException("processing_error: injected outage");
                }
                if (faults.fire(FaultPoint.PROVIDER_REJECTS_REFUND, orderIdOf(idempotencyKey))) {
                    throw new PaymentRejectedException("charge_disputed",
                            "the charge is disputed and cannot be refunded");
                }
                Refund refund = delegate.refund(idempotencyKey, paymentId, amount);
                faults.crashIf(FaultPoint.CRASH_AFTER_VOID_OR_REFUND, orderIdOf(idempotencyKey));
                return refund;
            }

            @Override
            public Optional<Authorization> findAuthorization(String idempotencyKey) {
                return delegate.findAuthorization(idempotencyKey);
            }

            @Override
            public Authorization authorizationOf(String paymentId) {
                return delegate.authorizationOf(paymentId);
            }

            @Override
            public Optional<Capture> findCaptureOf(String paymentId) {
                return delegate.findCaptureOf(paymentId);
            }

            @Override
            public List<Refund> findRefunds(String paymentId) {
                return delegate.findRefunds(paymentId);
            }
        };
    }

    /** A mailer that dies before calling SES, or after SES accepted the e-mail, when those points fire. */
    public static Mailer mailer(Mailer delegate, Faults faults) {
        return message -> {
            String orderId = orderIdIn(message);
            faults.crashIf(FaultPoint.EMAIL_CRASH_BEFORE_SES, orderId);
            String messageId = delegate.send(message);
            faults.crashIf(FaultPoint.EMAIL_CRASH_AFTER_SES_ACCEPTED, orderId);
            return messageId;
        };
    }

    private static String orderIdOf(String idempotencyKey) {
        int colon = idempotencyKey.indexOf(':');
        return colon < 0 ? idempotencyKey : idempotencyKey.substring(0, colon);
    }

    /** The cancellation saga's write that moves the stock back with the order's {@code stockReturned} flag. */
    private static boolean returnsStock(OrderTransition transition) {
        return transition.after().findCancellation().map(c -> c.stockReturned()).orElse(false)
                && !transition.before().findCancellation().map(c -> c.stockReturned()).orElse(false);
    }

    private static String orderIdIn(EmailMessage message) {
        Matcher m = ORDER_ID.matcher(message.subject() + " " + message.text());
        return m.find() ? m.group() : null;
    }

    /** What the provider answered to every capture call: the capture ids by order. One id per order = one charge. */
    public static final class Charges {

        private final Map<String, Set<String>> captureIds = new ConcurrentHashMap<>();
        private final Map<String, Integer> calls = new ConcurrentHashMap<>();

        void record(String orderId, String captureId) {
            captureIds.computeIfAbsent(orderId, k -> ConcurrentHashMap.newKeySet()).add(captureId);
            calls.merge(orderId, 1, Integer::sum);
        }

        /** The distinct capture ids the provider returned for this order. */
        public Set<String> captureIds(String orderId) {
            return Set.copyOf(captureIds.getOrDefault(orderId, Set.of()));
        }

        /** How many times a capture call for this order returned successfully. */
        public int captureCalls(String orderId) {
            return calls.getOrDefault(orderId, 0);
        }
    }
}
