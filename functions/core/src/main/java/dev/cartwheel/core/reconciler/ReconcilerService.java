package dev.cartwheel.core.reconciler;

import dev.cartwheel.core.email.OwedEmails;
import dev.cartwheel.core.expiry.OrderExpiry;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.NudgeSchedule;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.StuckOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Makes sure no order is stuck: finds orders that sat in a non-final status longer than a threshold and
 * sends again the message of the step they wait for. Safe to run any time, as often as wanted: every step
 * ignores a message for an order that already moved on. It repairs, for example, a checkout that died between
 * writing the order and sending {@code OrderPlaced}, or a message that ended in a DLQ after the provider was down.
 * An order still unpaid (PENDING, RESERVED or PAYMENT_PENDING) past its payment timeout is not nudged but expired: it gets
 * {@code ExpiryDue}, which the payment step turns into EXPIRED with its stock released. An order that no step waits for
 * but that still owes an e-mail (its messages went to the DLQ while SES was down) gets {@code EmailsDue}.
 *
 * <p>Every nudge is recorded on the order and defers its next one ({@link NudgeSchedule}: exponential back-off), so
 * orders that fail for good cannot hide the others from a run; after {@link #MAX_NUDGES} nudges without a change an
 * order is parked: logged, counted in every run's report, and nudged no more.
 *
 * <p>It also watches the orders whose payment is held until they ship ({@code CaptureOn=fulfilment}), which are not
 * open and so never nudged: {@link #reviewHolds} counts those whose authorization hold ends within a day (the
 * {@code AuthorizationsNearLapse} alarm: ship or cancel them) and sends {@code ExpiryDue} for those whose hold ends
 * within the hour, which the payment step expires (hold voided, stock released, customer mailed).
 */
public final class ReconcilerService {

    /** Nudges without a change before an order is parked: 10 min, 20, 40, 80, 160, 320 with the default 600 s. */
    public static final int MAX_NUDGES = 6;

    private final OrderStore orders;
    private final StepPublisher publisher;
    private final Clock clock;
    private final NudgeSchedule schedule;
    private final Duration paymentTimeout;
    private final Duration authorizationHold;

    /** What {@link #reviewHolds} found: held orders near their lapse (alerted), and those sent to expire. */
    public record HoldReview(int nearLapse, int expiring) {
    }

    /** What one run did. */
    public record Run(Map<MessageType, Integer> sent, List<String> parkedNow, int parkedTotal) {

        public Run {
            sent = Map.copyOf(sent);
            parkedNow = List.copyOf(parkedNow);
        }
    }

    /**
     * @param stuckAfter     an order unchanged this long is nudged
     * @param paymentTimeout an order unpaid this long after it was placed is expired
     */
    public ReconcilerService(OrderStore orders, StepPublisher publisher, Clock clock, Duration stuckAfter,
                             Duration paymentTimeout) {
        this(orders, publisher, clock, stuckAfter, paymentTimeout, OrderExpiry.DEFAULT_AUTHORIZATION_HOLD);
    }

    /** @param authorizationHold how long the provider holds an authorization ({@code AuthorizationHoldDays}) */
    public ReconcilerService(OrderStore orders, StepPublisher publisher, Clock clock, Duration stuckAfter,
                             Duration paymentTimeout, Duration authorizationHold) {
        this.orders = orders;
        this.publisher = publisher;
        this.clock = clock;
        this.schedule = new NudgeSchedule(stuckAfter, MAX_NUDGES);
        this.paymentTimeout = paymentTimeout;
        this.authorizationHold = authorizationHold;
    }

    /**
     * One pass over at most {@code limit} held orders whose hold ends within {@link OrderExpiry#HOLD_WARNING}: those
     * within {@link OrderExpiry#HOLD_EXPIRY_MARGIN} get {@code ExpiryDue}, the others are counted near their lapse.
     */
    public HoldReview reviewHolds(int limit) {
        java.time.Instant now = clock.instant();
        int nearLapse = 0;
        int expiring = 0;
        for (Order order : orders.findHeld(now.minus(authorizationHold).plus(OrderExpiry.HOLD_WARNING), limit)) {
            if (order.isHoldEndingWithin(authorizationHold, OrderExpiry.HOLD_EXPIRY_MARGIN, now)) {
                publisher.publish(StepMessage.of(MessageType.EXPIRY_DUE, order.orderId(), order.correlationId()));
                expiring++;
            } else if (order.isHoldEndingWithin(authorizationHold, OrderExpiry.HOLD_WARNING, now)) {
                nearLapse++;
            }
        }
        return new HoldReview(nearLapse, expiring);
    }

    /** One pass over at most {@code limit} stuck orders; returns how many messages it sent, by type. */
    public Map<MessageType, Integer> reconcile(int limit) {
        return run(limit).sent();
    }

    /** One pass over at most {@code limit} stuck orders: the messages sent, the orders parked now and in total. */
    public Run run(int limit) {
        Map<MessageType, Integer> sent = new EnumMap<>(MessageType.class);
        List<String> parked = new ArrayList<>();
        Instant now = clock.instant();
        for (StuckOrder stuck : orders.findStuck(now, schedule, limit)) {
            Order order = stuck.order();
            if (stuck.nudges() >= schedule.maxNudges()) {
                if (orders.recordNudge(stuck, now, true)) {
                    parked.add(order.orderId());
                }
                continue;
            }
            MessageType next = next(order, now);
            if (next == null) {
                continue;
            }
            publisher.publish(StepMessage.of(next, order.orderId(), order.correlationId()));
            sent.merge(next, 1, Integer::sum);
            orders.recordNudge(stuck, now, false);
        }
        return new Run(sent, parked, orders.countParked());
    }

    private MessageType next(Order order, Instant now) {
        if (!order.isOpen()) {
            return OwedEmails.isMarked(order) ? MessageType.EMAILS_DUE : null;
        }
        boolean overdue = order.status().isExpirable()
                && !now.isBefore(OrderExpiry.deadline(order.createdAt(), paymentTimeout));
        return overdue ? MessageType.EXPIRY_DUE : switch (order.status()) {
            case PENDING -> MessageType.ORDER_PLACED;
            case RESERVED, PAYMENT_PENDING, AUTHORIZED -> MessageType.STOCK_RESERVED;
            case PAID -> MessageType.ORDER_PAID;
            case CANCELLING -> MessageType.CANCEL_REQUESTED;
            default -> null;
        };
    }
}
