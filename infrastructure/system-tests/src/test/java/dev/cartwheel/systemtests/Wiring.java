package dev.cartwheel.systemtests;

import dev.cartwheel.admin.AdminHandler;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.DynamoDbStockLedger;
import dev.cartwheel.core.catalog.StockService;
import dev.cartwheel.aws.dynamodb.DynamoDbEmailClaims;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.dynamodb.DynamoDbProductCatalog;
import dev.cartwheel.aws.ses.SesClients;
import dev.cartwheel.aws.ses.SesMailer;
import dev.cartwheel.aws.sqs.SqsClients;
import dev.cartwheel.aws.sqs.SqsStepPublisher;
import dev.cartwheel.checkout.CheckoutHandler;
import dev.cartwheel.core.cancellation.CancellationService;
import dev.cartwheel.core.checkout.CheckoutService;
import dev.cartwheel.core.fulfilment.FulfilmentService;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.refund.RefundService;
import dev.cartwheel.core.email.EmailRenderer;
import dev.cartwheel.core.email.EmailService;
import dev.cartwheel.core.inventory.InventoryService;
import dev.cartwheel.core.messaging.Step;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.payment.PaymentService;
import dev.cartwheel.core.reconciler.ReconcilerService;
import dev.cartwheel.email.EmailHandler;
import dev.cartwheel.inventory.CatalogHandler;
import dev.cartwheel.inventory.InventoryHandler;
import dev.cartwheel.payment.PaymentHandler;
import dev.cartwheel.reconciler.ReconcilerHandler;
import dev.cartwheel.systemtests.faults.DynamoDbFaults;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.FaultyPorts;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.LostResponses;
import dev.cartwheel.systemtests.faults.SesFaults;
import dev.cartwheel.systemtests.faults.TransactionWatch;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Composes every handler the way its composition root does (same adapters, same environment from template.yaml),
 * through the handlers' service constructors, with the fault decorators around the ports, a controllable clock for
 * the e-mail step (its claim lease) and the payment step (the payment timeout), and the log lines going to a capture instead of standard output.
 */
final class Wiring {

    final Faults faults;
    final MutableClock emailClock = new MutableClock();
    /** The payment step's clock: an expiry test moves it past the payment timeout. */
    final MutableClock paymentClock = new MutableClock();
    final FaultyPorts.Charges charges = new FaultyPorts.Charges();
    final LogCapture logs = new LogCapture();
    /**
     * An SES outage the test begins and ends: the e-mail step's SES client refuses every send while it lasts (and,
     * outside it, where the faults fire {@code SES_ERROR}).
     */
    final SesFaults ses;
    /** Every function's {@code TransactWriteItems}: how many met on one item, and why DynamoDB cancelled them. */
    final TransactionWatch transactions = new TransactionWatch();

    /** Where checkout takes a new order's id: a random UUID unless a test says (the soak derives them from its seed). */
    private volatile java.util.function.Supplier<String> orderIds = () -> "ord_" + UUID.randomUUID();

    Wiring(Faults faults) {
        this.faults = faults;
        this.ses = new SesFaults(faults);
    }

    /** Checkout takes its new orders' ids from {@code ids} (set before the pipeline builds the handlers). */
    Wiring withOrderIds(java.util.function.Supplier<String> ids) {
        this.orderIds = ids;
        return this;
    }

    /**
     * Another instance of the checkout function on the same stack, stamping {@code capture} on the orders it takes,
     * as after a {@code CaptureOn} change: the other steps follow each order's own stamp.
     */
    CheckoutHandler checkout(Pipeline pipeline, CapturePolicy capture) {
        return new CheckoutHandler(checkoutServices(pipeline, capture), logs.stream());
    }

