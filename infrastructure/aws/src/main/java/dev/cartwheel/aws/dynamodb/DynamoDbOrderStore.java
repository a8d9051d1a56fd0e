package dev.cartwheel.aws.dynamodb;

import static dev.cartwheel.aws.dynamodb.Attributes.n;
import static dev.cartwheel.aws.dynamodb.Attributes.s;
import static dev.cartwheel.aws.dynamodb.Attributes.string;

import dev.cartwheel.core.exceptions.ConcurrentUpdateException;
import dev.cartwheel.core.exceptions.IdempotencyKeyInUseException;
import dev.cartwheel.core.exceptions.InsufficientStockException;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.order.IdempotencyRecord;
import dev.cartwheel.core.order.NudgeSchedule;
import dev.cartwheel.core.order.StuckOrder;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderPage;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderSummary;
import dev.cartwheel.core.order.StatusPage;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.shipping.ShippingAddress;
import java.util.Collection;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import dev.cartwheel.core.order.OrderTransition;
import dev.cartwheel.core.order.StockMovement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;

/**
 * Orders in DynamoDB: one item per order keyed by {@code orderId} (GSI {@code byCustomer} for listing),
 * idempotency records in the idempotency table, stock counters in the products table. Every status change
 * is conditional on the version read, and travels with its stock movements in one {@code TransactWriteItems}.
 *
 * <p>Longer than 400 lines on purpose: it is the one class that turns the core's {@code OrderStore} port into
 * DynamoDB requests (the transaction builders, the index queries and their paging, the retry of throttled calls);
 * the item shapes themselves live in {@link OrderItems}.
 */
public final class DynamoDbOrderStore implements OrderStore {

    public static final String BY_CUSTOMER_INDEX = "byCustomer";
    public static final String OPEN_ORDERS_INDEX = "openOrders";
    /**
     * The prefix of every key this store writes to the shared idempotency table; template.yaml limits the checkout
     * role to it ({@code dynamodb:LeadingKeys}), and TemplateIT checks the two agree.
     */
    public static final String IDEMPOTENCY_KEY_PREFIX = "checkout#";

    /**
     * Sparse: the orders awaiting shipment by status, oldest first: the fulfilment queue
     * ({@code GET /admin/orders?status=CONFIRMED}), admins only.
     */
    public static final String FULFILMENT_QUEUE_INDEX = "fulfilmentQueue";

    private final DynamoDbClient dynamoDb;
    private final String ordersTable;
    private final String productsTable;
    private final String idempotencyTable;
    private final String addressesTable;

    /** A store for steps that neither create orders nor read their addresses. */
    public DynamoDbOrderStore(DynamoDbClient dynamoDb, String ordersTable, String productsTable, String idempotencyTable) {
        this(dynamoDb, ordersTable, productsTable, idempotencyTable, null);
    }

    /**
     * @param idempotencyTable may be {@code null} for steps that never create orders
     * @param productsTable    may be {@code null} for steps that never move stock
     * @param addressesTable   the shipping addresses table; {@code null} for steps that never write or read an address
     */
    public DynamoDbOrderStore(DynamoDbClient dynamoDb, String ordersTable, String productsTable, String idempotencyTable,
                              String addressesTable) {
        this.dynamoDb = dynamoDb;
        this.ordersTable = ordersTable;
        this.productsTable = productsTable;
        this.idempotencyTable = idempotencyTable;
        this.addressesTable = addressesTable;
    }

