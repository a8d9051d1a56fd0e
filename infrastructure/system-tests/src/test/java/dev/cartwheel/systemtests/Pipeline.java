package dev.cartwheel.systemtests;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartwheel.admin.AdminHandler;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.checkout.CheckoutHandler;
import dev.cartwheel.email.EmailHandler;
import dev.cartwheel.inventory.CatalogHandler;
import dev.cartwheel.inventory.InventoryHandler;
import dev.cartwheel.payment.PaymentHandler;
import dev.cartwheel.testing.AwsEnvironment;
import dev.cartwheel.testing.ProvisionedStack;
import dev.cartwheel.testing.PumpResult;
import dev.cartwheel.testing.QueuePump;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.function.Function;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.emulators.stripe.StripeSimulator;
import java.time.Duration;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The whole pipeline for one test: template.yaml provisioned under a fresh prefix, every handler built by its own
 * composition root with exactly the environment the template gives its function, and helpers to drive it.
 */
final class Pipeline {

    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * For tests that place many orders for one customer before draining: lifts the template's
     * MaxOpenOrdersPerCustomer (default 5) out of their way.
     */
    static final Map<String, String> NO_OPEN_ORDER_LIMIT = Map.of("MaxOpenOrdersPerCustomer", "1000000");

    /**
     * Stripe, simulated: one for the whole test run (its state is per PaymentIntent and key, and every order id is
     * new). Each pipeline's stack gets its API base, API key and webhook signing secret.
     */
    static final StripeSimulator STRIPE = StripeSimulator.start();

    final AwsEnvironment aws;
    final StripeSimulator stripe;
    final ProvisionedStack stack;
    final CheckoutHandler checkout;
    final CatalogHandler catalog;
    final InventoryHandler inventory;
    final PaymentHandler payment;
    final EmailHandler email;
    final AdminHandler admin;

    Pipeline(AwsEnvironment aws) {
        this(aws, Pipeline::composed);
    }

    /** A pipeline whose handlers {@code wiring} builds once the stack is provisioned (e.g. {@link Wiring} with faults). */
    Pipeline(AwsEnvironment aws, Function<Pipeline, Handlers> wiring) {
        this(aws, Map.of(), wiring);
    }

    /** A pipeline of template.yaml with {@code parameters} overridden (e.g. {@code CaptureOn=fulfilment}). */
    Pipeline(AwsEnvironment aws, Map<String, String> parameters, Function<Pipeline, Handlers> wiring) {
        this(aws, parameters, STRIPE, wiring);
    }

    /**
     * A pipeline paying at a Stripe simulator of its own (the soak reads that simulator's whole state as its
     * payments), with {@code parameters} overridden.
     */
    Pipeline(AwsEnvironment aws, Map<String, String> parameters, StripeSimulator stripe, Function<Pipeline, Handlers> wiring) {
        this.aws = aws;
        this.stripe = stripe;
        Map<String, String> withStripe = new HashMap<>(parameters);
        withStripe.putIfAbsent("StripeApiBase", stripe.baseUrl().toString());
        this.stack = aws.provision(Root.path("template.yaml"), withStripe);
        aws.secretsManager().putSecretValue(r -> r.secretId(stack.secretArn("StripeApiKeySecret")).secretString(stripe.apiKey()));
        aws.secretsManager().putSecretValue(r -> r.secretId(stack.secretArn("PaymentWebhookSecret"))
                .secretString(stripe.webhookSecret()));
        seedShopRules();
        Handlers handlers = wiring.apply(this);
        this.checkout = handlers.checkout();
        this.catalog = handlers.catalog();
        this.inventory = handlers.inventory();
        this.payment = handlers.payment();
        this.email = handlers.email();
        this.admin = handlers.admin();
    }

    /** The handlers of one pipeline. */
    record Handlers(CheckoutHandler checkout, CatalogHandler catalog, InventoryHandler inventory, PaymentHandler payment,
                    EmailHandler email, AdminHandler admin) {
    }

    /** Every handler built by its own composition root, as on Lambda. */
    static Handlers composed(Pipeline pipeline) {
        return new Handlers(
                new CheckoutHandler(CheckoutHandler.compose(pipeline.settings("CheckoutFunction"))),
                new CatalogHandler(CatalogHandler.compose(pipeline.settings("CatalogFunction"))),
                new InventoryHandler(InventoryHandler.compose(pipeline.settings("InventoryFunction"))),
                new PaymentHandler(PaymentHandler.compose(pipeline.settings("PaymentFunction"))),
                new EmailHandler(EmailHandler.compose(pipeline.settings("EmailFunction"))),
                pipeline.composedAdmin());
    }

