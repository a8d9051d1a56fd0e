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
     * Open orders ({@link Order#isOpen()}) whose last change is older than {@code updatedBefore}, oldest first within
     * each index shard, at most {@code limit}. Read from a sparse index of open orders, never a table scan.
     */
    java.util.List<Order> findStuck(java.time.Instant updatedBefore, int limit);

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
