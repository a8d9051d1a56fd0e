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
import dev.cartwheel.core.fulfilment.FulfilmentQueue;
import dev.cartwheel.core.pricing.PricingMode;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.aws.sqs.SqsClients;
import dev.cartwheel.aws.sqs.SqsStepPublisher;
import dev.cartwheel.aws.payment.DynamoDbSimulatedPaymentGateway;
import dev.cartwheel.core.cancellation.CancellationService;
import dev.cartwheel.core.checkout.Caller;
import dev.cartwheel.core.checkout.CheckoutService;
import dev.cartwheel.core.checkout.PlaceOrderRequest;
import dev.cartwheel.core.checkout.PlacedOrder;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.fulfilment.FulfilmentService;
import dev.cartwheel.core.messaging.Step;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.refund.IssuedRefund;
import dev.cartwheel.core.refund.RefundRequest;
import dev.cartwheel.core.refund.RefundService;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code POST /orders}, {@code GET /orders}, {@code GET /orders/{orderId}}, {@code POST /orders/{orderId}/cancel}
 * {@code POST /orders/{orderId}/refunds}, {@code POST /orders/{orderId}/fulfilment} and {@code GET /admin/orders}
 * ({@link AdminOrdersRoute}) behind the HTTP API's JWT authorizer.
 * A composition root: the no-arg constructor wires the real adapters once, at init.
 */
