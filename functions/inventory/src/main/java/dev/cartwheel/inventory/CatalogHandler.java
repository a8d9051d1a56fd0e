package dev.cartwheel.inventory;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.DynamoDbClients;
import dev.cartwheel.aws.dynamodb.DynamoDbProductCatalog;
import dev.cartwheel.aws.dynamodb.DynamoDbShopRules;
import dev.cartwheel.core.pricing.ShopRulesService;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.core.catalog.Product;
import dev.cartwheel.core.catalog.ProductCatalog;
import dev.cartwheel.core.catalog.ProductPage;
import dev.cartwheel.core.catalog.ProductUpdate;
import dev.cartwheel.core.checkout.OrderRequestValidator;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.money.Money;
import java.util.Map;

/**
 * {@code GET /products} (public) and {@code PUT /products/{sku}} (scope {@code inventory/admin}); the shop's shipping
 * methods ({@link ShippingMethodsRoute}) and tax rates ({@link TaxRatesRoute}).
 */
public final class CatalogHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final ProductCatalog catalog;
    private final ShippingMethodsRoute shippingMethods;
    private final TaxRatesRoute taxRates;
    private final StructuredLog log = StructuredLog.forFunction("catalog");

    /** The catalog, and the shop's shipping methods and tax rates (items of the same table). */
    public record Services(ProductCatalog catalog, ShopRulesService rules) {
    }

    public CatalogHandler() {
        this(compose(AwsClientSettings.fromEnvironment()));
    }

    public CatalogHandler(Services services) {
        this.catalog = services.catalog();
        this.shippingMethods = new ShippingMethodsRoute(services.rules());
        this.taxRates = new TaxRatesRoute(services.rules());
    }

    public static Services compose(AwsClientSettings settings) {
        software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb = DynamoDbClients.create(settings);
        DynamoDbClients.primeOnCheckpoint(dynamoDb, settings.require("PRODUCTS_TABLE"), "sku");
        return new Services(new DynamoDbProductCatalog(dynamoDb, settings.require("PRODUCTS_TABLE")),
                new ShopRulesService(new DynamoDbShopRules(dynamoDb, settings.require("PRODUCTS_TABLE"))));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.respond(event, log, () -> switch (HttpApi.route(event)) {
            case "GET /products" -> list(event);
            case "PUT /products/{sku}" -> put(event);
            case ShippingMethodsRoute.LIST -> shippingMethods.list(event);
            case ShippingMethodsRoute.PUT -> shippingMethods.put(event);
            case TaxRatesRoute.PUT -> taxRates.put(event);
            default -> HttpApi.problem(404, "not-found", "Not found", "no route " + HttpApi.route(event));
        });
    }

    private APIGatewayV2HTTPResponse list(APIGatewayV2HTTPEvent event) {
        ProductPage page = catalog.list(HttpApi.queryParameter(event, "cursor"), HttpApi.limit(event, 50, 100));
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode items = body.putArray("items");
        page.items().forEach(product -> items.add(productJson(product)));
        page.findNextCursor().ifPresentOrElse(cursor -> body.put("nextCursor", cursor), () -> body.putNull("nextCursor"));
        return HttpApi.json(200, body, Map.of());
    }

    private APIGatewayV2HTTPResponse put(APIGatewayV2HTTPEvent event) {
        HttpApi.requireScope(HttpApi.caller(event), "inventory/admin");
        String sku = HttpApi.pathParameter(event, "sku");
        if (sku == null || !OrderRequestValidator.SKU.matcher(sku).matches()) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "sku", "sku must match " + OrderRequestValidator.SKU.pattern());
        }
        ProductRequest request = HttpApi.body(event, ProductRequest.class);
        ProductUpdate update = request.toUpdate(sku);
        catalog.upsert(update);
        Product saved = catalog.find(sku).orElseThrow();
        return HttpApi.json(200, productJson(saved), Map.of("location", "/products/" + sku));
    }

    private static ObjectNode productJson(Product product) {
        ObjectNode node = Json.mapper().createObjectNode().put("sku", product.sku()).put("name", product.name());
        node.putObject("price").put("amount", product.price().amount()).put("currency", product.price().currency());
        node.put("available", product.available());
        if (product.taxCategory() != null) {
            node.put("taxCategory", product.taxCategory());
        }
        return node;
    }

    /** The body of {@code PUT /products/{sku}}. */
    record ProductRequest(String name, PriceRequest price, Long available, String taxCategory) {

        ProductUpdate toUpdate(String sku) {
            if (name == null || name.isBlank() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/name", "name must be 1 to 200 printable characters");
            }
            if (price == null || price.amount() == null || price.amount() < 0 || price.amount() > 100_000_000L) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/price/amount",
                        "price.amount must be an integer number of minor units from 0 to 100000000");
            }
            Money money;
            try {
                money = new Money(price.amount(), price.currency() == null ? "" : price.currency());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/price/currency", "price.currency must be an ISO 4217 code");
            }
            if (available == null || available < 0 || available > 1_000_000_000L) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/available", "available must be an integer from 0 to 1000000000");
            }
            if (taxCategory != null && !ShopRulesService.TAX_CATEGORY.matcher(taxCategory).matches()) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/taxCategory",
                        "taxCategory must match " + ShopRulesService.TAX_CATEGORY.pattern());
            }
            return new ProductUpdate(sku, name, money, available, taxCategory);
        }
    }

    /** A price in integer minor units of an ISO 4217 currency. */
    record PriceRequest(Long amount, String currency) {
    }
}
