package dev.cartwheel.core.cancellation;

import dev.cartwheel.core.checkout.Caller;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.exceptions.OrderNotFoundException;
import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.Retry;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code POST /orders/{orderId}/cancel}: records the owner's cancellation (CANCELLING, conditional on the version
 * read, so it either wins against the pipeline's next write or re-reads and decides again) and sends
 * {@code CancelRequested}, which drives the {@link CancellationSaga}. Cancelling again returns the recorded
 * cancellation and re-sends the message (the saga ignores what is done), so a client retry also repairs a crash
 * between the write and the send.
 */
public final class CancellationService {

    /** The reason recorded when the customer gives none. */
    public static final String DEFAULT_REASON = "cancelled by the customer";
    public static final int MAX_REASON_LENGTH = 500;
    private static final int ATTEMPTS = 5;

    private final OrderStore orders;
    private final StepPublisher publisher;
    private final Clock clock;

    public CancellationService(OrderStore orders, StepPublisher publisher, Clock clock) {
        this.orders = orders;
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * Cancels the caller's order; returns it with its cancellation recorded (CANCELLING or already CANCELLED).
     *
     * @param reason the customer's reason, {@code null} for the default
     * @throws OrderNotFoundException  if the caller has no such order
     * @throws InvalidRequestException {@code order-not-cancellable} (409) if the order already ended otherwise or is
     *                                 fulfilled
     */
    public Order cancel(Caller caller, String orderId, String reason) {
        String why = validateReason(reason);
        for (int attempt = 1; ; attempt++) {
            Order order = orders.find(orderId)
                    .filter(found -> found.customerId().equals(caller.customerId()))
                    .orElseThrow(() -> new OrderNotFoundException(orderId));
            if (order.isIn(OrderStatus.CANCELLING) || order.isIn(OrderStatus.CANCELLED)) {
                if (order.isIn(OrderStatus.CANCELLING)) {
                    send(order);
                }
                return order;
            }
            if (!order.isCancellable()) {
                String state = order.findFulfilment().isPresent() ? "fulfilled" : order.status().toString();
                throw new InvalidRequestException(Problem.ORDER_NOT_CANCELLABLE, "orderId",
                        "order " + orderId + " is " + state + " and can no longer be cancelled");
            }
            // millisecond precision, as stored: the first answer and every repeat show the same requestedAt
            Order cancelling = order.requestCancellation(why, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    caller.actor());
            try {
                Retry.onConflict(() -> {
                    orders.apply(new OrderTransition(order, cancelling, List.of()));
                    return cancelling;
                });
            } catch (StaleOrderException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                continue;
            }
            send(cancelling);
            return cancelling;
        }
    }

    private static String validateReason(String reason) {
        if (reason == null) {
            return DEFAULT_REASON;
        }
        if (reason.isBlank() || reason.length() > MAX_REASON_LENGTH || reason.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "/reason",
                    "reason must be 1 to " + MAX_REASON_LENGTH + " printable characters");
        }
        return reason.strip();
    }

    private void send(Order order) {
        publisher.publish(StepMessage.of(MessageType.CANCEL_REQUESTED, order.orderId(), order.correlationId()));
    }
}
