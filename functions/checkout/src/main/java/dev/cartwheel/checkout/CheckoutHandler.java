package dev.cartwheel.checkout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.DynamoDbClients;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.dynamodb.DynamoDbProductCatalog;
import dev.cartwheel.aws.dynamodb.DynamoDbShopRules;
import dev.cartwheel.core.pricing.PricingMode;
import dev.cartwheel.aws.json.ApiJson;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.aws.sqs.SqsClients;
import dev.cartwheel.aws.sqs.SqsStepPublisher;
import dev.cartwheel.core.cancellation.CancellationService;
import dev.cartwheel.core.checkout.Caller;
import dev.cartwheel.core.checkout.CheckoutService;
import dev.cartwheel.core.checkout.PlaceOrderRequest;
import dev.cartwheel.core.checkout.PlacedOrder;
import dev.cartwheel.core.messaging.Step;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code POST /orders}, {@code GET /orders}, {@code GET /orders/{orderId}} and {@code POST /orders/{orderId}/cancel}
 * behind the HTTP API's JWT authorizer: the customer's routes (an admin may read any order). Refunds, fulfilments and
 * the fulfilment queue {@code GET /admin/orders} are the admin function's.
 * A composition root: the no-arg constructor wires the real adapters once, at init.
 */
public final class CheckoutHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Pattern CORRELATION_ID = Pattern.compile("^[A-Za-z0-9-]{8,64}$");
    private static final Pattern ORDER_ID = Pattern.compile("^ord_[0-9a-f-]{36}$");

    private final CheckoutService checkout;
    private final CancellationService cancellations;
    private final String adminGroup;
    private final StructuredLog log;

    /** The services behind this function's routes. */
    public record Services(CheckoutService checkout, CancellationService cancellations) {
    }

    /** The template's default {@code AdminGroup}. */
    public static final String DEFAULT_ADMIN_GROUP = "cartwheel-admin";

    public CheckoutHandler() {
        this(AwsClientSettings.fromEnvironment());
    }

    private CheckoutHandler(AwsClientSettings settings) {
        this(compose(settings), settings.require("ADMIN_GROUP"), System.out);
    }

    public CheckoutHandler(Services services) {
        this(services, System.out);
    }

    public CheckoutHandler(Services services, java.io.PrintStream logOut) {
        this(services, DEFAULT_ADMIN_GROUP, logOut);
    }

    /**
     * @param adminGroup the group ({@code cognito:groups}) whose members, with the {@code orders/admin} scope, may read
     *                   any order with its audit trail
     * @param logOut     where the log lines go (standard output on Lambda; tests capture them)
     */
    public CheckoutHandler(Services services, String adminGroup, java.io.PrintStream logOut) {
        this.checkout = services.checkout();
        this.cancellations = services.cancellations();
        this.adminGroup = adminGroup;
        this.log = StructuredLog.forFunction("checkout", logOut);
    }

    /** The services wired to DynamoDB and SQS as template.yaml configures this function. */
    public static Services compose(AwsClientSettings settings) {
        DynamoDbClient dynamoDb = DynamoDbClients.create(settings);
        DynamoDbClients.primeOnCheckpoint(dynamoDb, settings.require("ORDERS_TABLE"), "orderId");
        DynamoDbOrderStore orders = new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"),
                settings.require("PRODUCTS_TABLE"), settings.require("IDEMPOTENCY_TABLE"),
                settings.require("SHIPPING_ADDRESSES_TABLE"));
        SqsStepPublisher publisher = new SqsStepPublisher(SqsClients.create(settings), Map.of(
                Step.INVENTORY, settings.require("INVENTORY_QUEUE_URL"),
                Step.PAYMENT, settings.require("PAYMENT_QUEUE_URL")));
        Clock clock = Clock.systemUTC();
        return new Services(
                new CheckoutService(orders, new DynamoDbProductCatalog(dynamoDb, settings.require("PRODUCTS_TABLE")),
                        new DynamoDbShopRules(dynamoDb, settings.require("PRODUCTS_TABLE")),
                        PricingMode.fromSetting(settings.require("PRICES_INCLUDE_TAX")),
                        publisher, clock, () -> "ord_" + UUID.randomUUID(),
                        CapturePolicy.fromSetting(settings.require("CAPTURE_ON")),
                        Integer.parseInt(settings.require("MAX_OPEN_ORDERS_PER_CUSTOMER"))),
                new CancellationService(orders, publisher, clock));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.respond(event, log, () -> switch (HttpApi.route(event)) {
            case "POST /orders" -> placeOrder(event);
            case "GET /orders" -> listOrders(event);
            case "GET /orders/{orderId}" -> getOrder(event);
            case "POST /orders/{orderId}/cancel" -> cancel(event);
            default -> HttpApi.problem(404, "not-found", "Not found", "no route " + HttpApi.route(event));
        });
    }

    private APIGatewayV2HTTPResponse placeOrder(APIGatewayV2HTTPEvent event) {
        Caller caller = HttpApi.caller(event);
        HttpApi.requireScope(caller, "orders/write");
        String correlationId = correlationId(event);
        PlaceOrderRequest request = HttpApi.body(event, PlaceOrderRequest.class);
        PlacedOrder placed = checkout.placeOrder(caller, HttpApi.idempotencyKey(event), request, correlationId);
        Order order = placed.order();
        log.info(new StructuredLog.Entry(event.getRequestContext().getRequestId(), order.orderId(),
                order.correlationId(), "checkout", placed.replayed() ? "replayed" : "placed", "order accepted"));
        return HttpApi.json(202, OrderJson.accepted(order), Map.of(
                "location", ApiJson.location(order),
                "idempotent-replayed", Boolean.toString(placed.replayed()),
                "x-correlation-id", order.correlationId()));
    }

    private APIGatewayV2HTTPResponse getOrder(APIGatewayV2HTTPEvent event) {
        Caller caller = HttpApi.caller(event);
        if (isAdmin(caller)) {
            // admins see any order, with its address, its audit trail (who refunded, fulfilled, cancelled, and when)
            // and the provider's reasons for refusals
            CheckoutService.AddressedOrder any = checkout.getAnyOrder(orderId(event));
            return HttpApi.json(200, OrderJson.admin(any.order(), any.address()), Map.of());
        }
        CheckoutService.AddressedOrder own = checkout.getOwnOrder(caller, orderId(event));
        return HttpApi.json(200, OrderJson.withNextAction(OrderJson.full(own.order(), own.address()), own.order(), caller),
                Map.of());
    }

    /** The caller may see any order and its audit trail: the admin scope alone is not enough, as for every admin route. */
    private boolean isAdmin(Caller caller) {
        return caller.hasScope("orders/admin") && caller.inGroup(adminGroup);
    }

    private APIGatewayV2HTTPResponse cancel(APIGatewayV2HTTPEvent event) {
        Caller caller = HttpApi.caller(event);
        HttpApi.requireScope(caller, "orders/write");
        String orderId = orderId(event);
        CancelBody body = hasBody(event) ? HttpApi.body(event, CancelBody.class) : new CancelBody(null);
        Order order = cancellations.cancel(caller, orderId, body.reason());
        log.info(new StructuredLog.Entry(event.getRequestContext().getRequestId(), order.orderId(),
                order.correlationId(), "checkout", order.status().name(), "cancellation recorded", caller.actor().sub()));
        return HttpApi.json(200, OrderJson.cancellation(order), Map.of("location", ApiJson.location(order)));
    }

    /** The path's order id; one that cannot exist is "not found" like any other unknown order. */
    private static String orderId(APIGatewayV2HTTPEvent event) {
        String orderId = HttpApi.pathParameter(event, "orderId");
        if (orderId == null || !ORDER_ID.matcher(orderId).matches()) {
            throw new dev.cartwheel.core.exceptions.OrderNotFoundException(String.valueOf(orderId));
        }
        return orderId;
    }

    private static boolean hasBody(APIGatewayV2HTTPEvent event) {
        return event.getBody() != null && !event.getBody().isBlank();
    }

    /** The optional body of {@code POST /orders/{orderId}/cancel}. */
    record CancelBody(String reason) {
    }

    private APIGatewayV2HTTPResponse listOrders(APIGatewayV2HTTPEvent event) {
        Caller caller = HttpApi.caller(event);
        int limit = HttpApi.limit(event, 20, 100);
        return HttpApi.json(200, OrderJson.page(checkout.listOrders(caller, HttpApi.queryParameter(event, "cursor"), limit)), Map.of());
    }

    private static String correlationId(APIGatewayV2HTTPEvent event) {
        String header = HttpApi.header(event, "x-correlation-id");
        if (header != null && CORRELATION_ID.matcher(header).matches()) {
            return header;
        }
        String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        return requestId != null && CORRELATION_ID.matcher(requestId).matches() ? requestId : UUID.randomUUID().toString();
    }
}
