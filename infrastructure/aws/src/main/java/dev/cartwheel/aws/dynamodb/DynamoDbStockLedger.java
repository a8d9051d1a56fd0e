package dev.cartwheel.aws.dynamodb;

import static dev.cartwheel.aws.dynamodb.Attributes.instant;
import static dev.cartwheel.aws.dynamodb.Attributes.n;
import static dev.cartwheel.aws.dynamodb.Attributes.number;
import static dev.cartwheel.aws.dynamodb.Attributes.s;
import static dev.cartwheel.aws.dynamodb.Attributes.string;
import static dev.cartwheel.aws.dynamodb.Attributes.time;

import dev.cartwheel.core.catalog.StockAdjustment;
import dev.cartwheel.core.catalog.StockLedger;
import dev.cartwheel.core.exceptions.ConcurrentUpdateException;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The stock ledger in DynamoDB: one item per adjustment in the ledger table, keyed by {@code sku} and the admin's
 * {@code idempotencyKey}, written in one {@code TransactWriteItems} with the atomic add to the product's
 * {@code available} ({@code SET available = available + :delta}, conditional on {@code available >= -delta}). The
 * add never reads the counter first, so it cannot lose a reservation made meanwhile.
 */
public final class DynamoDbStockLedger implements StockLedger {

    private final DynamoDbClient dynamoDb;
    private final String productsTable;
    private final String ledgerTable;

    public DynamoDbStockLedger(DynamoDbClient dynamoDb, String productsTable, String ledgerTable) {
        this.dynamoDb = dynamoDb;
        this.productsTable = productsTable;
        this.ledgerTable = ledgerTable;
    }

    @Override
    public Recorded record(StockAdjustment adjustment) {
        Map<String, AttributeValue> entry = Map.of(
                "sku", s(adjustment.sku()), "idempotencyKey", s(adjustment.idempotencyKey()),
                "delta", n(adjustment.delta()), "reason", s(adjustment.reason()),
                "actorId", s(adjustment.actorId()), "at", time(adjustment.at()));
        Update add = Update.builder().tableName(productsTable).key(Map.of("sku", s(adjustment.sku())))
                .updateExpression("SET available = available + :delta")
                .conditionExpression("attribute_exists(sku) AND available >= :needed")
                .expressionAttributeValues(Map.of(":delta", n(adjustment.delta()),
                        ":needed", n(Math.max(0, -adjustment.delta()))))
                .build();
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName(ledgerTable).item(entry)
                            .conditionExpression("attribute_not_exists(sku)").build()).build(),
                    TransactWriteItem.builder().update(add).build()));
            return new Recorded(adjustment, false);
        } catch (TransactionCanceledException e) {
            if (failed(e, 0)) {
                return new Recorded(find(adjustment.sku(), adjustment.idempotencyKey()).orElseThrow(() ->
                        new ConcurrentUpdateException("stock adjustment " + adjustment.idempotencyKey() + " vanished", e)), true);
            }
            if (failed(e, 1)) {
                Map<String, AttributeValue> product = dynamoDb.getItem(b -> b.tableName(productsTable)
                        .key(Map.of("sku", s(adjustment.sku()))).consistentRead(true)).item();
                if (product == null || product.isEmpty()) {
                    throw new InvalidRequestException(Problem.PRODUCT_NOT_FOUND, "sku", "no product " + adjustment.sku());
                }
                throw new InvalidRequestException(Problem.INSUFFICIENT_STOCK, "/delta", "only " + number(product, "available")
                        + " units of " + adjustment.sku() + " are available: a delta of " + adjustment.delta()
                        + " would take it below zero");
            }
            throw new ConcurrentUpdateException("lost a race adjusting " + adjustment.sku() + ": " + e.getMessage(), e);
        } catch (TransactionConflictException e) {
            throw new ConcurrentUpdateException("lost a race adjusting " + adjustment.sku() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<StockAdjustment> find(String sku, String idempotencyKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(ledgerTable)
                .key(Map.of("sku", s(sku), "idempotencyKey", s(idempotencyKey))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toAdjustment(item));
    }

    @Override
    public List<StockAdjustment> entries(String sku) {
        List<StockAdjustment> entries = new ArrayList<>();
        dynamoDb.queryPaginator(b -> b.tableName(ledgerTable).consistentRead(true)
                        .keyConditionExpression("sku = :sku").expressionAttributeValues(Map.of(":sku", s(sku))))
                .items().forEach(item -> entries.add(toAdjustment(item)));
        entries.sort(Comparator.comparing(StockAdjustment::at));
        return entries;
    }

    private static StockAdjustment toAdjustment(Map<String, AttributeValue> item) {
        return new StockAdjustment(string(item, "sku"), string(item, "idempotencyKey"), number(item, "delta"),
                string(item, "reason"), string(item, "actorId"), instant(item, "at"));
    }

    private static boolean failed(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return reasons != null && reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }
}
