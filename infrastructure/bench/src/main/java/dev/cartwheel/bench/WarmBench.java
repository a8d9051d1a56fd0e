package dev.cartwheel.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.aws.stripe.StripeClient;
import dev.cartwheel.checkout.CheckoutHandler;
import dev.cartwheel.email.EmailHandler;
import dev.cartwheel.emulators.Emulators;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.inventory.InventoryHandler;
import dev.cartwheel.payment.PaymentHandler;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Warm latency: each handler invoked in this JVM after a warm-up, against the embedded emulators. For every
 * invocation it records the handler's total time and the time spent inside AWS SDK calls ({@link SdkTimer});
 * their difference is the handler's own overhead (parsing, validation, domain logic, JSON, logging, metrics).
 */
final class WarmBench {

    /** The bench's order: two lines, the visa test card, an Illinois address, standard shipping. */
    static final String ORDER_BODY = "{\"items\":[{\"sku\":\"BENCH-A\",\"quantity\":1},{\"sku\":\"BENCH-B\",\"quantity\":2}],\"paymentToken\":\"pm_card_visa\",\"shippingAddress\":{\"name\":\"Bench Customer\",\"line1\":\"1 Bench Road\",\"city\":\"Springfield\",\"region\":\"IL\",\"postalCode\":\"62701\",\"country\":\"US\"},\"shippingMethod\":\"standard\"}";


    private static final ObjectMapper JSON = new ObjectMapper();

    private WarmBench() {
    }

    /** Creates the template's tables and queues under {@code prefix} and two products with stock for any run. */
    /** Stripe, simulated, for the payment and checkout functions: one per bench process (which ends with System.exit). */
    static final dev.cartwheel.emulators.stripe.StripeSimulator STRIPE = dev.cartwheel.emulators.stripe.StripeSimulator.start();

    /** The template parameters that point the functions at {@link #STRIPE}. */
    /**
     * The template parameters every bench run sets: the Stripe simulator as the API, and no open-order limit per
     * customer (every bench order comes from the same dev customer and is never paid by a storefront).
     */
    static Map<String, String> benchParameters() {
        return Map.of("StripeApiBase", STRIPE.baseUrl().toString(), "MaxOpenOrdersPerCustomer", "1000000");
    }

    static ProvisionedResources provisionWithProducts(Emulators emulators, SamTemplate template, String prefix) {
        try (var dynamoDb = emulators.newDynamoDbClient(); var sqs = emulators.newSqsClient(); var ses = emulators.newSesV2Client();
             var secrets = emulators.newSecretsManagerClient()) {
            ProvisionedResources resources = new Provisioner(dynamoDb, sqs, ses, null, secrets).provision(template, prefix);
            secrets.putSecretValue(r -> r.secretId(resources.secretArn("StripeApiKeySecret")).secretString(STRIPE.apiKey()));
            for (String sku : List.of("BENCH-A", "BENCH-B")) {
                dynamoDb.putItem(b -> b.tableName(resources.tableName("ProductsTable")).item(Map.of(
                        "sku", AttributeValue.fromS(sku), "name", AttributeValue.fromS("Bench " + sku),
                        "priceAmount", AttributeValue.fromN("1000"), "currency", AttributeValue.fromS("USD"),
                        "available", AttributeValue.fromN("100000000"), "reserved", AttributeValue.fromN("0"),
                        "sold", AttributeValue.fromN("0"))));
            }
            // one shipping method, with a price, and a taxed region: checkout prices shipping and tax as in production
            var rules = new dev.cartwheel.aws.dynamodb.DynamoDbShopRules(dynamoDb, resources.tableName("ProductsTable"));
            rules.putShippingMethod(new dev.cartwheel.core.shipping.ShippingMethod("standard", "Standard", List.of(
                    new dev.cartwheel.core.shipping.ShippingZone("domestic", java.util.Set.of("US"),
                            new dev.cartwheel.core.money.Money(599, "USD"))), null, 3, 7));
            rules.putTaxRates(new dev.cartwheel.core.tax.CountryTaxRates("US", new dev.cartwheel.core.tax.TaxRateSet(
                    dev.cartwheel.core.tax.TaxRate.ZERO, Map.of()), Map.of("IL", new dev.cartwheel.core.tax.TaxRateSet(
                    dev.cartwheel.core.tax.TaxRate.ofPercent("6.25"), Map.of()))));
            return resources;
        }
    }