    /** The admin function as its composition root builds it, with the template's admin group. */
    AdminHandler composedAdmin() {
        AwsClientSettings settings = settings("AdminFunction");
        return new AdminHandler(AdminHandler.compose(settings), settings.require("ADMIN_GROUP"));
    }

    /** The settings a function gets on Lambda: the template's variables plus the runtime's (region, credentials, endpoints). */
    AwsClientSettings settings(String function) {
        return new AwsClientSettings(environment(function));
    }

    Map<String, String> environment(String function) {
        Map<String, String> env = new HashMap<>(aws.sdkEnvironment());
        env.putAll(stack.environment(function));
        return env;
    }

    String queueUrl(String logicalId) {
        return stack.queueUrl(logicalId);
    }

    String table(String logicalId) {
        return stack.tableName(logicalId);
    }

    /** Puts a product with its stock straight into the table. */
    void seed(String sku, String name, long priceAmount, long available) {
        aws.dynamoDb().putItem(b -> b.tableName(table("ProductsTable")).item(Map.of(
                "sku", AttributeValue.fromS(sku), "name", AttributeValue.fromS(name),
                "priceAmount", AttributeValue.fromN(Long.toString(priceAmount)), "currency", AttributeValue.fromS("USD"),
                "available", AttributeValue.fromN(Long.toString(available)),
                "reserved", AttributeValue.fromN("0"), "sold", AttributeValue.fromN("0"))));
    }

    /**
     * The shop's default rules for the tests: one method, {@code standard}, free within the US, and no US tax without a
     * region; so the order totals the older tests assert stay the sum of their lines. Tests of shipping and tax set
     * their own through the API.
     */
    void seedShopRules() {
        dev.cartwheel.aws.dynamodb.DynamoDbShopRules rules =
                new dev.cartwheel.aws.dynamodb.DynamoDbShopRules(aws.dynamoDb(), table("ProductsTable"));
        rules.putShippingMethod(new dev.cartwheel.core.shipping.ShippingMethod("standard", "Standard", List.of(
                new dev.cartwheel.core.shipping.ShippingZone("domestic", java.util.Set.of("US"),
                        new dev.cartwheel.core.money.Money(0, "USD"))), null, 3, 5));
        rules.putTaxRates(new dev.cartwheel.core.tax.CountryTaxRates("US", new dev.cartwheel.core.tax.TaxRateSet(
                dev.cartwheel.core.tax.TaxRate.ZERO, Map.of()), Map.of()));
    }

    /** The address every order of the tests ships to unless a test says otherwise (no region: no US sales tax). */
    static final String ADDRESS = "{\"name\":\"Ada Lovelace\",\"line1\":\"12 Main Street\",\"city\":\"Springfield\","
            + "\"postalCode\":\"62701\",\"country\":\"US\"}";

    /** {available, reserved, sold} of a SKU. */
    long[] stock(String sku) {
        Map<String, AttributeValue> item = aws.dynamoDb().getItem(b -> b.tableName(table("ProductsTable"))
                .key(Map.of("sku", AttributeValue.fromS(sku))).consistentRead(true)).item();
        return new long[] {Long.parseLong(item.get("available").n()), Long.parseLong(item.get("reserved").n()),
                Long.parseLong(item.get("sold").n())};
    }

    int count(String tableLogicalId) {
        return aws.dynamoDb().scan(b -> b.tableName(table(tableLogicalId)).select("COUNT")).count();
    }

