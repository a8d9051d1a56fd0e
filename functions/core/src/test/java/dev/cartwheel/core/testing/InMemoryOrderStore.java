package dev.cartwheel.core.testing;

import dev.cartwheel.core.email.OwedEmails;
import dev.cartwheel.core.exceptions.IdempotencyKeyInUseException;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.order.IdempotencyRecord;
import dev.cartwheel.core.order.NudgeSchedule;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderPage;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.OrderSummary;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.StatusPage;
import dev.cartwheel.core.order.StockMovement;
import dev.cartwheel.core.order.StuckOrder;
import dev.cartwheel.core.shipping.ShippingAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Orders in memory with the semantics of the DynamoDB store that the services rely on: a write is applied only at the
 * version read ({@link StaleOrderException} otherwise), together with its stock movements, all or nothing (a short
 * reservation is an {@link dev.cartwheel.core.exceptions.InsufficientStockException} and writes nothing); an
 * idempotency key names one order ({@link IdempotencyKeyInUseException}); the reconciler's sparse index holds exactly
 * the open orders, the held ones and those owing e-mails, each write resets its nudges, a nudge or the clearing of the
 * e-mail mark is conditional on the version.
 */
public final class InMemoryOrderStore implements OrderStore {

    /** An order's entry in the reconciler's index: why it is there, how often it was nudged, whether it is parked. */
    private record Mark(Kind kind, int nudges, boolean parked) {
        enum Kind { OPEN, HOLD, MAIL }
    }

    private final InMemoryCatalog stock;
    private final Map<String, Order> orders = new LinkedHashMap<>();
    private final Map<String, IdempotencyRecord> idempotency = new HashMap<>();
    private final Map<String, ShippingAddress> addresses = new HashMap<>();
    private final Map<String, Mark> marks = new HashMap<>();
    private final List<StockMovement> movements = new ArrayList<>();
    private final List<Order> written = new ArrayList<>();
    private Consumer<InMemoryOrderStore> beforeNextApply;

    public InMemoryOrderStore(InMemoryCatalog stock) {
        this.stock = stock;
    }

    // ---- test set-up and inspection ----

    /**
     * Stores {@code order} as if the steps had brought it there, replacing any stored order of that id: the stock it
     * holds (reserved while RESERVED to AUTHORIZED, sold once PAID) moves with it in the catalog, so later movements
     * find the units they need. Counts as no write.
     */
    public synchronized Order put(Order order) {
        Order before = orders.get(order.orderId());
        if (before != null) {
            holdStock(before, -1);
        }
        holdStock(order, 1);
        orders.put(order.orderId(), order);
        mark(order);
        return order;
    }

    /** Runs {@code action} (e.g. another writer's {@link #put}) just before the next {@link #apply}'s version check. */
    public synchronized void beforeNextApply(Consumer<InMemoryOrderStore> action) {
        this.beforeNextApply = action;
    }

    /** How many transitions were applied. */
    public synchronized int writes() {
        return written.size();
    }

    /** Every order written by {@link #apply}, in order. */
    public synchronized List<Order> written() {
        return List.copyOf(written);
    }

    /** Every stock movement applied, in order. */
    public synchronized List<StockMovement> movements() {
        return List.copyOf(movements);
    }

    /** The stored order. */
    public synchronized Order order(String orderId) {
        return find(orderId).orElseThrow(() -> new IllegalArgumentException("no order " + orderId + " in the fake store"));
    }

    /** Every stored order, in the order they were first stored. */
    public synchronized List<Order> all() {
        return List.copyOf(orders.values());
    }

    /** How often the reconciler nudged the order since its last change (0 if it is not in the index). */
    public synchronized int nudges(String orderId) {
        Mark mark = marks.get(orderId);
        return mark == null ? 0 : mark.nudges();
    }

    /** Whether the order carries the "e-mails owed" mark. */
    public synchronized boolean owesEmails(String orderId) {
        Mark mark = marks.get(orderId);
        return mark != null && mark.kind() == Mark.Kind.MAIL;
    }

