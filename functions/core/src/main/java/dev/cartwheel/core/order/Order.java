package dev.cartwheel.core.order;

import dev.cartwheel.core.money.Money;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An order. Immutable: a status change returns a new order with the change appended to its history
 * and its version incremented. The only way to change the status is {@link #transitionTo}, which
 * refuses every transition {@link OrderStatus} does not list.
 *
 * @param email        the customer's address, taken from the token's {@code email} claim only
 * @param paymentToken the provider token the customer paid with (a token, never card data)
 * @param payment      the provider's payment reference once authorized, else {@code null}
 * @param unavailableSkus the SKUs that were short when the order was rejected, else empty
 */
public record Order(
        String orderId,
        String customerId,
        String email,
        String correlationId,
        List<OrderLine> lines,
        Money total,
        String paymentToken,
        OrderStatus status,
        long version,
        Instant createdAt,
        Instant updatedAt,
        List<StatusChange> history,
        PaymentDetails payment,
        List<String> unavailableSkus) {

    public Order {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(paymentToken, "paymentToken");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        lines = List.copyOf(lines);
        history = List.copyOf(history);
        unavailableSkus = List.copyOf(unavailableSkus);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("an order has at least one line");
        }
    }

    /** A new order in {@link OrderStatus#PENDING}, totalled from its lines. */
    public static Order place(String orderId, String customerId, String email, String correlationId,
                              List<OrderLine> lines, String paymentToken, Instant at) {
        Money total = lines.stream().map(OrderLine::lineTotal).reduce(Money::plus)
                .orElseThrow(() -> new IllegalArgumentException("an order has at least one line"));
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken,
                OrderStatus.PENDING, 1, at, at,
                List.of(new StatusChange(OrderStatus.PENDING, at, "order placed")), null, List.of());
    }

    /**
     * This order moved to {@code target}.
     *
     * @throws IllegalTransitionException if the current status cannot reach {@code target}
     */
    public Order transitionTo(OrderStatus target, Instant at, String reason) {
        if (!status.canTransitionTo(target)) {
            throw new IllegalTransitionException(orderId, status, target);
        }
        List<StatusChange> newHistory = new ArrayList<>(history);
        newHistory.add(new StatusChange(target, at, reason));
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, target,
                version + 1, createdAt, at, newHistory, payment, unavailableSkus);
    }

    public Order withPayment(PaymentDetails details) {
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, status,
                version, createdAt, updatedAt, history, details, unavailableSkus);
    }

    public Order withUnavailableSkus(List<String> skus) {
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, status,
                version, createdAt, updatedAt, history, payment, skus);
    }

    public Optional<PaymentDetails> findPayment() {
        return Optional.ofNullable(payment);
    }

    /** The status the order has been in since {@link #updatedAt()}. */
    public boolean isIn(OrderStatus candidate) {
        return status == candidate;
    }
}