public final class CheckoutHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Pattern CORRELATION_ID = Pattern.compile("^[A-Za-z0-9-]{8,64}$");
    private static final Pattern ORDER_ID = Pattern.compile("^ord_[0-9a-f-]{36}$");

    private final CheckoutService checkout;
    private final CancellationService cancellations;
    private final RefundService refunds;
    private final FulfilmentService fulfilments;
    private final StructuredLog log;
    private final AdminOrdersRoute adminOrders;

    /** The services behind this function's routes. */
    public record Services(CheckoutService checkout, CancellationService cancellations, RefundService refunds,
                           FulfilmentService fulfilments, FulfilmentQueue queue) {
    }

    public CheckoutHandler() {
        this(compose(AwsClientSettings.fromEnvironment()));
    }

    public CheckoutHandler(Services services) {
        this(services, System.out);
    }

    /** @param logOut where the log lines go (standard output on Lambda; tests capture them) */
    public CheckoutHandler(Services services, java.io.PrintStream logOut) {
        this.checkout = services.checkout();
        this.cancellations = services.cancellations();
        this.refunds = services.refunds();
        this.fulfilments = services.fulfilments();
        this.log = StructuredLog.forFunction("checkout", logOut);
        this.adminOrders = new AdminOrdersRoute(services.queue());
    }

    /** The services wired to DynamoDB, SQS and the payment provider as template.yaml configures this function. */
    public static Services compose(AwsClientSettings settings) {
        DynamoDbClient dynamoDb = DynamoDbClients.create(settings);
        DynamoDbClients.primeOnCheckpoint(dynamoDb, settings.require("ORDERS_TABLE"), "orderId");
        DynamoDbOrderStore orders = new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"),
                settings.require("PRODUCTS_TABLE"), settings.require("IDEMPOTENCY_TABLE"),
                settings.require("SHIPPING_ADDRESSES_TABLE"));
        SqsStepPublisher publisher = new SqsStepPublisher(SqsClients.create(settings), Map.of(
                Step.INVENTORY, settings.require("INVENTORY_QUEUE_URL"),
                Step.PAYMENT, settings.require("PAYMENT_QUEUE_URL"),
                Step.EMAIL, settings.require("EMAIL_QUEUE_URL")));
        Clock clock = Clock.systemUTC();
        return new Services(
                new CheckoutService(orders, new DynamoDbProductCatalog(dynamoDb, settings.require("PRODUCTS_TABLE")),
                        new DynamoDbShopRules(dynamoDb, settings.require("PRODUCTS_TABLE")),
                        PricingMode.fromSetting(settings.require("PRICES_INCLUDE_TAX")),
                        publisher, clock, () -> "ord_" + UUID.randomUUID(),
                        CapturePolicy.fromSetting(settings.require("CAPTURE_ON"))),
                new CancellationService(orders, publisher, clock),
                new RefundService(orders,
                        new DynamoDbSimulatedPaymentGateway(dynamoDb, settings.require("SIMULATED_PAYMENTS_TABLE")),
                        publisher, clock),
                new FulfilmentService(orders, publisher, clock),
                new FulfilmentQueue(orders));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.respond(event, log, () -> switch (HttpApi.route(event)) {
            case "POST /orders" -> placeOrder(event);
            case "GET /orders" -> listOrders(event);
            case "GET /orders/{orderId}" -> getOrder(event);
            case "POST /orders/{orderId}/cancel" -> cancel(event);
            case "POST /orders/{orderId}/refunds" -> refund(event);
            case "POST /orders/{orderId}/fulfilment" -> fulfil(event);
            case AdminOrdersRoute.ROUTE -> adminOrders.handle(event);
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
                "location", OrderJson.location(order),
                "idempotent-replayed", Boolean.toString(placed.replayed()),
                "x-correlation-id", order.correlationId()));
    }

    private APIGatewayV2HTTPResponse getOrder(APIGatewayV2HTTPEvent event) {
        Caller caller = HttpApi.caller(event);
        CheckoutService.OwnOrder own = checkout.getOwnOrder(caller, orderId(event));
        return HttpApi.json(200, OrderJson.full(own.order(), own.address()), Map.of());
    }

    private APIGatewayV2HTTPResponse cancel(APIGatewayV2HTTPEvent event) {
        Caller caller = HttpApi.caller(event);
        HttpApi.requireScope(caller, "orders/write");
        String orderId = orderId(event);
        CancelBody body = hasBody(event) ? HttpApi.body(event, CancelBody.class) : new CancelBody(null);
        Order order = cancellations.cancel(caller, orderId, body.reason());
        log.info(new StructuredLog.Entry(event.getRequestContext().getRequestId(), order.orderId(),
                order.correlationId(), "checkout", order.status().name(), "cancellation recorded"));
        return HttpApi.json(200, OrderJson.cancellation(order), Map.of("location", OrderJson.location(order)));
    }

    private APIGatewayV2HTTPResponse refund(APIGatewayV2HTTPEvent event) {
        HttpApi.requireScope(HttpApi.caller(event), "orders/admin");
        String orderId = orderId(event);
        RefundBody body = HttpApi.body(event, RefundBody.class);
        IssuedRefund issued = refunds.refund(orderId, HttpApi.idempotencyKey(event), body.toRequest());
        log.info(new StructuredLog.Entry(event.getRequestContext().getRequestId(), orderId,
                issued.order().correlationId(), "checkout", issued.replayed() ? "replayed" : "refunded", "refund issued"));
        return HttpApi.json(201, OrderJson.refund(issued.order(), issued.refund()), Map.of(
                "location", OrderJson.location(issued.order()),
                "idempotent-replayed", Boolean.toString(issued.replayed())));
    }

    private APIGatewayV2HTTPResponse fulfil(APIGatewayV2HTTPEvent event) {
        HttpApi.requireScope(HttpApi.caller(event), "orders/admin");
        String orderId = orderId(event);
        FulfilmentBody body = hasBody(event) ? HttpApi.body(event, FulfilmentBody.class) : new FulfilmentBody(null);
        Order order = fulfilments.fulfil(orderId, body.trackingNumber());
        log.info(new StructuredLog.Entry(event.getRequestContext().getRequestId(), orderId, order.correlationId(),
                "checkout", order.status().name(), "fulfilment recorded"));
        // 200 once FULFILLED; 202 while the capture (or the confirmation e-mail) that leads there is on its way
        return HttpApi.json(order.isIn(OrderStatus.FULFILLED) ? 200 : 202, OrderJson.fulfilment(order),
                Map.of("location", OrderJson.location(order)));
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

    /** The optional body of {@code POST /orders/{orderId}/fulfilment}. */
    record FulfilmentBody(String trackingNumber) {
    }

    /** The body of {@code POST /orders/{orderId}/refunds}. */
    record RefundBody(AmountBody amount, String reason) {

        RefundRequest toRequest() {
            if (amount == null || amount.amount() == null || amount.amount() < 1 || amount.amount() > 100_000_000_000L) {
                throw new InvalidRequestException(InvalidRequestException.Problem.INVALID_FIELD, "/amount/amount",
                        "amount.amount must be a positive integer number of minor units");
            }
            try {
                return new RefundRequest(new Money(amount.amount(), amount.currency() == null ? "" : amount.currency()), reason);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(InvalidRequestException.Problem.INVALID_FIELD, "/amount/currency",
                        "amount.currency must be an ISO 4217 code");
            }
        }
    }

    /** An amount in integer minor units of an ISO 4217 currency, as everywhere in the API. */
    record AmountBody(Long amount, String currency) {
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
