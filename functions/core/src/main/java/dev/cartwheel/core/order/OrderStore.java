package dev.cartwheel.core.order;

import dev.cartwheel.core.exceptions.ConcurrentUpdateException;
import dev.cartwheel.core.exceptions.IdempotencyKeyInUseException;
import dev.cartwheel.core.exceptions.InsufficientStockException;
import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.shipping.ShippingAddress;
import java.util.Optional;

/** Port: where orders and their idempotency records live. */
public interface OrderStore {

    /**
     * Writes a new order and the idempotency record that names it, both or neither.
     *
     * @throws IdempotencyKeyInUseException if the key already has a record
     */
    default void create(Order order, IdempotencyRecord record) {
        create(order, record, null);
    }

    /**
     * Writes a new order, the idempotency record that names it and its shipping address (kept apart from the order:
     * personal data, see {@link ShippingAddress}), all or nothing.
     *
     * @param address {@code null} only for orders placed without one (tests of older orders)
     * @throws IdempotencyKeyInUseException if the key already has a record
     */
    void create(Order order, IdempotencyRecord record, ShippingAddress address);

    /** The order's shipping address, if it has one. */
    Optional<ShippingAddress> findShippingAddress(String orderId);

    /** The shipping addresses of these orders, keyed by order id; orders without one are absent. */
    java.util.Map<String, ShippingAddress> findShippingAddresses(java.util.Collection<String> orderIds);

    /**
     * One page of the orders awaiting shipment ({@link Order#isAwaitingShipment()}) in {@code status}, oldest first (by
     * when they were placed), read from a sparse index, never a table scan; {@code cursor} is {@code null} for the
     * first page and is bound to {@code status}.
     */
    StatusPage listByStatus(OrderStatus status, String cursor, int limit);

    Optional<Order> find(String orderId);

    Optional<IdempotencyRecord> findIdempotencyRecord(String key);

    /** One page of a customer's orders, newest first; {@code cursor} is {@code null} for the first page. */
    OrderPage listByCustomer(String customerId, String cursor, int limit);

    /**
     * How many of a customer's orders are open and unpaid ({@link OrderStatus#isExpirable()}: PENDING, RESERVED,
     * PAYMENT_PENDING), counting no further than {@code atMost}.
     */
    int countOpenUnpaid(String customerId, int atMost);

    /**
     * The orders the reconciler has work for, at most {@code limit}: open orders ({@link Order#isOpen()}) and orders
     * that owe an e-mail ({@link dev.cartwheel.core.email.OwedEmails#isMarked}), each with its nudge count, whose last
     * change is older than {@link NudgeSchedule#dueBefore} for that count. Never an order parked after
     * {@link NudgeSchedule#maxNudges()} nudges. Orders nudged fewer times come first, so orders that keep failing cannot
     * hide the others. Read from a sparse index of such orders, never a table scan.
     */
    java.util.List<StuckOrder> findStuck(java.time.Instant now, NudgeSchedule schedule, int limit);

    /**
     * Records on the order that the reconciler nudged it once more ({@code stuck.nudges() + 1}), which defers its next
     * nudge (see {@link NudgeSchedule}); with {@code park} it is parked instead: reported by {@link #countParked()} and
     * nudged no more. Changes neither the order's version nor its status; any real change of the order later undoes
     * it. Returns false (and writes nothing) if the order changed since it was read.
     */
    boolean recordNudge(StuckOrder stuck, java.time.Instant at, boolean park);

    /** How many orders are parked: they failed every nudge and wait for a human. */
    int countParked();

    /**
     * Removes the "e-mails owed" mark of an order at exactly this version, once the e-mail step saw every e-mail
     * its state calls for sent. Does nothing if the order moved on (its new state carries its own mark) or has none.
     */
    void clearEmailsOwed(Order order);

    /**
     * Orders waiting for their fulfilment with their payment held ({@link Order#isAwaitingFulfilment()}) whose last
     * change (their authorization: nothing else writes a held order) is older than {@code updatedBefore}, at most
     * {@code limit}. Read from a sparse index of held orders, never a table scan.
     */
    java.util.List<Order> findHeld(java.time.Instant updatedBefore, int limit);

    /**
     * Persists a status change with its stock movements in one transaction.
     *
     * @throws StaleOrderException        if the stored order is no longer at {@code transition.before()}'s version
     * @throws InsufficientStockException if a {@link StockMovement.Kind#RESERVE} finds too little stock
     * @throws ConcurrentUpdateException  if the transaction lost a race worth retrying
     */
    void apply(OrderTransition transition);
}
