package dev.cartwheel.core.testing;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.PaymentDetails;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.payment.PaymentGateway;
import java.time.Instant;
import java.util.List;

/** Orders for the unit tests, brought to a status the way the steps would, and stored in the fake ports. */
public final class TestOrders {

    /** Two units of {@code SKU-1} at 10.00 EUR: 20.00 EUR. */
    public static final List<OrderLine> LINES = List.of(new OrderLine("SKU-1", "Thing", 2, new Money(1000, "EUR")));

    private TestOrders() {
    }

    /** A new PENDING order of {@link #LINES} by {@code alice}, placed at {@code at}. */
    public static Order placed(String orderId, Instant at) {
        return placed(orderId, LINES, at);
    }

    public static Order placed(String orderId, List<OrderLine> lines, Instant at) {
        return Order.place(orderId, "alice", "alice@example.com", "corr-" + orderId, lines, "pm_card_visa", at);
    }

    /**
     * {@code order} moved along {@code path} at {@code at} and stored: authorized at the provider when it passes
     * AUTHORIZED (its payment recorded), captured when it passes PAID, as the payment step does. The stock it holds
     * is in the catalog ({@link InMemoryOrderStore#put}).
     */
    public static Order store(InMemoryPorts ports, Order order, Instant at, OrderStatus... path) {
        Order current = order;
        for (OrderStatus next : path) {
            current = current.transitionTo(next, at, "test path");
            if (next == OrderStatus.AUTHORIZED) {
                Authorization authorization = ports.gateway.authorize(PaymentGateway.key(current.orderId(), "authorize"),
                        current.paymentToken(), current.total());
                current = current.withPayment(new PaymentDetails(authorization.paymentId(), authorization.brand(),
                        authorization.last4()));
            }
            if (next == OrderStatus.PAID) {
                ports.gateway.capture(PaymentGateway.key(current.orderId(), "capture"),
                        current.findPayment().orElseThrow().paymentId(), current.total());
            }
        }
        return ports.orders.put(current);
    }

    /** {@link #placed} with {@code capture}, moved along {@code path} at {@code at} and stored. */
    public static Order store(InMemoryPorts ports, String orderId, CapturePolicy capture, Instant at, OrderStatus... path) {
        return store(ports, placed(orderId, at).withCapturePolicy(capture), at, path);
    }

    /** The shortest legal path from PENDING to {@code status}, through the happy path where there is one. */
    public static OrderStatus[] pathTo(OrderStatus status) {
        return switch (status) {
            case PENDING -> new OrderStatus[0];
            case RESERVED -> new OrderStatus[] {OrderStatus.RESERVED};
            case PAYMENT_PENDING -> new OrderStatus[] {OrderStatus.RESERVED, OrderStatus.PAYMENT_PENDING};
            case AUTHORIZED -> new OrderStatus[] {OrderStatus.RESERVED, OrderStatus.AUTHORIZED};
            case PAID -> new OrderStatus[] {OrderStatus.RESERVED, OrderStatus.AUTHORIZED, OrderStatus.PAID};
            case CONFIRMED -> new OrderStatus[] {OrderStatus.RESERVED, OrderStatus.AUTHORIZED, OrderStatus.PAID,
                    OrderStatus.CONFIRMED};
            case FULFILLED -> new OrderStatus[] {OrderStatus.RESERVED, OrderStatus.AUTHORIZED, OrderStatus.PAID,
                    OrderStatus.CONFIRMED, OrderStatus.FULFILLED};
            case REJECTED -> new OrderStatus[] {OrderStatus.REJECTED};
            case PAYMENT_FAILED -> new OrderStatus[] {OrderStatus.RESERVED, OrderStatus.PAYMENT_FAILED};
            case CANCELLING -> new OrderStatus[] {OrderStatus.RESERVED, OrderStatus.CANCELLING};
            case CANCELLED -> new OrderStatus[] {OrderStatus.RESERVED, OrderStatus.CANCELLING, OrderStatus.CANCELLED};
            case EXPIRED -> new OrderStatus[] {OrderStatus.RESERVED, OrderStatus.EXPIRED};
        };
    }
}
