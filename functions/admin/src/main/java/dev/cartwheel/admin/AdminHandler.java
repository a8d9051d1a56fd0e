package dev.cartwheel.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.DynamoDbClients;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.dynamodb.DynamoDbProductCatalog;
import dev.cartwheel.aws.dynamodb.DynamoDbShopRules;
import dev.cartwheel.aws.dynamodb.DynamoDbStockLedger;
import dev.cartwheel.aws.json.ApiJson;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.aws.sqs.SqsClients;
import dev.cartwheel.aws.sqs.SqsStepPublisher;
import dev.cartwheel.aws.stripe.StripePaymentGateway;
import dev.cartwheel.core.catalog.Product;
import dev.cartwheel.core.catalog.ProductCatalog;
import dev.cartwheel.core.catalog.StockLedger;
import dev.cartwheel.core.catalog.StockService;
import dev.cartwheel.core.checkout.Caller;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.exceptions.OrderNotFoundException;
import dev.cartwheel.core.fulfilment.FulfilmentQueue;
import dev.cartwheel.core.fulfilment.FulfilmentService;
import dev.cartwheel.core.messaging.Step;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.pricing.ShopRulesService;
import dev.cartwheel.core.refund.IssuedRefund;
import dev.cartwheel.core.refund.RefundService;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Every admin route of the HTTP API, in one function with its own IAM role, so that the customer-facing functions
 * hold no refund, fulfilment or catalog-write rights.
 *
 * <p>Every route requires its scope (checked by API Gateway, and again here) <em>and</em> membership of the admin
 * group: {@code cognito:groups} must contain {@code ADMIN_GROUP} (template parameter {@code AdminGroup}), else
 * {@code 403}. To add an admin route: add its event to AdminFunction in template.yaml and one line to
 * {@link #routes()}; the scope and group check then apply to it without further code.
 */
public final class AdminHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Pattern ORDER_ID = Pattern.compile("^ord_[0-9a-f-]{36}$");
    static final String ORDERS_ADMIN = "orders/admin";
    static final String INVENTORY_ADMIN = "inventory/admin";

    private final Services services;
    private final String adminGroup;
    private final StructuredLog log;
    private final Map<String, Route> routes;
    private final ShippingMethodsRoute shippingMethods;
    private final TaxRatesRoute taxRates;
    private final AdminOrdersRoute fulfilmentQueue;

    /** The services behind this function's routes. */
    public record Services(RefundService refunds, FulfilmentService fulfilments, ProductCatalog catalog,
                           StockService stock, StockLedger ledger, ShopRulesService rules, FulfilmentQueue queue) {
    }

    /** An admin route: the scope it requires (besides the admin group) and what it does for a caller. */
    private record Route(String scope, Action action) {
    }

    @FunctionalInterface
    private interface Action {
        APIGatewayV2HTTPResponse handle(Caller caller, APIGatewayV2HTTPEvent event);
    }

    public AdminHandler() {
        this(AwsClientSettings.fromEnvironment());
    }

    private AdminHandler(AwsClientSettings settings) {
        this(compose(settings), settings.require("ADMIN_GROUP"));
    }

    public AdminHandler(Services services, String adminGroup) {
        this(services, adminGroup, System.out);
    }

    /** @param logOut where the log lines go (standard output on Lambda; tests capture them) */
    public AdminHandler(Services services, String adminGroup, PrintStream logOut) {
        if (adminGroup == null || adminGroup.isBlank()) {
            throw new IllegalArgumentException("the admin group must be named");
        }
        this.services = services;
        this.adminGroup = adminGroup;
        this.log = StructuredLog.forFunction("admin", logOut);
        this.shippingMethods = new ShippingMethodsRoute(services.rules());
        this.taxRates = new TaxRatesRoute(services.rules());
        this.fulfilmentQueue = new AdminOrdersRoute(services.queue());
        this.routes = routes();
    }

    /** The routes of this function by route key. Add a route here (and to AdminFunction's events). */
    private Map<String, Route> routes() {
        Map<String, Route> table = new LinkedHashMap<>();
        table.put("POST /orders/{orderId}/refunds", new Route(ORDERS_ADMIN, this::refund));
        table.put("POST /orders/{orderId}/fulfilment", new Route(ORDERS_ADMIN, this::fulfil));
        table.put("PUT /products/{sku}", new Route(INVENTORY_ADMIN, this::putProduct));
        table.put("POST /products/{sku}/stock-adjustments", new Route(INVENTORY_ADMIN, this::adjustStock));
        table.put("GET /products/{sku}/stock-adjustments", new Route(INVENTORY_ADMIN, this::stockLedger));
        table.put(ShippingMethodsRoute.PUT, new Route(INVENTORY_ADMIN, (caller, event) -> shippingMethods.put(event)));
        table.put(TaxRatesRoute.PUT, new Route(INVENTORY_ADMIN, (caller, event) -> taxRates.put(event)));
        table.put(AdminOrdersRoute.ROUTE, new Route(ORDERS_ADMIN, (caller, event) -> fulfilmentQueue.handle(event)));
        return Map.copyOf(table);
    }

    /** The services wired to DynamoDB, SQS and the payment provider as template.yaml configures this function. */
    public static Services compose(AwsClientSettings settings) {
        DynamoDbClient dynamoDb = DynamoDbClients.create(settings);
        DynamoDbClients.primeOnCheckpoint(dynamoDb, settings.require("ORDERS_TABLE"), "orderId");
        DynamoDbOrderStore orders = new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"), null, null,
                settings.require("SHIPPING_ADDRESSES_TABLE"));
        SqsStepPublisher publisher = new SqsStepPublisher(SqsClients.create(settings), Map.of(
                Step.PAYMENT, settings.require("PAYMENT_QUEUE_URL"),
                Step.EMAIL, settings.require("EMAIL_QUEUE_URL")));
        Clock clock = Clock.systemUTC();
        DynamoDbStockLedger ledger = new DynamoDbStockLedger(dynamoDb, settings.require("PRODUCTS_TABLE"),
                settings.require("STOCK_LEDGER_TABLE"));
        return new Services(
                new RefundService(orders, StripePaymentGateway.compose(settings), publisher, clock),
                new FulfilmentService(orders, publisher, clock),
                new DynamoDbProductCatalog(dynamoDb, settings.require("PRODUCTS_TABLE")),
                new StockService(ledger, clock),
                ledger,
                new ShopRulesService(new DynamoDbShopRules(dynamoDb, settings.require("PRODUCTS_TABLE"))),
                new FulfilmentQueue(orders));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.respond(event, log, () -> {
            Route route = routes.get(HttpApi.route(event));
            if (route == null) {
                return HttpApi.problem(404, "not-found", "Not found", "no route " + HttpApi.route(event));
            }
            Caller caller = HttpApi.caller(event);
            HttpApi.requireAdmin(caller, route.scope(), adminGroup);
            return route.action().handle(caller, event);
        });
    }

    private APIGatewayV2HTTPResponse refund(Caller caller, APIGatewayV2HTTPEvent event) {
        String orderId = orderId(event);
        RefundBody body = HttpApi.body(event, RefundBody.class);
        IssuedRefund issued = services.refunds().refund(orderId, HttpApi.idempotencyKey(event), body.toRequest(),
                caller.actor());
        if (issued.refund().isFailed()) {
            logInfo(event, orderId, issued.order().correlationId(), "refund-rejected", "the provider refused the refund", caller);
            return HttpApi.problem(422, "refund-rejected", "Refund rejected by the payment provider",
                    "the payment provider refused this refund (" + issued.refund().failure() + "); it is recorded as "
                            + "FAILED on the order and nothing was refunded");
        }
        logInfo(event, orderId, issued.order().correlationId(), issued.replayed() ? "replayed" : "refunded", "refund issued", caller);
        return HttpApi.json(201, ApiJson.refundResponse(issued.order(), issued.refund()), Map.of(
                "location", ApiJson.location(issued.order()),
                "idempotent-replayed", Boolean.toString(issued.replayed())));
    }

    private APIGatewayV2HTTPResponse fulfil(Caller caller, APIGatewayV2HTTPEvent event) {
        String orderId = orderId(event);
        FulfilmentBody body = hasBody(event) ? HttpApi.body(event, FulfilmentBody.class) : new FulfilmentBody(null);
        Order order = services.fulfilments().fulfil(orderId, body.trackingNumber(), caller.actor());
        logInfo(event, orderId, order.correlationId(), order.status().name(), "fulfilment recorded", caller);
        // 200 once FULFILLED (ship it); 202 while the capture (or the confirmation e-mail) that leads there is on its
        // way: do not ship before the order is FULFILLED (order.fulfilled); PAYMENT_FAILED means never
        return HttpApi.json(order.isIn(OrderStatus.FULFILLED) ? 200 : 202, ApiJson.fulfilmentResponse(order),
                Map.of("location", ApiJson.location(order)));
    }

    /**
     * Creates a product ({@code If-None-Match: *}) or updates one at the version its {@code If-Match} ETag names:
     * without either, {@code 428}; at another version, {@code 412}. Never touches the stock.
     */
    private APIGatewayV2HTTPResponse putProduct(Caller caller, APIGatewayV2HTTPEvent event) {
        String sku = sku(event);
        String ifMatch = HttpApi.header(event, "If-Match");
        String ifNoneMatch = HttpApi.header(event, "If-None-Match");
        boolean create = ifMatch == null && ifNoneMatch != null && ifNoneMatch.strip().equals("*");
        Long expectedVersion = ifMatch == null ? null : ProductBodies.version(ifMatch);
        if (!create && ifMatch == null) {
            throw new InvalidRequestException(Problem.PRECONDITION_REQUIRED, "If-Match",
                    "send If-Match with the ETag of GET /products/" + sku + " (or If-None-Match: * to create it)");
        }
        var update = HttpApi.body(event, ProductBodies.ProductRequest.class).toUpdate(sku);
        Product saved = create ? services.catalog().create(update) : services.catalog().update(update, expectedVersion);
        logInfo(event, null, null, create ? "created" : "updated", "product " + sku + " at version " + saved.version(), caller);
        return HttpApi.json(create ? 201 : 200, ApiJson.product(saved),
                Map.of("location", "/products/" + sku, "etag", saved.etag()));
    }

    private APIGatewayV2HTTPResponse adjustStock(Caller caller, APIGatewayV2HTTPEvent event) {
        String sku = sku(event);
        ProductBodies.AdjustmentRequest body = HttpApi.body(event, ProductBodies.AdjustmentRequest.class);
        StockLedger.Recorded recorded = services.stock().adjust(caller.customerId(), sku, HttpApi.idempotencyKey(event),
                body.delta(), body.reason());
        Product product = services.catalog().find(sku).orElseThrow(() -> new InvalidRequestException(
                Problem.PRODUCT_NOT_FOUND, "sku", "no product " + sku));
        logInfo(event, null, null, recorded.replayed() ? "replayed" : "adjusted",
                "stock of " + sku + " " + (recorded.adjustment().delta() > 0 ? "+" : "") + recorded.adjustment().delta(), caller);
        ObjectNode response = Json.mapper().createObjectNode();
        response.set("adjustment", ApiJson.stockAdjustment(recorded.adjustment()));
        response.set("product", ApiJson.product(product));
        return HttpApi.json(201, response, Map.of("location", "/products/" + sku + "/stock-adjustments",
                "idempotent-replayed", Boolean.toString(recorded.replayed())));
    }

    private APIGatewayV2HTTPResponse stockLedger(Caller caller, APIGatewayV2HTTPEvent event) {
        String sku = sku(event);
        ObjectNode response = Json.mapper().createObjectNode().put("sku", sku);
        ArrayNode items = response.putArray("items");
        services.ledger().entries(sku).forEach(entry -> items.add(ApiJson.stockAdjustment(entry)));
        return HttpApi.json(200, response, Map.of());
    }

    /** Logs the actor's id (the token's {@code sub}), never their e-mail address. */
    private void logInfo(APIGatewayV2HTTPEvent event, String orderId, String correlationId, String outcome, String message,
                         Caller caller) {
        String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        log.info(new StructuredLog.Entry(requestId, orderId, correlationId, "admin", outcome, message,
                caller.actor().sub()));
    }

    private static String sku(APIGatewayV2HTTPEvent event) {
        String sku = HttpApi.pathParameter(event, "sku");
        if (sku == null || !dev.cartwheel.core.checkout.OrderRequestValidator.SKU.matcher(sku).matches()) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "sku",
                    "sku must match " + dev.cartwheel.core.checkout.OrderRequestValidator.SKU.pattern());
        }
        return sku;
    }

    /** The path's order id; one that cannot exist is "not found" like any other unknown order. */
    private static String orderId(APIGatewayV2HTTPEvent event) {
        String orderId = HttpApi.pathParameter(event, "orderId");
        if (orderId == null || !ORDER_ID.matcher(orderId).matches()) {
            throw new OrderNotFoundException(String.valueOf(orderId));
        }
        return orderId;
    }

    private static boolean hasBody(APIGatewayV2HTTPEvent event) {
        return event.getBody() != null && !event.getBody().isBlank();
    }

    /** The optional body of {@code POST /orders/{orderId}/fulfilment}. */
    record FulfilmentBody(String trackingNumber) {
    }

    /** The body of {@code POST /orders/{orderId}/refunds}. */
    record RefundBody(AmountBody amount, String reason) {

        dev.cartwheel.core.refund.RefundRequest toRequest() {
            if (amount == null || amount.amount() == null || amount.amount() < 1 || amount.amount() > 100_000_000_000L) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/amount/amount",
                        "amount.amount must be a positive integer number of minor units");
            }
            try {
                return new dev.cartwheel.core.refund.RefundRequest(new dev.cartwheel.core.money.Money(amount.amount(),
                        amount.currency() == null ? "" : amount.currency()), reason);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/amount/currency",
                        "amount.currency must be an ISO 4217 code");
            }
        }
    }

    /** An amount in integer minor units of an ISO 4217 currency, as everywhere in the API. */
    record AmountBody(Long amount, String currency) {
    }
}
