package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog a local cloud starts with, written to the template's {@code ProductsTable}: the products, shipping
 * methods and tax rates of a seed file ({@code {"products":[...], "shippingMethods":[...], "taxRates":[...]}}), or of
 * the built-in sample catalog ({@code local-seed-catalog.json}).
 */
final class CatalogSeed {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PRODUCTS_TABLE = "ProductsTable";

    private final DynamoDbClient dynamoDb;
    private final String table;

    private CatalogSeed(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Writes {@code seedFile} (null: the sample catalog) to the products table; a template without one gets nothing. */
    static void seed(DynamoDbClient dynamoDb, ProvisionedResources provisioned, Path seedFile) throws IOException {
        if (!provisioned.resources().containsKey(PRODUCTS_TABLE)) {
            return;
        }
        JsonNode seed;
        if (seedFile != null) {
            seed = JSON.readTree(seedFile.toFile());
        } else {
            try (InputStream in = CatalogSeed.class.getResourceAsStream("/local-seed-catalog.json")) {
                seed = JSON.readTree(in);
            }
        }
        new CatalogSeed(dynamoDb, provisioned.tableName(PRODUCTS_TABLE)).write(seed);
    }

    private void write(JsonNode seed) {
        JsonNode products = seed.has("products") ? seed.get("products") : seed;
        for (JsonNode p : products) {
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            item.put("sku", AttributeValue.fromS(p.path("sku").asText()));
            item.put("name", AttributeValue.fromS(p.path("name").asText()));
            item.put("priceAmount", AttributeValue.fromN(Long.toString(p.path("price").path("amount").asLong())));
            item.put("currency", AttributeValue.fromS(p.path("price").path("currency").asText("USD")));
            item.put("available", AttributeValue.fromN(Long.toString(p.path("available").asLong())));
            item.put("reserved", AttributeValue.fromN("0"));
            item.put("sold", AttributeValue.fromN("0"));
            if (p.hasNonNull("taxCategory")) {
                item.put("taxCategory", AttributeValue.fromS(p.get("taxCategory").asText()));
            }
            dynamoDb.putItem(r -> r.tableName(table).item(item));
        }
        writeShippingMethods(seed);
        writeTaxRates(seed);
    }

    /**
     * The seed's {@code shippingMethods} as the functions read them from the products table (the layout of
     * {@code DynamoDbShopRules}): one {@code shipping-methods} item with an attribute {@code method#<id>} per method.
     */
    private void writeShippingMethods(JsonNode seed) {
        if (!seed.has("shippingMethods")) {
            return;
        }
        Map<String, AttributeValue> methods = new LinkedHashMap<>();
        methods.put("sku", AttributeValue.fromS("shipping-methods"));
        for (JsonNode m : seed.get("shippingMethods")) {
            Map<String, AttributeValue> method = new LinkedHashMap<>();
            method.put("id", AttributeValue.fromS(m.path("id").asText()));
            method.put("name", AttributeValue.fromS(m.path("name").asText()));
            method.put("minDays", AttributeValue.fromN(m.path("deliveryEstimate").path("minDays").asText("0")));
            method.put("maxDays", AttributeValue.fromN(m.path("deliveryEstimate").path("maxDays").asText("0")));
            if (m.hasNonNull("freeAbove")) {
                method.put("freeAbove", money(m.get("freeAbove")));
            }
            List<AttributeValue> zones = new ArrayList<>();
            for (JsonNode z : m.path("zones")) {
                List<AttributeValue> countries = new ArrayList<>();
                z.path("countries").forEach(c -> countries.add(AttributeValue.fromS(c.asText())));
                zones.add(AttributeValue.fromM(Map.of("name", AttributeValue.fromS(z.path("name").asText()),
                        "countries", AttributeValue.fromL(countries), "price", money(z.path("price")))));
            }
            method.put("zones", AttributeValue.fromL(zones));
            methods.put("method#" + m.path("id").asText(), AttributeValue.fromM(method));
        }
        dynamoDb.putItem(r -> r.tableName(table).item(methods));
    }

    /** The seed's {@code taxRates}: one {@code tax-rates#<COUNTRY>} item per country, rates in parts per million. */
    private void writeTaxRates(JsonNode seed) {
        for (JsonNode t : seed.path("taxRates")) {
            Map<String, AttributeValue> item = new LinkedHashMap<>(rateSet(t));
            item.put("sku", AttributeValue.fromS("tax-rates#" + t.path("country").asText()));
            item.put("country", AttributeValue.fromS(t.path("country").asText()));
            Map<String, AttributeValue> regions = new LinkedHashMap<>();
            t.path("regions").properties().forEach(e -> regions.put(e.getKey(), AttributeValue.fromM(rateSet(e.getValue()))));
            item.put("regions", AttributeValue.fromM(regions));
            dynamoDb.putItem(r -> r.tableName(table).item(item));
        }
    }

    private static Map<String, AttributeValue> rateSet(JsonNode set) {
        Map<String, AttributeValue> categories = new LinkedHashMap<>();
        set.path("categories").properties().forEach(e -> categories.put(e.getKey(), AttributeValue.fromN(ppm(e.getValue().asText()))));
        return Map.of("standardPpm", AttributeValue.fromN(ppm(set.path("standard").asText("0"))),
                "categories", AttributeValue.fromM(categories));
    }

    /** A percentage string ({@code "7.25"}) as parts per million ({@code 72500}), exactly. */
    private static String ppm(String percent) {
        return new BigDecimal(percent).movePointRight(4).toBigIntegerExact().toString();
    }

    private static AttributeValue money(JsonNode money) {
        return AttributeValue.fromM(Map.of("amount", AttributeValue.fromN(Long.toString(money.path("amount").asLong())),
                "currency", AttributeValue.fromS(money.path("currency").asText("USD"))));
    }
}