    /**
     * The payment-webhook function as its composition root builds it, with the signing secret the stack's secret
     * holds, logging to the capture.
     */
    dev.cartwheel.paymentwebhook.PaymentWebhookHandler webhook(Pipeline pipeline) {
        String secret = pipeline.aws.secretsManager()
                .getSecretValue(r -> r.secretId(pipeline.stack.secretArn("PaymentWebhookSecret"))).secretString();
        return new dev.cartwheel.paymentwebhook.PaymentWebhookHandler(
                dev.cartwheel.paymentwebhook.PaymentWebhookHandler.compose(pipeline.settings("PaymentWebhookFunction")),
                () -> secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), Clock.systemUTC(), logs.stream());
    }

    Pipeline.Handlers handlers(Pipeline pipeline) {
        // A crashed invocation's messages come back after the queue's visibility timeout, which is longer than the
        // e-mail claim's lease: the e-mail step sees that much time pass before the redelivery.
        Duration redeliveryDelay = Duration.ofSeconds(Long.parseLong(String.valueOf(
                pipeline.stack.template().resolvedProperties("EmailQueue").get("VisibilityTimeout"))));
        faults.onFailedDelivery(point -> emailClock.advance(redeliveryDelay));
        PrintStream out = logs.stream();
        return new Pipeline.Handlers(
                new CheckoutHandler(checkout(pipeline), out),
                new CatalogHandler(CatalogHandler.compose(pipeline.settings("CatalogFunction"))),
                new InventoryHandler(inventory(pipeline), out),
                new PaymentHandler(payment(pipeline), out),
                new EmailHandler(email(pipeline), out),
                new AdminHandler(admin(pipeline), pipeline.settings("AdminFunction").require("ADMIN_GROUP"), out));
    }

    /** The admin function's services, its refunds calling the provider through the fault decorator. */
    private AdminHandler.Services admin(Pipeline pipeline) {
        AwsClientSettings settings = pipeline.settings("AdminFunction");
        DynamoDbClient dynamoDb = dynamoDb(settings);
        // no crash point after the admin's writes, only the race hooks (refunds and fulfilments racing other steps)
        OrderStore orders = FaultyPorts.orderStore(new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"), null, null,
                settings.require("SHIPPING_ADDRESSES_TABLE")), faults, null);
        StepPublisher publisher = publisher(settings, Map.of(Step.PAYMENT, "PAYMENT_QUEUE_URL", Step.EMAIL, "EMAIL_QUEUE_URL"), null);
        DynamoDbStockLedger ledger = new DynamoDbStockLedger(dynamoDb, settings.require("PRODUCTS_TABLE"),
                settings.require("STOCK_LEDGER_TABLE"));
        return new AdminHandler.Services(
                new RefundService(orders, FaultyPorts.gateway(pipeline.stripeGateway("AdminFunction"), faults, charges), publisher, Clock.systemUTC()),
                new FulfilmentService(orders, publisher, Clock.systemUTC()),
                new DynamoDbProductCatalog(dynamoDb, settings.require("PRODUCTS_TABLE")),
                new StockService(ledger, Clock.systemUTC()),
                ledger,
                new dev.cartwheel.core.pricing.ShopRulesService(
                        new dev.cartwheel.aws.dynamodb.DynamoDbShopRules(dynamoDb, settings.require("PRODUCTS_TABLE"))),
                new dev.cartwheel.core.fulfilment.FulfilmentQueue(orders));
    }

    private CheckoutHandler.Services checkout(Pipeline pipeline) {
        return checkoutServices(pipeline, CapturePolicy.fromSetting(pipeline.settings("CheckoutFunction").require("CAPTURE_ON")));
    }

    private CheckoutHandler.Services checkoutServices(Pipeline pipeline, CapturePolicy capture) {
        AwsClientSettings settings = pipeline.settings("CheckoutFunction");
        DynamoDbClient dynamoDb = dynamoDb(settings);
        // no crash point after checkout's writes, only the race hooks
        OrderStore orders = FaultyPorts.orderStore(new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"),
                settings.require("PRODUCTS_TABLE"), settings.require("IDEMPOTENCY_TABLE"),
                settings.require("SHIPPING_ADDRESSES_TABLE")), faults, null);
        StepPublisher publisher = publisher(settings, Map.of(Step.INVENTORY, "INVENTORY_QUEUE_URL",
                Step.PAYMENT, "PAYMENT_QUEUE_URL"), FaultPoint.CHECKOUT_CRASH_BEFORE_SEND);
        return new CheckoutHandler.Services(
                new CheckoutService(orders, new DynamoDbProductCatalog(dynamoDb, settings.require("PRODUCTS_TABLE")),
                        new dev.cartwheel.aws.dynamodb.DynamoDbShopRules(dynamoDb, settings.require("PRODUCTS_TABLE")),
                        dev.cartwheel.core.pricing.PricingMode.fromSetting(settings.require("PRICES_INCLUDE_TAX")),
                        publisher, Clock.systemUTC(), () -> orderIds.get(), capture,
                        Integer.parseInt(settings.require("MAX_OPEN_ORDERS_PER_CUSTOMER"))),
                new CancellationService(orders, publisher, Clock.systemUTC()));
    }

    private InventoryService inventory(Pipeline pipeline) {
        AwsClientSettings settings = pipeline.settings("InventoryFunction");
        return new InventoryService(
                orders(settings, true, false, FaultPoint.INVENTORY_CRASH_AFTER_COMMIT),
                publisher(settings, Map.of(Step.PAYMENT, "PAYMENT_QUEUE_URL", Step.EMAIL, "EMAIL_QUEUE_URL"),
                        FaultPoint.INVENTORY_CRASH_BEFORE_SEND),
                Clock.systemUTC());
    }

    private PaymentService payment(Pipeline pipeline) {
        AwsClientSettings settings = pipeline.settings("PaymentFunction");
        return new PaymentService(
                orders(settings, true, false, FaultPoint.PAYMENT_CRASH_AFTER_COMMIT),
                FaultyPorts.gateway(pipeline.stripeGateway("PaymentFunction"), faults, charges),
                publisher(settings, Map.of(Step.EMAIL, "EMAIL_QUEUE_URL"), FaultPoint.PAYMENT_CRASH_BEFORE_SEND),
                paymentClock,
                Duration.ofSeconds(Long.parseLong(settings.require("PAYMENT_TIMEOUT_SECONDS"))),
                Duration.ofDays(Long.parseLong(settings.require("AUTHORIZATION_HOLD_DAYS"))));
    }

    private EmailService email(Pipeline pipeline) {
        AwsClientSettings settings = pipeline.settings("EmailFunction");
        DynamoDbClient dynamoDb = dynamoDb(settings);
        return new EmailService(
                orders(settings, false, false, FaultPoint.EMAIL_CRASH_AFTER_COMMIT),
                new DynamoDbEmailClaims(dynamoDb, settings.require("IDEMPOTENCY_TABLE")),
                FaultyPorts.mailer(new SesMailer(ses(settings), settings.require("SENDER_EMAIL")), faults),
                new EmailRenderer(),
                emailClock,
                EmailHandler.CLAIM_LEASE);
    }

    /**
     * The pipeline's routes, each delivering a batch twice (same message ids, as SQS does when a visibility timeout
     * runs out during processing) whenever {@link FaultPoint#REDELIVERY} fires.
     */
    Map<String, java.util.function.Function<SQSEvent, SQSBatchResponse>> routes(Pipeline pipeline) {
        Map<String, java.util.function.Function<SQSEvent, SQSBatchResponse>> routes = new java.util.LinkedHashMap<>();
        pipeline.routes().forEach((url, handler) -> routes.put(url, event -> {
            if (faults.fire(FaultPoint.REDELIVERY, null)) {
                handler.apply(event);
            }
            return handler.apply(event);
        }));
        return routes;
    }

    /**
     * How far ahead of real time a reconciler's clock must run for orders placed moments ago to count as stuck
     * (older than the template's {@code StuckAfterSeconds}) but not yet overdue for payment
     * ({@code PaymentTimeoutSeconds}): half way between the two.
     */
    Duration nudgeAge(Pipeline pipeline) {
        Map<String, String> environment = pipeline.environment("ReconcilerFunction");
        long stuck = Long.parseLong(environment.get("STUCK_AFTER_SECONDS"));
        long timeout = Long.parseLong(environment.get("PAYMENT_TIMEOUT_SECONDS"));
        if (timeout <= stuck + 1) {
            throw new IllegalStateException("PaymentTimeoutSeconds must exceed StuckAfterSeconds for this test");
        }
        return Duration.ofSeconds((stuck + timeout) / 2);
    }

    /** How far ahead a clock must run for orders placed moments ago to be overdue for payment. */
    Duration overdueAge(Pipeline pipeline) {
        return Duration.ofSeconds(Long.parseLong(pipeline.environment("ReconcilerFunction").get("PAYMENT_TIMEOUT_SECONDS")) + 60);
    }

    /**
     * The reconciler as its composition root builds it, with a clock {@code ahead} of real time so that orders
     * placed moments ago count as older than the template's {@code StuckAfterSeconds}.
     */
    ReconcilerHandler reconciler(Pipeline pipeline, Duration ahead) {
        AwsClientSettings settings = pipeline.settings("ReconcilerFunction");
        return new ReconcilerHandler(new ReconcilerService(
                new DynamoDbOrderStore(dynamoDb(settings), settings.require("ORDERS_TABLE"), null, null),
                publisher(settings, Map.of(Step.INVENTORY, "INVENTORY_QUEUE_URL", Step.PAYMENT, "PAYMENT_QUEUE_URL",
                        Step.EMAIL, "EMAIL_QUEUE_URL"), null),
                Clock.offset(Clock.systemUTC(), ahead),
                Duration.ofSeconds(Long.parseLong(settings.require("STUCK_AFTER_SECONDS"))),
                Duration.ofSeconds(Long.parseLong(settings.require("PAYMENT_TIMEOUT_SECONDS"))),
                Duration.ofDays(Long.parseLong(settings.require("AUTHORIZATION_HOLD_DAYS")))), logs.stream());
    }

    private OrderStore orders(AwsClientSettings settings, boolean products, boolean idempotency, FaultPoint afterCommit) {
        return FaultyPorts.orderStore(new DynamoDbOrderStore(dynamoDb(settings), settings.require("ORDERS_TABLE"),
                products ? settings.require("PRODUCTS_TABLE") : null,
                idempotency ? settings.require("IDEMPOTENCY_TABLE") : null, addressesTable(settings)), faults, afterCommit);
    }

    /** The shipping addresses table, for the functions the template gives it (checkout, e-mail). */
    private static String addressesTable(AwsClientSettings settings) {
        try {
            return settings.require("SHIPPING_ADDRESSES_TABLE");
        } catch (IllegalStateException notGiven) {
            return null;
        }
    }

    private StepPublisher publisher(AwsClientSettings settings, Map<Step, String> queueVariables, FaultPoint beforeSend) {
        Map<Step, String> urls = new java.util.EnumMap<>(Step.class);
        queueVariables.forEach((step, variable) -> urls.put(step, settings.require(variable)));
        return FaultyPorts.publisher(new SqsStepPublisher(SqsClients.create(settings), urls), faults, beforeSend);
    }

    /** The function's DynamoDB client as {@code DynamoDbClients.create} builds it, plus the fault interceptor. */
    private DynamoDbClient dynamoDb(AwsClientSettings settings) {
        return settings.configure(DynamoDbClient.builder(), "DYNAMODB")
                .httpClientBuilder(settings.httpClient())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new DynamoDbFaults(faults))
                        .addExecutionInterceptor(new LostResponses(faults))
                        // last: it must see only the transactions the fault interceptors let go out
                        .addExecutionInterceptor(transactions))
                .build();
    }

    /** The function's SES client as {@code SesClients.create} builds it, plus the outage interceptor. */
    private software.amazon.awssdk.services.sesv2.SesV2Client ses(AwsClientSettings settings) {
        return settings.configure(software.amazon.awssdk.services.sesv2.SesV2Client.builder(), "SESV2")
                .httpClientBuilder(settings.httpClient())
                .overrideConfiguration(c -> c.addExecutionInterceptor(ses))
                .build();
    }
}
