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
import dev.cartwheel.aws.json.ApiJson;
import dev.cartwheel.aws.dynamodb.DynamoDbShopRules;
import dev.cartwheel.core.pricing.ShopRulesService;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.core.catalog.Product;
import dev.cartwheel.core.catalog.ProductCatalog;
import dev.cartwheel.core.catalog.ProductPage;
import dev.cartwheel.core.checkout.OrderRequestValidator;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import java.util.Map;

/**
 * {@code GET /products} and {@code GET /products/{sku}}, both public and read-only (the catalog's writes are the
 * admin function's), and the shop's shipping methods ({@link ShippingMethodsRoute}) and tax rates
 * ({@link TaxRatesRoute}).
 */
public final class CatalogHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final ProductCatalog catalog;
    private final ShippingMethodsRoute shippingMethods;
    private final TaxRatesRoute taxRates;
    private final StructuredLog log = StructuredLog.forFunction("catalog");

    /** The catalog, and the shop's shipping methods and tax rates (items of the same table). */
    public record Services(ProductCatalog catalog, ShopRulesService rules) {
    }

    /** The template's default {@code AdminGroup}. */
    public static final String DEFAULT_ADMIN_GROUP = "cartwheel-admin";

    public CatalogHandler() {
        this(AwsClientSettings.fromEnvironment());
    }

    private CatalogHandler(AwsClientSettings settings) {
        this(compose(settings), settings.require("ADMIN_GROUP"));
    }

    public CatalogHandler(Services services) {
        this(services, DEFAULT_ADMIN_GROUP);
    }

    /** @param adminGroup the group ({@code cognito:groups}) that, with the scope, may set shipping methods and tax rates */
    public CatalogHandler(Services services, String adminGroup) {
        this.catalog = services.catalog();
        this.shippingMethods = new ShippingMethodsRoute(services.rules(), adminGroup);
        this.taxRates = new TaxRatesRoute(services.rules(), adminGroup);
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
            case "GET /products/{sku}" -> get(event);
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
        page.items().forEach(product -> items.add(ApiJson.product(product)));
        page.findNextCursor().ifPresentOrElse(cursor -> body.put("nextCursor", cursor), () -> body.putNull("nextCursor"));
        return HttpApi.json(200, body, Map.of());
    }

    /** One product with its {@code ETag}: the version an admin's {@code PUT} must name in {@code If-Match}. */
    private APIGatewayV2HTTPResponse get(APIGatewayV2HTTPEvent event) {
        String sku = HttpApi.pathParameter(event, "sku");
        if (sku == null || !OrderRequestValidator.SKU.matcher(sku).matches()) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "sku", "sku must match " + OrderRequestValidator.SKU.pattern());
        }
        Product product = catalog.find(sku).orElseThrow(() -> new InvalidRequestException(Problem.PRODUCT_NOT_FOUND, "sku",
                "no product " + sku));
        return HttpApi.json(200, ApiJson.product(product), Map.of("etag", product.etag()));
    }
}