    /** The sample webhook request with {@code body} and {@code Stripe-Signature}. */
    static APIGatewayV2HTTPEvent stripeWebhook(String body, String signature) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "payment-webhook.json").toString());
        Map<String, String> headers = new LinkedHashMap<>(event.getHeaders());
        headers.put("stripe-signature", signature);
        event.setHeaders(headers);
        event.setBody(body);
        event.getRequestContext().setRequestId(UUID.randomUUID().toString());
        return event;
    }

    /** A {@code POST /orders} event built from events/checkout-post-order.json for this customer, key and body. */
    static APIGatewayV2HTTPEvent postOrder(String customer, String email, String idempotencyKey, String body) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "checkout-post-order.json").toString());
        Map<String, String> headers = new LinkedHashMap<>(event.getHeaders());
        if (idempotencyKey == null) {
            headers.remove("idempotency-key");
        } else {
            headers.put("idempotency-key", idempotencyKey);
        }
        event.setHeaders(headers);
        event.setBody(body);
        asCustomer(event, customer, email);
        event.getRequestContext().setRequestId(UUID.randomUUID().toString());
        return event;
    }

    static APIGatewayV2HTTPEvent getOrder(String customer, String orderId) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "checkout-get-order.json").toString());
        event.setPathParameters(Map.of("orderId", orderId));
        event.setRawPath("/orders/" + orderId);
        event.getRequestContext().getHttp().setPath("/orders/" + orderId);
        asCustomer(event, customer, customer + "@example.com");
        return event;
    }

    static APIGatewayV2HTTPEvent listOrders(String customer, String cursor, int limit) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "checkout-list-orders.json").toString());
        Map<String, String> query = new HashMap<>();
        query.put("limit", Integer.toString(limit));
        if (cursor != null) {
            query.put("cursor", cursor);
        }
        event.setQueryStringParameters(query);
        asCustomer(event, customer, customer + "@example.com");
        return event;
    }

    /** A {@code POST /orders/{orderId}/cancel} event built from events/checkout-cancel-order.json; {@code body} may be null. */
    static APIGatewayV2HTTPEvent cancelOrder(String customer, String orderId, String body) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "checkout-cancel-order.json").toString());
        event.setPathParameters(Map.of("orderId", orderId));
        event.setRawPath("/orders/" + orderId + "/cancel");
        event.getRequestContext().getHttp().setPath("/orders/" + orderId + "/cancel");
        event.getRequestContext().setRequestId(UUID.randomUUID().toString());
        event.setBody(body);
        asCustomer(event, customer, customer + "@example.com");
        return event;
    }

    /**
     * A {@code POST /orders/{orderId}/refunds} event built from events/admin-refund-order.json, by a caller with
     * the given scopes (the sample's admin has {@code orders/read orders/admin} and is in the admin group).
     */
    static APIGatewayV2HTTPEvent refundOrder(String scopes, String orderId, String idempotencyKey, String body) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-refund-order.json").toString());
        event.setPathParameters(Map.of("orderId", orderId));
        event.setRawPath("/orders/" + orderId + "/refunds");
        event.getRequestContext().getHttp().setPath("/orders/" + orderId + "/refunds");
        event.getRequestContext().setRequestId(UUID.randomUUID().toString());
        Map<String, String> headers = new LinkedHashMap<>(event.getHeaders());
        headers.put("idempotency-key", idempotencyKey);
        event.setHeaders(headers);
        event.setBody(body);
        withScopes(event, scopes);
        return event;
    }

    static String refundBody(long amount, String reason) {
        return "{\"amount\":{\"amount\":" + amount + ",\"currency\":\"USD\"},\"reason\":\"" + reason + "\"}";
    }

    /** A {@code POST /orders/{orderId}/fulfilment} event built from events/admin-fulfil-order.json; {@code body} may be null. */
    static APIGatewayV2HTTPEvent fulfilOrder(String scopes, String orderId, String body) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-fulfil-order.json").toString());
        event.setPathParameters(Map.of("orderId", orderId));
        event.setRawPath("/orders/" + orderId + "/fulfilment");
        event.getRequestContext().getHttp().setPath("/orders/" + orderId + "/fulfilment");
        event.getRequestContext().setRequestId(UUID.randomUUID().toString());
        event.setBody(body);
        withScopes(event, scopes);
        return event;
    }

    /** The event's caller is in exactly these groups ({@code cognito:groups} as API Gateway passes it: {@code "[a b]"}). */
    static APIGatewayV2HTTPEvent withGroups(APIGatewayV2HTTPEvent event, String... groups) {
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        if (groups.length == 0) {
            claims.remove("cognito:groups");
        } else {
            claims.put("cognito:groups", "[" + String.join(" ", groups) + "]");
        }
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        return event;
    }

    /** The event's caller has exactly {@code scopes} (space-separated, as in the token's {@code scope} claim). */
    private static void withScopes(APIGatewayV2HTTPEvent event, String scopes) {
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.put("scope", scopes);
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
    }

    APIGatewayV2HTTPResponse fulfil(String orderId, String trackingNumber) {
        return admin.handleRequest(fulfilOrder("orders/read orders/admin", orderId,
                trackingNumber == null ? null : "{\"trackingNumber\":\"" + trackingNumber + "\"}"), null);
    }

    /**
     * {@code GET /orders/{orderId}} by an admin ({@code support-agent-1}, scope {@code orders/admin}, in the admin group):
     * any order, its audit trail and internal reasons.
     */
    JsonNode adminOrder(String orderId) {
        APIGatewayV2HTTPEvent event = getOrder("support-agent-1", orderId);
        withScopes(event, "orders/read orders/admin");
        withGroups(event, CheckoutHandler.DEFAULT_ADMIN_GROUP);
        APIGatewayV2HTTPResponse response = checkout.handleRequest(event, null);
        if (response.getStatusCode() != 200) {
            throw new AssertionError("expected 200, got " + response.getStatusCode() + " " + response.getBody());
        }
        return json(response);
    }

    APIGatewayV2HTTPResponse cancel(String customer, String orderId, String body) {
        return checkout.handleRequest(cancelOrder(customer, orderId, body), null);
    }

    APIGatewayV2HTTPResponse refund(String orderId, String idempotencyKey, long amount, String reason) {
        return admin.handleRequest(refundOrder("orders/read orders/admin", orderId, idempotencyKey,
                refundBody(amount, reason)), null);
    }

    /** What Stripe did for an order, by idempotency key, e.g. {@code ord_1:refund:k1 -> 500} (a void: 0). */
    Map<String, Long> paymentAmounts(String orderId) {
        Map<String, Long> amounts = new java.util.TreeMap<>();
        carriedOut(orderId).forEach(request -> amounts.put(request.idempotencyKey(), request.amount()));
        return amounts;
    }

    /** The POSTs Stripe carried out (or declined) for an order: refused and failed requests moved nothing. */
    private List<StripeSimulator.KeyedRequest> carriedOut(String orderId) {
        return stripe.keyedRequests(orderId + ":").stream()
                .filter(request -> request.status() < 400 || request.status() == 402).toList();
    }

    /** The order's PaymentIntent at Stripe (the simulator's object). */
    JsonNode paymentIntent(String orderId) {
        List<JsonNode> intents = stripe.paymentIntentsOfOrder(orderId);
        if (intents.size() != 1) {
            throw new AssertionError("expected one PaymentIntent for " + orderId + ", found " + intents.size());
        }
        return intents.getFirst();
    }

    /** The Stripe adapter as the payment function composes it, with short timeouts for tests. */
    dev.cartwheel.aws.stripe.StripePaymentGateway stripeGateway(String function) {
        return dev.cartwheel.aws.stripe.StripePaymentGateway.compose(settings(function), STRIPE_CLIENT);
    }

    /** Timeouts and back-off short enough for tests, the same retry rules. */
    static final dev.cartwheel.aws.stripe.StripeClient.Settings STRIPE_CLIENT = new dev.cartwheel.aws.stripe.StripeClient.Settings(
            Duration.ofSeconds(2), Duration.ofSeconds(3), 3, Duration.ofMillis(10));

    static void asCustomer(APIGatewayV2HTTPEvent event, String customer, String email) {
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.put("sub", customer);
        if (email == null) {
            claims.remove("email");
        } else {
            claims.put("email", email);
        }
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
    }

    static String orderBody(String token, Object... skuQuantityPairs) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < skuQuantityPairs.length; i += 2) {
            items.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(skuQuantityPairs[i])
                    .append("\",\"quantity\":").append(skuQuantityPairs[i + 1]).append('}');
        }
        return "{\"items\":[" + items + "],\"paymentToken\":\"" + token + "\",\"shippingAddress\":" + ADDRESS
                + ",\"shippingMethod\":\"standard\"}";
    }

    /** Places an order and returns its id, asserting the 202. */
    String place(String customer, String body) {
        APIGatewayV2HTTPResponse response = checkout.handleRequest(
                postOrder(customer, customer + "@example.com", "key-" + UUID.randomUUID(), body), null);
        if (response.getStatusCode() != 202) {
            throw new AssertionError("expected 202, got " + response.getStatusCode() + " " + response.getBody());
        }
        return json(response).get("orderId").asText();
    }

    JsonNode order(String customer, String orderId) {
        APIGatewayV2HTTPResponse response = checkout.handleRequest(getOrder(customer, orderId), null);
        if (response.getStatusCode() != 200) {
            throw new AssertionError("expected 200, got " + response.getStatusCode() + " " + response.getBody());
        }
        return json(response);
    }

    static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return JSON.readTree(response.getBody());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pumps every step's queue into its handler until all are empty, as the event source mappings would. */
    List<PumpResult> drain() {
        return drain(routes());
    }

    List<PumpResult> drain(Map<String, Function<SQSEvent, SQSBatchResponse>> routes) {
        return aws.queuePump().drain(routes, Duration.ofSeconds(60));
    }

    /** Each step's queue URL with the handler its event source mapping invokes. */
    Map<String, Function<SQSEvent, SQSBatchResponse>> routes() {
        Map<String, Function<SQSEvent, SQSBatchResponse>> routes = new LinkedHashMap<>();
        routes.put(queueUrl("InventoryQueue"), event -> inventory.handleRequest(event, null));
        routes.put(queueUrl("PaymentQueue"), event -> payment.handleRequest(event, null));
        routes.put(queueUrl("EmailQueue"), event -> email.handleRequest(event, null));
        return routes;
    }

    /**
     * Pumps every step's queue with {@code threads} pumps at once, as concurrent Lambda instances would, until all
     * queues are empty (nothing visible, in flight or delayed): each pump delivers until a round over the queues finds
     * nothing, then looks whether every queue is empty, and waits for that (Awaitility) at most {@code timeout}.
     */
    void drainInParallel(Map<String, Function<SQSEvent, SQSBatchResponse>> routes, int threads, Duration timeout) {
        QueuePump pump = aws.queuePump();
        java.util.concurrent.atomic.AtomicInteger pumps = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads,
                work -> new Thread(work, "pump-" + pumps.incrementAndGet()));
        try {
            List<java.util.concurrent.Future<?>> workers = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> Awaitility.await("every queue drained (nothing visible, in flight or delayed)")
                        .atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                        .until(() -> deliverUntilNothingIsVisible(pump, routes)
                                && routes.keySet().stream().allMatch(url -> pump.approximateCount(url) == 0))));
            }
            for (java.util.concurrent.Future<?> worker : workers) {
                worker.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ConditionTimeoutException timedOut) {
                throw timedOut;
            }
            throw new IllegalStateException("a pump failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Rounds of one receive per queue until a round receives nothing; always true (the caller then checks the depths). */
    private static boolean deliverUntilNothingIsVisible(QueuePump pump, Map<String, Function<SQSEvent, SQSBatchResponse>> routes) {
        boolean delivered;
        do {
            delivered = false;
            for (var route : routes.entrySet()) {
                delivered |= !pump.pumpOnce(route.getKey(), route.getValue()).isEmpty();
            }
        } while (delivered);
        return true;
    }

    /** {available, reserved, sold} of a SKU, and every SKU's counters (the shop's rules, items without stock, skipped). */
    Map<String, long[]> allStock() {
        Map<String, long[]> stock = new java.util.TreeMap<>();
        aws.dynamoDb().scanPaginator(b -> b.tableName(table("ProductsTable")).consistentRead(true)).items().stream()
                .filter(item -> item.containsKey("available"))
                .forEach(item -> stock.put(item.get("sku").s(), new long[] {Long.parseLong(item.get("available").n()),
                        Long.parseLong(item.get("reserved").n()), Long.parseLong(item.get("sold").n())}));
        return stock;
    }

    /** What Stripe did for an order ({@code orderId:authorize}, {@code orderId:capture}), by operation. */
    Map<String, Integer> paymentOperations(String orderId) {
        Map<String, Integer> operations = new java.util.TreeMap<>();
        carriedOut(orderId).forEach(request -> operations.merge(request.operation(), 1, Integer::sum));
        return operations;
    }

    /** Takes every message out of a queue (a DLQ, typically) and returns them. */
    List<software.amazon.awssdk.services.sqs.model.Message> takeAll(String queueLogicalId) {
        String url = queueUrl(queueLogicalId);
        List<software.amazon.awssdk.services.sqs.model.Message> taken = new java.util.ArrayList<>();
        while (true) {
            List<software.amazon.awssdk.services.sqs.model.Message> batch = aws.sqs().receiveMessage(b -> b.queueUrl(url)
                    .maxNumberOfMessages(10).waitTimeSeconds(0).messageAttributeNames("All")
                    .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")).messages();
            if (batch.isEmpty()) {
                return taken;
            }
            for (var message : batch) {
                aws.sqs().deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
                taken.add(message);
            }
        }
    }

    /** Moves every message of a DLQ back to its source queue, as the console's "redrive" does; returns how many. */
    int redrive(String deadLetterQueueLogicalId, String sourceQueueLogicalId) {
        List<software.amazon.awssdk.services.sqs.model.Message> dead = takeAll(deadLetterQueueLogicalId);
        dead.forEach(message -> aws.sqs().sendMessage(b -> b.queueUrl(queueUrl(sourceQueueLogicalId))
                .messageBody(message.body()).messageAttributes(message.messageAttributes())));
        return dead.size();
    }

    int depth(String queueLogicalId) {
        return aws.queuePump().approximateCount(queueUrl(queueLogicalId));
    }

    List<CapturedEmail> mailTo(String customer) {
        return aws.mailbox().messagesTo(customer + "@example.com");
    }

    /** A customer id no other test uses (the emulators and the mailbox are shared by the whole test run). */
    static String newCustomer(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