    @Override
    public void create(Order order, IdempotencyRecord record, ShippingAddress address) {
        Map<String, AttributeValue> key = new HashMap<>();
        key.put("pk", s(IDEMPOTENCY_KEY_PREFIX + record.key()));
        key.put("requestHash", s(record.requestHash()));
        key.put("orderId", s(record.orderId()));
        key.put("expiresAt", n(record.expiresAt().getEpochSecond()));
        List<TransactWriteItem> writes = new ArrayList<>(List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(idempotencyTable).item(key)
                        .conditionExpression("attribute_not_exists(pk)").build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(ordersTable).item(OrderItems.toItem(order))
                        .conditionExpression("attribute_not_exists(orderId)").build()).build()));
        if (address != null) {
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(requireAddressesTable())
                    .item(ShippingAddressItems.toItem(order.orderId(), address))
                    .conditionExpression("attribute_not_exists(orderId)").build()).build());
        }
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(writes));
        } catch (TransactionCanceledException e) {
            if (failed(e, 0)) {
                throw new IdempotencyKeyInUseException(record.key());
            }
            throw conflict("creating order " + order.orderId(), e);
        } catch (TransactionConflictException e) {
            throw conflict("creating order " + order.orderId(), e);
        }
    }

    @Override
    public Optional<Order> find(String orderId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(ordersTable)
                .key(Map.of("orderId", s(orderId))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(OrderItems.fromItem(item));
    }

    @Override
    public Optional<IdempotencyRecord> findIdempotencyRecord(String key) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(idempotencyTable)
                .key(Map.of("pk", s(IDEMPOTENCY_KEY_PREFIX + key))).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new IdempotencyRecord(key, string(item, "requestHash"), string(item, "orderId"),
                java.time.Instant.ofEpochSecond(Attributes.number(item, "expiresAt"))));
    }

    @Override
    public OrderPage listByCustomer(String customerId, String cursor, int limit) {
        Map<String, AttributeValue> startKey = cursor == null ? null : decodeCursor(cursor, customerId);
        QueryResponse response = dynamoDb.query(b -> b.tableName(ordersTable).indexName(BY_CUSTOMER_INDEX)
                .keyConditionExpression("customerId = :c")
                .expressionAttributeValues(Map.of(":c", s(customerId)))
                .scanIndexForward(false)
                .limit(limit)
                .exclusiveStartKey(startKey));
        List<OrderSummary> orders = response.items().stream().map(OrderItems::summary).toList();
        Map<String, AttributeValue> last = response.lastEvaluatedKey();
        String next = last == null || last.isEmpty() ? null : encodeCursor(last);
        return new OrderPage(orders, next);
    }

    /**
     * Queries every partition of the sparse index the reconciler has work in: {@code open#N} and {@code mail#N} for
     * orders never nudged since their last change, {@code retry#K} for orders nudged K times (each with its own
     * back-off cut-off on {@code updatedAt}), and takes them round-robin, so no partition, however full of orders that
     * keep failing, hides another's.
     */
    @Override
    public int countOpenUnpaid(String customerId, int atMost) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":c", s(customerId));
        List<String> placeholders = new ArrayList<>();
        for (OrderStatus status : OrderStatus.values()) {
            if (status.isExpirable()) {
                values.put(":" + status.name(), s(status.name()));
                placeholders.add(":" + status.name());
            }
        }
        int count = 0;
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> start = startKey;
            QueryResponse response = dynamoDb.query(b -> b.tableName(ordersTable).indexName(BY_CUSTOMER_INDEX)
                    .keyConditionExpression("customerId = :c")
                    .filterExpression("#status IN (" + String.join(", ", placeholders) + ")")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)
                    .scanIndexForward(false)
                    .select(Select.COUNT)
                    .exclusiveStartKey(start));
            count += response.count();
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (startKey != null && count < atMost);
        return Math.min(count, atMost);
    }

    @Override
    public Optional<ShippingAddress> findShippingAddress(String orderId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(requireAddressesTable())
                .key(Map.of("orderId", s(orderId))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ShippingAddressItems.fromItem(item));
    }

    @Override
    public Map<String, ShippingAddress> findShippingAddresses(Collection<String> orderIds) {
        Map<String, ShippingAddress> found = new HashMap<>();
        if (orderIds.isEmpty()) {
            return found;
        }
        String table = requireAddressesTable();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().consistentRead(true)
                .keys(orderIds.stream().distinct().map(id -> Map.of("orderId", s(id))).toList()).build());
        // BatchGetItem may return part of the keys as unprocessed under load: ask again for those.
        for (int attempt = 0; !request.isEmpty() && attempt < 10; attempt++) {
            Map<String, KeysAndAttributes> pending = request;
            BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(pending));
            response.responses().getOrDefault(table, List.of())
                    .forEach(item -> found.put(string(item, "orderId"), ShippingAddressItems.fromItem(item)));
            request = response.unprocessedKeys();
        }
        if (!request.isEmpty()) {
            throw new IllegalStateException("shipping address read did not complete");
        }
        return found;
    }

    @Override
    public StatusPage listByStatus(OrderStatus status, String cursor, int limit) {
        Map<String, AttributeValue> startKey = cursor == null ? null : decodeStatusCursor(cursor, status);
        QueryResponse response = dynamoDb.query(b -> b.tableName(ordersTable).indexName(FULFILMENT_QUEUE_INDEX)
                .keyConditionExpression("#queue = :s")
                .expressionAttributeNames(Map.of("#queue", OrderItems.SHIPMENT_QUEUE))
                .expressionAttributeValues(Map.of(":s", s(status.name())))
                .scanIndexForward(true)
                .limit(limit)
                .exclusiveStartKey(startKey));
        List<Order> orders = response.items().stream().map(OrderItems::fromItem).toList();
        Map<String, AttributeValue> last = response.lastEvaluatedKey();
        String next = last == null || last.isEmpty() ? null : encodeStatusCursor(last);
        return new StatusPage(orders, next);
    }

    private String requireAddressesTable() {
        if (addressesTable == null) {
            throw new IllegalStateException("this store was built without the shipping addresses table");
        }
        return addressesTable;
    }

    /** The fulfilment queue's cursor: the status it lists (so it cannot page another), then where the page ended. */
    private static String encodeStatusCursor(Map<String, AttributeValue> key) {
        String raw = "queue\n" + string(key, OrderItems.SHIPMENT_QUEUE) + "\n" + string(key, "createdAt") + "\n"
                + string(key, "orderId");
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, AttributeValue> decodeStatusCursor(String cursor, OrderStatus status) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 4 || !parts[0].equals("queue") || !parts[1].equals(status.name())
                || !parts[3].startsWith("ord_")) {
            throw new InvalidRequestException(InvalidRequestException.Problem.INVALID_CURSOR, "cursor",
                    "cursor is not one this API returned for this query");
        }
        return Map.of(OrderItems.SHIPMENT_QUEUE, s(parts[1]), "createdAt", s(parts[2]), "orderId", s(parts[3]));
    }

    @Override
    public List<Order> findHeld(java.time.Instant updatedBefore, int limit) {
        List<Order> held = new ArrayList<>();
        for (int shard = 0; shard < OrderItems.OPEN_SHARDS && held.size() < limit; shard++) {
            java.util.Iterator<Map<String, AttributeValue>> keys = dueKeys(OrderItems.HOLD_PREFIX + shard, updatedBefore,
                    limit - held.size());
            while (keys.hasNext()) {
                find(string(keys.next(), "orderId")).filter(Order::isAwaitingFulfilment).ifPresent(held::add);
            }
        }
        return held;
    }

    @Override
    public List<StuckOrder> findStuck(java.time.Instant now, NudgeSchedule schedule, int limit) {
        List<java.util.Iterator<Map<String, AttributeValue>>> partitions = new ArrayList<>();
        for (int shard = 0; shard < OrderItems.OPEN_SHARDS; shard++) {
            partitions.add(dueKeys("open#" + shard, schedule.dueBefore(now, 0), limit));
            partitions.add(dueKeys("mail#" + shard, schedule.dueBefore(now, 0), limit));
        }
        for (int nudges = 1; nudges <= schedule.maxNudges(); nudges++) {
            partitions.add(dueKeys(OrderItems.retryShard(nudges), schedule.dueBefore(now, nudges), limit));
        }
        List<StuckOrder> stuck = new ArrayList<>();
        boolean more = true;
        while (stuck.size() < limit && more) {
            more = false;
            for (java.util.Iterator<Map<String, AttributeValue>> keys : partitions) {
                if (stuck.size() < limit && keys.hasNext()) {
                    more = true;
                    Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(ordersTable)
                            .key(Map.of("orderId", keys.next().get("orderId"))).consistentRead(true)).item();
                    if (item != null && item.containsKey(OrderItems.OPEN_SHARD)
                            && !OrderItems.PARKED_SHARD.equals(string(item, OrderItems.OPEN_SHARD))) {
                        stuck.add(new StuckOrder(OrderItems.fromItem(item),
                                item.containsKey(OrderItems.NUDGES) ? (int) Attributes.number(item, OrderItems.NUDGES) : 0));
                    }
                }
            }
        }
        return stuck;
    }

    private java.util.Iterator<Map<String, AttributeValue>> dueKeys(String partition, java.time.Instant before, int limit) {
        return dynamoDb.query(b -> b.tableName(ordersTable).indexName(OPEN_ORDERS_INDEX)
                        .keyConditionExpression("openShard = :shard AND updatedAt < :before")
                        .expressionAttributeValues(Map.of(":shard", s(partition), ":before", Attributes.time(before)))
                        .limit(limit))
                .items().iterator();
    }

    @Override
    public boolean recordNudge(StuckOrder stuck, java.time.Instant at, boolean park) {
        Order order = stuck.order();
        String partition = park ? OrderItems.PARKED_SHARD : OrderItems.retryShard(stuck.nudges() + 1);
        try {
            dynamoDb.updateItem(b -> b.tableName(ordersTable).key(Map.of("orderId", s(order.orderId())))
                    .updateExpression("SET openShard = :partition, nudges = :nudges, nudgedAt = :at")
                    .conditionExpression("version = :version AND attribute_exists(openShard)")
                    .expressionAttributeValues(Map.of(":partition", s(partition),
                            ":nudges", n(stuck.nudges() + (park ? 0 : 1)), ":at", Attributes.time(at),
                            ":version", n(order.version()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public int countParked() {
        int parked = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse response = dynamoDb.query(b -> b.tableName(ordersTable).indexName(OPEN_ORDERS_INDEX)
                    .keyConditionExpression("openShard = :shard")
                    .expressionAttributeValues(Map.of(":shard", s(OrderItems.PARKED_SHARD)))
                    .select(software.amazon.awssdk.services.dynamodb.model.Select.COUNT)
                    .exclusiveStartKey(from));
            parked += response.count();
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return parked;
    }

    @Override
    public void clearEmailsOwed(Order order) {
        try {
            dynamoDb.updateItem(b -> b.tableName(ordersTable).key(Map.of("orderId", s(order.orderId())))
                    .updateExpression("REMOVE openShard, nudges, nudgedAt")
                    // a held order's hold# entry is the reconciler's watch on its authorization: not an e-mail mark
                    .conditionExpression("version = :version AND attribute_exists(openShard) AND NOT begins_with(openShard, :hold)")
                    .expressionAttributeValues(Map.of(":version", n(order.version()), ":hold", s(OrderItems.HOLD_PREFIX))));
        } catch (ConditionalCheckFailedException e) {
            // the order moved on (its new state carries its own mark), or the mark is gone already
        }
    }

    @Override
    public void apply(OrderTransition transition) {
        Order after = transition.after();
        Map<String, AttributeValue> item = OrderItems.toItem(after);
        String condition = "version = :expected";
        Map<String, AttributeValue> values = Map.of(":expected", n(transition.before().version()));
        try {
            if (transition.movements().isEmpty()) {
                dynamoDb.putItem(b -> b.tableName(ordersTable).item(item)
                        .conditionExpression(condition).expressionAttributeValues(values));
                return;
            }
            List<TransactWriteItem> writes = new ArrayList<>();
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(ordersTable).item(item)
                    .conditionExpression(condition).expressionAttributeValues(values).build()).build());
            transition.movements().forEach(movement -> writes.add(stockUpdate(movement)));
            dynamoDb.transactWriteItems(b -> b.transactItems(writes));
        } catch (ConditionalCheckFailedException e) {
            throw new StaleOrderException(after.orderId());
        } catch (TransactionCanceledException e) {
            if (failed(e, 0)) {
                throw new StaleOrderException(after.orderId());
            }
            List<String> shortSkus = new ArrayList<>();
            for (int i = 0; i < transition.movements().size(); i++) {
                if (failed(e, i + 1)) {
                    shortSkus.add(transition.movements().get(i).sku());
                }
            }
            if (!shortSkus.isEmpty()) {
                throw new InsufficientStockException(shortSkus);
            }
            throw conflict("moving order " + after.orderId() + " to " + after.status(), e);
        } catch (TransactionConflictException | ProvisionedThroughputExceededException | RequestLimitExceededException e) {
            throw conflict("moving order " + after.orderId() + " to " + after.status(), e);
        }
    }

    private TransactWriteItem stockUpdate(StockMovement movement) {
        Map<String, AttributeValue> values = Map.of(":q", n(movement.quantity()));
        Update.Builder update = Update.builder().tableName(productsTable).key(Map.of("sku", s(movement.sku())))
                .expressionAttributeValues(values);
        switch (movement.kind()) {
            case RESERVE -> update.updateExpression("SET available = available - :q, reserved = reserved + :q")
                    .conditionExpression("attribute_exists(sku) AND available >= :q");
            case RELEASE -> update.updateExpression("SET available = available + :q, reserved = reserved - :q")
                    .conditionExpression("attribute_exists(sku) AND reserved >= :q");
            case COMMIT -> update.updateExpression("SET sold = sold + :q, reserved = reserved - :q")
                    .conditionExpression("attribute_exists(sku) AND reserved >= :q");
            case RESTOCK -> update.updateExpression("SET available = available + :q, sold = sold - :q")
                    .conditionExpression("attribute_exists(sku) AND sold >= :q");
        }
        return TransactWriteItem.builder().update(update.build()).build();
    }

    private static boolean failed(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return reasons != null && reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static ConcurrentUpdateException conflict(String what, Exception cause) {
        return new ConcurrentUpdateException("lost a race " + what + ": " + cause.getMessage(), cause);
    }

    private static String encodeCursor(Map<String, AttributeValue> key) {
        String raw = string(key, "customerId") + "\n" + string(key, "createdAt") + "\n" + string(key, "orderId");
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, AttributeValue> decodeCursor(String cursor, String customerId) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 3 || !parts[0].equals(customerId)) {
            throw new InvalidRequestException(InvalidRequestException.Problem.INVALID_CURSOR, "cursor",
                    "cursor is not one this API returned to you");
        }
        return Map.of("customerId", s(parts[0]), "createdAt", s(parts[1]), "orderId", s(parts[2]));
    }
}