    static ObjectNode run(Emulators emulators, Path root, int warmup, int measured, PrintStream report) {
        String prefix = "warm" + UUID.randomUUID().toString().substring(0, 6);
        // 50 bench customers share every order: the per-customer open-order limit would refuse most of them
        SamTemplate template = SamTemplate.load(root.resolve("template.yaml")).withParameters(benchParameters())
                .withRegion(emulators.region()).withStackName(prefix);
        ProvisionedResources resources = provisionWithProducts(emulators, template, prefix);
        SamTemplate resolved = template.withResources(resources);
        CheckoutHandler checkout = new CheckoutHandler(CheckoutHandler.compose(settings(emulators, resolved, "CheckoutFunction")));
        InventoryHandler inventory = new InventoryHandler(InventoryHandler.compose(settings(emulators, resolved, "InventoryFunction")));
        PaymentHandler payment = new PaymentHandler(PaymentHandler.compose(settings(emulators, resolved, "PaymentFunction"),
                new StripeTimer(dev.cartwheel.aws.stripe.StripePaymentGateway.compose(settings(emulators, resolved, "PaymentFunction")))));
        EmailHandler email = new EmailHandler(EmailHandler.compose(settings(emulators, resolved, "EmailFunction")));

        int total = warmup + measured;
        Map<String, long[][]> samples = new HashMap<>();
        for (String function : List.of("checkout", "inventory", "payment", "email")) {
            samples.put(function, new long[3][measured]);
        }
        for (int i = 0; i < total; i++) {
            int slot = i - warmup;
            APIGatewayV2HTTPEvent post = postOrder(i);
            String orderId = time(samples.get("checkout"), slot, () -> {
                APIGatewayV2HTTPResponse response = checkout.handleRequest(post, null);
                if (response.getStatusCode() != 202) {
                    throw new IllegalStateException("checkout answered " + response.getStatusCode() + ": " + response.getBody());
                }
                return read(response.getBody()).get("orderId").asText();
            });
            step(samples.get("inventory"), slot, inventory::handleRequest, "OrderPlaced", orderId);
            step(samples.get("payment"), slot, payment::handleRequest, "StockReserved", orderId);
            step(samples.get("email"), slot, email::handleRequest, "OrderPaid", orderId);
        }

        ObjectNode result = JSON.createObjectNode().put("warmup", warmup).put("measured", measured);
        report.printf("%nWarm latency per invocation, ms (%d measured after %d warm-up; embedded emulators on loopback;%n"
                + "calls = AWS SDK calls plus Stripe calls, both timed at the client; own = total - calls)%n", measured, warmup);
        report.printf("%-10s %9s %9s %9s %9s %12s %12s%n", "function", "total p50", "total p99", "calls p50", "calls p99", "own p50", "own p99");
        for (String function : List.of("checkout", "inventory", "payment", "email")) {
            long[][] s = samples.get(function);
            long[] own = new long[measured];
            for (int j = 0; j < measured; j++) {
                own[j] = s[0][j] - s[1][j];
            }
            Stats totalStats = Stats.of(s[0]);
            Stats awsStats = Stats.of(s[1]);
            Stats ownStats = Stats.of(own);
            report.printf("%-10s %9.2f %9.2f %9.2f %9.2f %12.3f %12.3f%n", function, totalStats.p50Ms(), totalStats.p99Ms(),
                    awsStats.p50Ms(), awsStats.p99Ms(), ownStats.p50Ms(), ownStats.p99Ms());
            ObjectNode node = result.putObject(function);
            node.set("total", JSON.valueToTree(totalStats));
            node.set("aws", JSON.valueToTree(awsStats));
            node.set("own", JSON.valueToTree(ownStats));
        }
        // the same payment invocations with the earlier attribution: only the simulator's serving time as Stripe's
        long[][] p = samples.get("payment");
        long[] ownServedOnly = new long[measured];
        for (int j = 0; j < measured; j++) {
            ownServedOnly[j] = p[0][j] - p[2][j];
        }
        Stats servedOnly = Stats.of(ownServedOnly);
        report.printf("payment own if only the simulator's serving time counted as Stripe's (the client side, HTTP hand-offs"
                + "%n  and parsing left in own): p50 %.3f p99 %.3f ms%n", servedOnly.p50Ms(), servedOnly.p99Ms());
        ((ObjectNode) result.get("payment")).set("ownServedOnly", JSON.valueToTree(servedOnly));
        result.set("stripeClientShare", stripeClientShare(report, measured));
        return result;
    }

