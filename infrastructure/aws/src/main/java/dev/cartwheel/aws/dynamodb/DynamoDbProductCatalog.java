package dev.cartwheel.aws.dynamodb;

import static dev.cartwheel.aws.dynamodb.Attributes.n;
import static dev.cartwheel.aws.dynamodb.Attributes.number;
import static dev.cartwheel.aws.dynamodb.Attributes.s;
import static dev.cartwheel.aws.dynamodb.Attributes.string;

import dev.cartwheel.core.catalog.Product;
import dev.cartwheel.core.catalog.ProductCatalog;
import dev.cartwheel.core.catalog.ProductPage;
import dev.cartwheel.core.catalog.ProductUpdate;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.money.Money;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The catalog in DynamoDB, one item per SKU: {@code sku, name, priceAmount, currency, available, reserved, sold,
 * version, maxPerOrder} and an optional {@code taxCategory}. Checkout reads prices with one {@code BatchGetItem}; stock counters move only inside order
 * transitions and stock adjustments ({@link DynamoDbStockLedger}); an admin's edit is conditional on {@code version}.
 */
public final class DynamoDbProductCatalog implements ProductCatalog {

    private static final Pattern SKU = Pattern.compile("^[A-Z0-9-]{1,32}$");

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbProductCatalog(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Map<String, Product> findAll(Collection<String> skus) {
        Map<String, Product> found = new HashMap<>();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().consistentRead(true)
                .keys(skus.stream().distinct().map(sku -> Map.of("sku", s(sku))).toList()).build());
        // BatchGetItem may return part of the keys as unprocessed under load: ask again for those.
        for (int attempt = 0; !request.isEmpty() && attempt < 10; attempt++) {
            Map<String, KeysAndAttributes> pending = request;
            BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(pending));
            response.responses().getOrDefault(table, List.of()).forEach(item -> {
                Product product = toProduct(item);
                found.put(product.sku(), product);
            });
            request = response.unprocessedKeys();
        }
        if (!request.isEmpty()) {
            throw new IllegalStateException("catalog read did not complete");
        }
        return found;
    }

    @Override
    public Optional<Product> find(String sku) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of("sku", s(sku))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toProduct(item));
    }

    @Override
    public ProductPage list(String cursor, int limit) {
        Map<String, AttributeValue> start = cursor == null ? null : Map.of("sku", s(decodeCursor(cursor)));
        // the shop's shipping methods and tax rates share the table (DynamoDbShopRules) and have no price: skipped, so a
        // page may hold fewer than limit products
        ScanResponse response = dynamoDb.scan(b -> b.tableName(table).limit(limit).exclusiveStartKey(start)
                .filterExpression("attribute_exists(priceAmount)"));
        List<Product> products = response.items().stream().map(DynamoDbProductCatalog::toProduct).toList();
        Map<String, AttributeValue> last = response.lastEvaluatedKey();
        String next = last == null || last.isEmpty() ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(string(last, "sku").getBytes(StandardCharsets.UTF_8));
        return new ProductPage(products, next);
    }

    @Override
    public Product create(ProductUpdate update) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("sku", s(update.sku()));
        item.put("name", s(update.name()));
        item.put("priceAmount", n(update.price().amount()));
        item.put("currency", s(update.price().currency()));
        item.put("available", n(0));
        item.put("reserved", n(0));
        item.put("sold", n(0));
        item.put("version", n(1));
        if (update.maxPerOrder() > 0) {
            item.put("maxPerOrder", n(update.maxPerOrder()));
        }
        if (update.taxCategory() != null) {
            item.put("taxCategory", s(update.taxCategory()));
        }
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(sku)"));
        } catch (ConditionalCheckFailedException e) {
            throw new InvalidRequestException(InvalidRequestException.Problem.PRECONDITION_FAILED, "If-None-Match",
                    "product " + update.sku() + " exists: GET it and send its ETag in If-Match");
        }
        return toProduct(item);
    }

    @Override
    public Product update(ProductUpdate update, long expectedVersion) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":name", s(update.name()));
        values.put(":amount", n(update.price().amount()));
        values.put(":currency", s(update.price().currency()));
        values.put(":expected", n(expectedVersion));
        values.put(":next", n(expectedVersion + 1));
        List<String> sets = new ArrayList<>(List.of("#name = :name", "priceAmount = :amount", "currency = :currency",
                "version = :next"));
        List<String> removes = new ArrayList<>();
        if (update.maxPerOrder() > 0) {
            values.put(":max", n(update.maxPerOrder()));
            sets.add("maxPerOrder = :max");
        } else {
            removes.add("maxPerOrder");
        }
        if (update.taxCategory() != null) {
            values.put(":category", s(update.taxCategory()));
            sets.add("taxCategory = :category");
        } else {
            removes.add("taxCategory");
        }
        String set = "SET " + String.join(", ", sets) + (removes.isEmpty() ? "" : " REMOVE " + String.join(", ", removes));
        // a product seeded without a version is at version 0
        String condition = expectedVersion == 0
                ? "attribute_exists(sku) AND (attribute_not_exists(version) OR version = :expected)"
                : "attribute_exists(sku) AND version = :expected";
        String expression = set;
        try {
            Map<String, AttributeValue> after = dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("sku", s(update.sku())))
                    .updateExpression(expression).conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#name", "name")).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return toProduct(after);
        } catch (ConditionalCheckFailedException e) {
            if (find(update.sku()).isEmpty()) {
                throw new InvalidRequestException(InvalidRequestException.Problem.PRODUCT_NOT_FOUND, "sku",
                        "no product " + update.sku() + ": create it with If-None-Match: *");
            }
            throw new InvalidRequestException(InvalidRequestException.Problem.PRECONDITION_FAILED, "If-Match",
                    "product " + update.sku() + " changed since that ETag: GET it again and reapply the change");
        }
    }

    static Product toProduct(Map<String, AttributeValue> item) {
        AttributeValue version = item.get("version");
        AttributeValue maxPerOrder = item.get("maxPerOrder");
        return new Product(string(item, "sku"), string(item, "name"),
                new Money(number(item, "priceAmount"), string(item, "currency")),
                number(item, "available"), number(item, "reserved"), number(item, "sold"),
                version == null ? 0 : Long.parseLong(version.n()),
                maxPerOrder == null ? 0 : Integer.parseInt(maxPerOrder.n()), string(item, "taxCategory"));
    }

    private static String decodeCursor(String cursor) {
        try {
            String sku = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (SKU.matcher(sku).matches()) {
                return sku;
            }
        } catch (IllegalArgumentException e) {
            // fall through to the problem below
        }
        throw new InvalidRequestException(InvalidRequestException.Problem.INVALID_CURSOR, "cursor",
                "cursor is not one this API returned");
    }
}
