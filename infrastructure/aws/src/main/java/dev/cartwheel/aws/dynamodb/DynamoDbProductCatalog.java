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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The catalog in DynamoDB, one item per SKU: {@code sku, name, priceAmount, currency, available, reserved, sold} and an
 * optional {@code taxCategory}.
 * Checkout reads prices with one {@code BatchGetItem}; stock counters move only inside order transitions.
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
    public void upsert(ProductUpdate update) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":name", s(update.name()));
        values.put(":amount", n(update.price().amount()));
        values.put(":currency", s(update.price().currency()));
        values.put(":available", n(update.available()));
        values.put(":zero", n(0));
        String category;
        if (update.taxCategory() == null) {
            category = " REMOVE taxCategory";
        } else {
            values.put(":category", s(update.taxCategory()));
            category = ", taxCategory = :category";
        }
        dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("sku", s(update.sku())))
                .updateExpression("SET #name = :name, priceAmount = :amount, currency = :currency, available = :available, "
                        + "reserved = if_not_exists(reserved, :zero), sold = if_not_exists(sold, :zero)" + category)
                .expressionAttributeNames(Map.of("#name", "name"))
                .expressionAttributeValues(values));
    }

    static Product toProduct(Map<String, AttributeValue> item) {
        return new Product(string(item, "sku"), string(item, "name"),
                new Money(number(item, "priceAmount"), string(item, "currency")),
                number(item, "available"), number(item, "reserved"), number(item, "sold"), string(item, "taxCategory"));
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
