package dev.cartwheel.aws.dynamodb;

import static dev.cartwheel.aws.dynamodb.Attributes.n;
import static dev.cartwheel.aws.dynamodb.Attributes.number;
import static dev.cartwheel.aws.dynamodb.Attributes.s;
import static dev.cartwheel.aws.dynamodb.Attributes.string;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.pricing.CheckoutRules;
import dev.cartwheel.core.pricing.ShopRules;
import dev.cartwheel.core.shipping.ShippingMethod;
import dev.cartwheel.core.shipping.ShippingZone;
import dev.cartwheel.core.tax.CountryTaxRates;
import dev.cartwheel.core.tax.TaxRate;
import dev.cartwheel.core.tax.TaxRateSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Shipping methods and tax rates as items of the products table, under keys no SKU can take (SKUs are upper case):
 * {@value #METHODS_KEY} holds every method, one attribute {@code method#<id>} each (an admin's write replaces one
 * attribute; a read is one item); {@code tax-rates#<COUNTRY>} holds a country's rates. Checkout reads both with one
 * {@code BatchGetItem}. The catalog's listing skips these items (they have no price).
 */
public final class DynamoDbShopRules implements ShopRules {

    public static final String METHODS_KEY = "shipping-methods";
    public static final String TAX_RATES_PREFIX = "tax-rates#";
    static final String METHOD_PREFIX = "method#";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbShopRules(DynamoDbClient dynamoDb, String productsTable) {
        this.dynamoDb = dynamoDb;
        this.table = productsTable;
    }

    @Override
    public CheckoutRules forCheckout(String country) {
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().consistentRead(true)
                .keys(List.of(Map.of("sku", s(METHODS_KEY)), Map.of("sku", s(TAX_RATES_PREFIX + country)))).build());
        List<ShippingMethod> methods = List.of();
        CountryTaxRates rates = null;
        for (int attempt = 0; !request.isEmpty() && attempt < 10; attempt++) {
            Map<String, KeysAndAttributes> pending = request;
            BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(pending));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                if (METHODS_KEY.equals(string(item, "sku"))) {
                    methods = methods(item);
                } else {
                    rates = taxRates(item);
                }
            }
            request = response.unprocessedKeys();
        }
        if (!request.isEmpty()) {
            throw new IllegalStateException("shipping and tax read did not complete");
        }
        return new CheckoutRules(methods, rates);
    }

    @Override
    public List<ShippingMethod> shippingMethods() {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of("sku", s(METHODS_KEY))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? List.of() : methods(item);
    }

    @Override
    public void putShippingMethod(ShippingMethod method) {
        dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("sku", s(METHODS_KEY)))
                .updateExpression("SET #m = :m")
                .expressionAttributeNames(Map.of("#m", METHOD_PREFIX + method.id()))
                .expressionAttributeValues(Map.of(":m", method(method))));
    }

    @Override
    public Optional<CountryTaxRates> findTaxRates(String country) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of("sku", s(TAX_RATES_PREFIX + country))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(taxRates(item));
    }

    @Override
    public void putTaxRates(CountryTaxRates rates) {
        Map<String, AttributeValue> regions = new HashMap<>();
        rates.regions().forEach((region, set) -> regions.put(region, rateSet(set)));
        Map<String, AttributeValue> item = new HashMap<>(rateSet(rates.rates()).m());
        item.put("sku", s(TAX_RATES_PREFIX + rates.country()));
        item.put("country", s(rates.country()));
        item.put("regions", AttributeValue.fromM(regions));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    // ------------------------------------------------------------------ mapping

    static AttributeValue method(ShippingMethod method) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("id", s(method.id()));
        m.put("name", s(method.name()));
        m.put("minDays", n(method.minDays()));
        m.put("maxDays", n(method.maxDays()));
        if (method.freeAbove() != null) {
            m.put("freeAbove", money(method.freeAbove()));
        }
        m.put("zones", AttributeValue.fromL(method.zones().stream().map(zone -> AttributeValue.fromM(Map.of(
                "name", s(zone.name()),
                "countries", AttributeValue.fromL(zone.countries().stream().map(Attributes::s).toList()),
                "price", money(zone.price())))).toList()));
        return AttributeValue.fromM(m);
    }

    static List<ShippingMethod> methods(Map<String, AttributeValue> item) {
        List<ShippingMethod> methods = new ArrayList<>();
        item.forEach((name, value) -> {
            if (name.startsWith(METHOD_PREFIX)) {
                methods.add(method(value.m()));
            }
        });
        methods.sort(Comparator.comparing(ShippingMethod::id));
        return methods;
    }

    private static ShippingMethod method(Map<String, AttributeValue> m) {
        AttributeValue freeAbove = m.get("freeAbove");
        List<ShippingZone> zones = m.get("zones").l().stream().map(zone -> new ShippingZone(string(zone.m(), "name"),
                new HashSet<>(zone.m().get("countries").l().stream().map(AttributeValue::s).toList()),
                money(zone.m().get("price").m()))).toList();
        return new ShippingMethod(string(m, "id"), string(m, "name"), zones,
                freeAbove == null ? null : money(freeAbove.m()), (int) number(m, "minDays"), (int) number(m, "maxDays"));
    }

    private static AttributeValue rateSet(TaxRateSet set) {
        Map<String, AttributeValue> categories = new HashMap<>();
        set.categories().forEach((category, rate) -> categories.put(category, n(rate.partsPerMillion())));
        return AttributeValue.fromM(Map.of("standardPpm", n(set.standard().partsPerMillion()),
                "categories", AttributeValue.fromM(categories)));
    }

    private static TaxRateSet rateSet(Map<String, AttributeValue> m) {
        Map<String, TaxRate> categories = new HashMap<>();
        AttributeValue stored = m.get("categories");
        if (stored != null) {
            stored.m().forEach((category, rate) -> categories.put(category, new TaxRate(Long.parseLong(rate.n()))));
        }
        return new TaxRateSet(new TaxRate(number(m, "standardPpm")), categories);
    }

    static CountryTaxRates taxRates(Map<String, AttributeValue> item) {
        Map<String, TaxRateSet> regions = new HashMap<>();
        AttributeValue stored = item.get("regions");
        if (stored != null) {
            stored.m().forEach((region, set) -> regions.put(region, rateSet(set.m())));
        }
        return new CountryTaxRates(string(item, "country"), rateSet(item), regions);
    }

    private static AttributeValue money(Money money) {
        return AttributeValue.fromM(Map.of("amount", n(money.amount()), "currency", s(money.currency())));
    }

    private static Money money(Map<String, AttributeValue> m) {
        return new Money(number(m, "amount"), string(m, "currency"));
    }
}
