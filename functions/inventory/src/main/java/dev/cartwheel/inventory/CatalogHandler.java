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
 * {@code GET /products}, {@code GET /products/{sku}} and {@code GET /shipping-methods?country=XX}, all public and
 * read-only: the catalog's, shipping methods' and tax rates' writes are the admin function's.
 */
public final class CatalogHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final ProductCatalog catalog;
    private final ShopRulesService rules;
    private final StructuredLog log = StructuredLog.forFunction("catalog");

    /** The catalog, and the shop's shipping methods (items of the same table). */
    public record Services(ProductCatalog catalog, ShopRulesService rules) {
    }

    public CatalogHandler() {
        this(AwsClientSettings.fromEnvironment());
    }

    private CatalogHandler(AwsClientSettings settings) {
        this(compose(settings));
    }

    public CatalogHandler(Services services) {
        this.catalog = services.catalog();
        this.rules = services.rules();
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
            case "GET /shipping-methods" -> shippingMethods(event);
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

    /** The methods that ship to {@code ?country=}, each with its price there. */
    private APIGatewayV2HTTPResponse shippingMethods(APIGatewayV2HTTPEvent event) {
        String country = HttpApi.queryParameter(event, "country");
        ObjectNode body = Json.mapper().createObjectNode().put("country", country);
        ArrayNode items = body.putArray("items");
        for (ShopRulesService.Offer offer : rules.methodsTo(country)) {
            ObjectNode item = items.addObject().put("id", offer.method().id()).put("name", offer.method().name());
            item.set("price", ApiJson.money(offer.price()));
            if (offer.method().freeAbove() == null) {
                item.putNull("freeAbove");
            } else {
                item.set("freeAbove", ApiJson.money(offer.method().freeAbove()));
            }
            item.putObject("deliveryEstimate").put("minDays", offer.method().minDays()).put("maxDays", offer.method().maxDays());
        }
        return HttpApi.json(200, body, Map.of());
    }
}