    /**
     * What the payment step's Stripe client itself costs per call, which the simulator's serving time cannot see:
     * the adapter's {@link StripeClient} (the JDK's HttpURLConnection, the payment function's settings) reading one PaymentIntent,
     * {@code calls} times after 100 warm-up calls, each timed whole and minus the simulator's serving time.
     */
    private static ObjectNode stripeClientShare(PrintStream report, int calls) {
        StripeClient stripe = new StripeClient(STRIPE.baseUrl(), STRIPE::apiKey, StripeClient.Settings.defaults(), Json.mapper());
        String id = stripe.post("/v1/payment_intents", List.of(Map.entry("amount", "1000"), Map.entry("currency", "usd"),
                Map.entry("payment_method", "pm_card_visa"), Map.entry("confirm", "true"), Map.entry("capture_method", "manual")),
                "bench-stripe-client-" + UUID.randomUUID()).body().path("id").asText();
        long[] whole = new long[calls];
        long[] clientOwn = new long[calls];
        for (int i = -100; i < calls; i++) {
            long served = STRIPE.servedNanos();
            long started = System.nanoTime();
            stripe.get("/v1/payment_intents/" + id, List.of());
            long elapsed = System.nanoTime() - started;
            if (i >= 0) {
                whole[i] = elapsed;
                clientOwn[i] = elapsed - (STRIPE.servedNanos() - served);
            }
        }
        Stats wholeStats = Stats.of(whole);
        Stats clientStats = Stats.of(clientOwn);
        report.printf("%nStripe client, one GET of a PaymentIntent through the adapter's StripeClient, %d calls: whole p50 %.3f p99 %.3f ms;"
                + "%n  minus the simulator's serving time (the client's own share, in payment's \"own\" above, twice per payment):"
                + " p50 %.3f p99 %.3f ms%n", calls, wholeStats.p50Ms(), wholeStats.p99Ms(), clientStats.p50Ms(), clientStats.p99Ms());
        ObjectNode node = JSON.createObjectNode();
        node.set("wholeCall", JSON.valueToTree(wholeStats));
        node.set("clientOwn", JSON.valueToTree(clientStats));
        return node;
    }

    static AwsClientSettings settings(Emulators emulators, SamTemplate resolved, String function) {
        Map<String, String> env = new HashMap<>(resolved.environment(function));
        env.put("AWS_REGION", emulators.region());
        env.put("AWS_ACCESS_KEY_ID", emulators.endpoints().accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", emulators.endpoints().secretAccessKey());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", emulators.endpoints().dynamoDb().toString());
        env.put("AWS_ENDPOINT_URL_SQS", emulators.endpoints().sqs().toString());
        env.put("AWS_ENDPOINT_URL_SESV2", emulators.endpoints().ses().toString());
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", emulators.endpoints().secretsManager().toString());
        return new AwsClientSettings(env);
    }

    /**
     * Times one invocation: its total, and the part spent in external calls, the SDK's AWS calls ({@link SdkTimer}) plus
     * the payment step's Stripe calls ({@link StripeTimer}), both timed on this thread from the client's side; and, for
     * comparison, the SDK's calls plus only the Stripe simulator's serving time (one invocation at a time, so all of it
     * is this invocation's), which leaves the client side of a Stripe call in "own".
     */
    private static <T> T time(long[][] samples, int slot, java.util.function.Supplier<T> invocation) {
        SdkTimer.takeNanos();
        StripeTimer.takeNanos();
        long stripeBefore = STRIPE.servedNanos();
        long started = System.nanoTime();
        T result = invocation.get();
        long elapsed = System.nanoTime() - started;
        long sdk = SdkTimer.takeNanos();
        long aws = sdk + StripeTimer.takeNanos();
        long servedOnly = sdk + (STRIPE.servedNanos() - stripeBefore);
        if (slot >= 0) {
            samples[0][slot] = elapsed;
            samples[1][slot] = aws;
            samples[2][slot] = servedOnly;
        }
        return result;
    }

    private static void step(long[][] samples, int slot, java.util.function.BiFunction<SQSEvent, com.amazonaws.services.lambda.runtime.Context, SQSBatchResponse> handler,
                             String type, String orderId) {
        SQSEvent event = sqsEvent(type, orderId);
        SQSBatchResponse response = time(samples, slot, () -> handler.apply(event, null));
        if (!response.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException(type + " failed for " + orderId);
        }
    }

    static APIGatewayV2HTTPEvent postOrder(int i) {
        String body = ORDER_BODY;
        Map<String, String> claims = Map.of("sub", "bench-customer-" + (i % 50), "email", "bench" + (i % 50) + "@example.com",
                "scope", "orders/read orders/write");
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0").withRouteKey("POST /orders").withRawPath("/orders").withRawQueryString("")
                .withHeaders(Map.of("content-type", "application/json", "idempotency-key", "bench-" + UUID.randomUUID()))
                .withBody(body).withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRouteKey("POST /orders").withRequestId(UUID.randomUUID().toString()).withStage("$default")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath("/orders").build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(claims).build()).build())
                        .build())
                .build();
    }

    static SQSEvent sqsEvent(String type, String orderId) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody("{\"schemaVersion\":1,\"type\":\"" + type + "\",\"orderId\":\"" + orderId + "\",\"correlationId\":\"bench-correlation\"}");
        message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        message.setEventSource("aws:sqs");
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return event;
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
