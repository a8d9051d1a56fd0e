package dev.cartwheel.core.fulfilment;

import dev.cartwheel.core.audit.Actor;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.exceptions.OrderNotFoundException;
import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.Fulfilment;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.Retry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /orders/{orderId}/fulfilment} (admins, the warehouse): the warehouse asks to ship the order. Conditional on
 * the version read, so against a racing cancellation exactly one wins: a fulfilled order can no longer be cancelled,
 * and a cancelling one can no longer be fulfilled.
 * <ul>
 *   <li>CONFIRMED: moves to FULFILLED at once; no money moves; {@code OrderFulfilled} tells the e-mail step to send
 *       the shipping notice.</li>
 *   <li>PAID (the confirmation e-mail is on its way): recorded; the e-mail step moves it on to FULFILLED and sends
 *       the shipping notice.</li>
 *   <li>AUTHORIZED (captured on fulfilment, or a capture about to happen): recorded, and {@code FulfilmentRecorded}
 *       tells the payment step to capture; PAID, CONFIRMED and FULFILLED follow if the capture succeeds,
 *       PAYMENT_FAILED (stock released) if the provider refuses it. The warehouse does not ship yet: it ships on
 *       FULFILLED ({@code order.fulfilled}) and drops the order on PAYMENT_FAILED ({@code order.payment_failed}).</li>
 * </ul>
 * So no order is FULFILLED, the only status that means "ship it", unless its payment is captured. Asking again for an
 * order whose capture failed is {@code 409 order-not-fulfillable}. Who asked is recorded ({@link Actor}).
 * Recording it again returns the recorded fulfilment (with its first tracking number) and re-sends the message, so a
 * client retry also repairs a crash between the write and the send.
 */
public final class FulfilmentService {

    public static final int MAX_TRACKING_NUMBER_LENGTH = 100;
    private static final Set<OrderStatus> FULFILLABLE = Set.of(OrderStatus.AUTHORIZED, OrderStatus.PAID, OrderStatus.CONFIRMED);
    private static final Set<OrderStatus> FULFILLED_OR_ON_THE_WAY = Set.of(OrderStatus.AUTHORIZED, OrderStatus.PAID,
            OrderStatus.CONFIRMED, OrderStatus.FULFILLED);
    private static final int ATTEMPTS = 5;

    private final OrderStore orders;
    private final StepPublisher publisher;
    private final Clock clock;

    public FulfilmentService(OrderStore orders, StepPublisher publisher, Clock clock) {
        this.orders = orders;
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * @param trackingNumber the carrier's tracking number, {@code null} for none
     * @return the order with its fulfilment recorded
     * @throws OrderNotFoundException  if there is no such order
     * @throws InvalidRequestException 400 for a bad tracking number, 409 {@code order-not-fulfillable} unless the
     *                                 order is AUTHORIZED, PAID or CONFIRMED (or already fulfilled)
     */
    public Order fulfil(String orderId, String trackingNumber) {
        return fulfil(orderId, trackingNumber, null);
    }

    /** {@link #fulfil(String, String)} asked for by {@code actor} (recorded with the fulfilment; {@code null}: none). */
    public Order fulfil(String orderId, String trackingNumber, Actor actor) {
        validate(trackingNumber);
        for (int attempt = 1; ; attempt++) {
            Order order = orders.find(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
            if (order.findFulfilment().isPresent() && !FULFILLED_OR_ON_THE_WAY.contains(order.status())) {
                throw new InvalidRequestException(Problem.ORDER_NOT_FULFILLABLE, "orderId", "order " + orderId + " is "
                        + order.status() + ": its payment could not be captured; do not ship it");
            }
            if (order.findFulfilment().isPresent()) {
                sendNext(order);
                return order;
            }
            if (!FULFILLABLE.contains(order.status())) {
                throw new InvalidRequestException(Problem.ORDER_NOT_FULFILLABLE, "orderId", "order " + orderId + " is "
                        + order.status() + "; only AUTHORIZED, PAID or CONFIRMED orders can be fulfilled");
            }
            // millisecond precision, as stored: the first answer and every repeat show the same recordedAt
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Order recorded = order.withFulfilmentRecorded(new Fulfilment(trackingNumber, now, actor), now);
            if (recorded.isIn(OrderStatus.CONFIRMED)) {
                recorded = recorded.transitionTo(OrderStatus.FULFILLED, now, "fulfilled");
            }
            Order written = recorded;
            try {
                Retry.onConflict(() -> {
                    orders.apply(new OrderTransition(order, written, List.of()));
                    return written;
                });
            } catch (StaleOrderException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                continue;
            }
            sendNext(written);
            return written;
        }
    }

    /** What the fulfilment sets off: the capture of an authorized order, the shipping notice of a fulfilled one. */
    private void sendNext(Order order) {
        if (order.isIn(OrderStatus.AUTHORIZED)) {
            publisher.publish(StepMessage.of(MessageType.FULFILMENT_RECORDED, order.orderId(), order.correlationId()));
        } else if (order.isIn(OrderStatus.FULFILLED)) {
            publisher.publish(StepMessage.of(MessageType.ORDER_FULFILLED, order.orderId(), order.correlationId()));
        }
    }

    private static void validate(String trackingNumber) {
        if (trackingNumber != null && (trackingNumber.isBlank() || trackingNumber.length() > MAX_TRACKING_NUMBER_LENGTH
                || trackingNumber.chars().anyMatch(Character::isISOControl))) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "/trackingNumber",
                    "trackingNumber must be 1 to " + MAX_TRACKING_NUMBER_LENGTH + " printable characters");
        }
    }
}