    /** Whether the reconciler parked the order. */
    public synchronized boolean isParked(String orderId) {
        Mark mark = marks.get(orderId);
        return mark != null && mark.parked();
    }

    // ---- the port ----

    @Override
    public synchronized void create(Order order, IdempotencyRecord record, ShippingAddress address) {
        if (idempotency.containsKey(record.key())) {
            throw new IdempotencyKeyInUseException(record.key());
        }
        if (orders.containsKey(order.orderId())) {
            throw new IllegalStateException("order id " + order.orderId() + " is taken: the test's ids repeat");
        }
        idempotency.put(record.key(), record);
        orders.put(order.orderId(), order);
        if (address != null) {
            addresses.put(order.orderId(), address);
        }
        mark(order);
    }

    @Override
    public synchronized Optional<ShippingAddress> findShippingAddress(String orderId) {
        return Optional.ofNullable(addresses.get(orderId));
    }

    @Override
    public synchronized Map<String, ShippingAddress> findShippingAddresses(Collection<String> orderIds) {
        Map<String, ShippingAddress> found = new HashMap<>();
        orderIds.forEach(id -> {
            if (addresses.containsKey(id)) {
                found.put(id, addresses.get(id));
            }
        });
        return found;
    }

    @Override
    public synchronized StatusPage listByStatus(OrderStatus status, String cursor, int limit) {
        Comparator<Order> oldestFirst = Comparator.comparing(Order::createdAt).thenComparing(Order::orderId);
        List<Order> queue = orders.values().stream()
                .filter(order -> order.status() == status && order.isAwaitingShipment()).sorted(oldestFirst).toList();
        int from = cursor == null ? 0 : after(queue.stream().map(Order::orderId).toList(), cursor, status.name());
        List<Order> page = queue.subList(from, Math.min(queue.size(), from + limit));
        return new StatusPage(page, from + limit < queue.size() ? cursor(status.name(), page.getLast().orderId()) : null);
    }

    @Override
    public synchronized Optional<Order> find(String orderId) {
        return Optional.ofNullable(orders.get(orderId));
    }

