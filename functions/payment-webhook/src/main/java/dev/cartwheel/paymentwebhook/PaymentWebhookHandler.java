package dev.cartwheel.paymentwebhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.DynamoDbClients;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.dynamodb.DynamoDbWebhookInbox;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.aws.sqs.SqsClients;
import dev.cartwheel.aws.sqs.SqsStepPublisher;
import dev.cartwheel.aws.secrets.SecretsManagerSecret;
import dev.cartwheel.aws.stripe.StripeEvents;
import dev.cartwheel.core.exceptions.WebhookRejectedException;
import dev.cartwheel.core.messaging.Step;
import dev.cartwheel.core.webhook.PaymentWebhook;
import dev.cartwheel.core.webhook.PaymentWebhookService;
import dev.cartwheel.core.webhook.WebhookSignature;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code POST /webhooks/payments}: Stripe's webhook events. No JWT; Stripe proves itself with the
 * {@code Stripe-Signature} header ({@link WebhookSignature}: HMAC-SHA256 over timestamp and body with the endpoint's
 * signing secret, kept in Secrets Manager; one of several {@code v1} must match; at most 5 minutes old). A verified
 * event about a Cartwheel order's payment ({@link StripeEvents}) makes the payment step look at the order, which asks
 * Stripe; other events are acknowledged and ignored, a retry of the same event is acknowledged once more and
 * forwarded no more. Answers 200 once the notification is safely queued, 401 (with one generic message, the reason
 * only in the log) for a signature that does not verify, 400 for a body that is not a Stripe event, 500 (Stripe
 * retries) only when Cartwheel itself failed.
 */
public final class PaymentWebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** The header the provider signs with. API Gateway lower-cases header names. */
    public static final String SIGNATURE_HEADER = "stripe-signature";

    private final PaymentWebhookService webhooks;
    private final Supplier<byte[]> secret;
    private final Clock clock;
    private final StructuredLog log;

    public PaymentWebhookHandler() {
        this(AwsClientSettings.fromEnvironment());
    }

    private PaymentWebhookHandler(AwsClientSettings settings) {
        this(compose(settings), new SecretsManagerSecret(SecretsManagerSecret.client(settings),
                settings.require("WEBHOOK_SECRET_ARN"), Clock.systemUTC()), Clock.systemUTC(), System.out);
    }

    /**
     * @param secret the shared secret the provider signs with
     * @param logOut where the log lines go (standard output on Lambda; tests capture them)
     */
    public PaymentWebhookHandler(PaymentWebhookService webhooks, Supplier<byte[]> secret, Clock clock,
                                 java.io.PrintStream logOut) {
        this.webhooks = webhooks;
        this.secret = secret;
        this.clock = clock;
        this.log = StructuredLog.forFunction("payment-webhook", logOut);
    }

    public static PaymentWebhookService compose(AwsClientSettings settings) {
        DynamoDbClient dynamoDb = DynamoDbClients.create(settings);
        DynamoDbClients.primeOnCheckpoint(dynamoDb, settings.require("ORDERS_TABLE"), "orderId");
        return new PaymentWebhookService(
                new DynamoDbWebhookInbox(dynamoDb, settings.require("IDEMPOTENCY_TABLE")),
                new SqsStepPublisher(SqsClients.create(settings), Map.of(Step.PAYMENT, settings.require("PAYMENT_QUEUE_URL"))),
                new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"), null, null),
                Clock.systemUTC());
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApi.respond(event, log, () -> {
            // the body exactly as sent (the signature is over these bytes), size-checked before anything else
            String body = HttpApi.rawBody(event);
            try {
                WebhookSignature.verify(HttpApi.header(event, SIGNATURE_HEADER), body, secret.get(), clock.instant());
            } catch (WebhookRejectedException e) {
                log.warn(new StructuredLog.Entry(requestId(event), null, null, "webhook", "rejected", e.getMessage()));
                return HttpApi.problem(401, "webhook-signature", "Webhook signature rejected",
                        "the Stripe-Signature header does not verify");
            }
            PaymentWebhook webhook = StripeEvents.parse(body);
            PaymentWebhookService.Outcome outcome = webhooks.accept(webhook);
            log.info(new StructuredLog.Entry(requestId(event), webhook.orderId(), null, "webhook",
                    outcome.name().toLowerCase(java.util.Locale.ROOT), webhook.type() + " " + webhook.eventId()));
            return HttpApi.json(200, Json.mapper().createObjectNode().put("received", true)
                    .put("outcome", outcome.name()), Map.of());
        });
    }

    private static String requestId(APIGatewayV2HTTPEvent event) {
        return event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
    }
}
