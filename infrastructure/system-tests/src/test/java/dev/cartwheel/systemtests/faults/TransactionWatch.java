package dev.cartwheel.systemtests.faults;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * An SDK interceptor that watches a test-built {@code DynamoDbClient}'s {@code TransactWriteItems}: how many were in
 * flight at once on one item (so a concurrency test can show its writers really met on the same stock counter, not
 * one after the other), and why DynamoDB cancelled them ({@code ConditionalCheckFailed}, {@code TransactionConflict},
 * by reason code). It changes nothing. Register it after the interceptors that inject faults in
 * {@code beforeExecution}: the SDK runs no {@code onExecutionFailure} when one of those throws, so a watch before them
 * would count a refused transaction as in flight for good.
 */
public final class TransactionWatch implements ExecutionInterceptor {

    private static final ExecutionAttribute<Iterable<String>> ITEMS = new ExecutionAttribute<>("cartwheel.transactionItems");

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final LongAdder transactions = new LongAdder();
    private final Map<String, LongAdder> cancelled = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof TransactWriteItemsRequest request)) {
            return;
        }
        transactions.increment();
        List<String> items = request.transactItems().stream().map(TransactionWatch::item).filter(Objects::nonNull).toList();
        attributes.putAttribute(ITEMS, items);
        for (String item : items) {
            int now = inFlight.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        leave(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        // only a transaction this watch saw go out counts (a failure before its beforeExecution never left the client)
        if (leave(attributes) && context.exception() instanceof TransactionCanceledException e && e.hasCancellationReasons()) {
            e.cancellationReasons().stream().map(CancellationReason::code).filter(code -> !"None".equals(code))
                    .distinct().forEach(code -> cancelled.computeIfAbsent(code, k -> new LongAdder()).increment());
        }
    }

    /** The most {@code TransactWriteItems} that were in flight at once on one item. */
    public int mostAtOnceOnOneItem() {
        return mostAtOnce.get();
    }

    public long transactions() {
        return transactions.sum();
    }

    /** Cancelled transactions by cancellation reason code (a transaction with two reasons counts under both). */
    public Map<String, Long> cancelledBy() {
        Map<String, Long> snapshot = new TreeMap<>();
        cancelled.forEach((code, n) -> snapshot.put(code, n.sum()));
        return snapshot;
    }

    /** Takes the transaction's items out of flight; false if it was not watched going out. */
    private boolean leave(ExecutionAttributes attributes) {
        Iterable<String> items = attributes.getAttribute(ITEMS);
        if (items == null) {
            return false;
        }
        items.forEach(item -> inFlight.get(item).decrementAndGet());
        attributes.putAttribute(ITEMS, null);
        return true;
    }

    /** The table and key an update, condition check or delete names; null for a put (its key is in its item). */
    private static String item(TransactWriteItem item) {
        if (item.update() != null) {
            return item.update().tableName() + key(item.update().key());
        }
        if (item.put() != null) {
            return null;
        }
        if (item.conditionCheck() != null) {
            return item.conditionCheck().tableName() + key(item.conditionCheck().key());
        }
        return item.delete().tableName() + key(item.delete().key());
    }

    private static String key(Map<String, AttributeValue> key) {
        return new TreeMap<>(key).toString();
    }
}