    @Override
    public synchronized Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
        return Optional.ofNullable(idempotency.get(key));
    }

    @Override
    public synchronized OrderPage listByCustomer(String customerId, String cursor, int limit) {
        Comparator<Order> newestFirst = Comparator.comparing(Order::createdAt).thenComparing(Order::orderId).reversed();
        List<Order> mine = orders.values().stream().filter(order -> order.customerId().equals(customerId))
                .sorted(newestFirst).toList();
        int from = cursor == null ? 0 : after(mine.stream().map(Order::orderId).toList(), cursor, customerId);
        List<Order> page = mine.subList(from, Math.min(mine.size(), from + limit));
        return new OrderPage(page.stream().map(order -> new OrderSummary(order.orderId(), order.status(), order.createdAt(),
                order.total())).toList(), from + limit < mine.size() ? cursor(customerId, page.getLast().orderId()) : null);
    }

    @Override
    public synchronized int countOpenUnpaid(String customerId, int atMost) {
        return (int) Math.min(atMost, orders.values().stream()
                .filter(order -> order.customerId().equals(customerId) && order.status().isExpirable()).count());
    }

    @Override
    public synchronized List<StuckOrder> findStuck(Instant now, NudgeSchedule schedule, int limit) {
        return orders.values().stream()
                .filter(order -> marks.containsKey(order.orderId()))
                .map(order -> new StuckOrder(order, marks.get(order.orderId()).nudges()))
                .filter(stuck -> {
                    Mark mark = marks.get(stuck.order().orderId());
                    return mark.kind() != Mark.Kind.HOLD && !mark.parked()
                            && stuck.order().updatedAt().isBefore(schedule.dueBefore(now, stuck.nudges()));
                })
                .sorted(Comparator.comparingInt(StuckOrder::nudges).thenComparing(stuck -> stuck.order().updatedAt()))
                .limit(limit).toList();
    }

    @Override
    public synchronized boolean recordNudge(StuckOrder stuck, Instant at, boolean park) {
        String orderId = stuck.order().orderId();
        Order stored = orders.get(orderId);
        Mark mark = marks.get(orderId);
        if (stored == null || mark == null || stored.version() != stuck.order().version()) {
            return false;
        }
        marks.put(orderId, new Mark(mark.kind(), stuck.nudges() + (park ? 0 : 1), park));
        return true;
    }

    @Override
    public synchronized int countParked() {
        return (int) marks.values().stream().filter(Mark::parked).count();
    }

    @Override
    public synchronized void clearEmailsOwed(Order order) {
        Order stored = orders.get(order.orderId());
        Mark mark = marks.get(order.orderId());
        if (stored != null && mark != null && mark.kind() != Mark.Kind.HOLD && stored.version() == order.version()) {
            marks.remove(order.orderId());
        }
    }

    @Override
    public synchronized List<Order> findHeld(Instant updatedBefore, int limit) {
        return orders.values().stream()
                .filter(order -> marks.containsKey(order.orderId()) && marks.get(order.orderId()).kind() == Mark.Kind.HOLD)
                .filter(Order::isAwaitingFulfilment)
                .filter(order -> order.updatedAt().isBefore(updatedBefore))
                .limit(limit).toList();
    }

    @Override
    public synchronized void apply(OrderTransition transition) {
        if (beforeNextApply != null) {
            Consumer<InMemoryOrderStore> action = beforeNextApply;
            beforeNextApply = null;
            action.accept(this);
        }
        Order stored = orders.get(transition.before().orderId());
        if (stored == null || stored.version() != transition.before().version()) {
            throw new StaleOrderException(transition.before().orderId());
        }
        stock.move(transition.movements());
        orders.put(stored.orderId(), transition.after());
        movements.addAll(transition.movements());
        written.add(transition.after());
        mark(transition.after());
    }

    // ---- internals ----

    /** Every write puts the order in the index as its state says, with no nudges: a real change undoes them. */
    private void mark(Order order) {
        Mark.Kind kind = order.isOpen() ? Mark.Kind.OPEN
                : order.isAwaitingFulfilment() ? Mark.Kind.HOLD
                : OwedEmails.isMarked(order) ? Mark.Kind.MAIL : null;
        if (kind == null) {
            marks.remove(order.orderId());
        } else {
            marks.put(order.orderId(), new Mark(kind, 0, false));
        }
    }

    private void holdStock(Order order, int sign) {
        OrderStatus where = order.status();
        if (where == OrderStatus.CANCELLING) {
            where = order.findCancellation().filter(cancellation -> !cancellation.stockReturned())
                    .map(cancellation -> cancellation.from()).orElse(OrderStatus.CANCELLED);
        }
        boolean reserved = where == OrderStatus.RESERVED || where == OrderStatus.PAYMENT_PENDING
                || where == OrderStatus.AUTHORIZED;
        boolean sold = where == OrderStatus.PAID || where == OrderStatus.CONFIRMED || where == OrderStatus.FULFILLED;
        for (OrderLine line : order.lines()) {
            long q = (long) sign * line.quantity();
            stock.hold(line.sku(), line.name(), line.unitPrice(), reserved ? q : 0, sold ? q : 0);
        }
    }

    private static String cursor(String scope, String lastOrderId) {
        return scope + "|" + lastOrderId;
    }

    private static int after(List<String> orderIds, String cursor, String scope) {
        String prefix = scope + "|";
        int at = cursor.startsWith(prefix) ? orderIds.indexOf(cursor.substring(prefix.length())) : -1;
        if (at < 0) {
            throw new InvalidRequestException(InvalidRequestException.Problem.INVALID_CURSOR, "cursor",
                    "cursor is not one this API returned for this query");
        }
        return at + 1;
    }
}
