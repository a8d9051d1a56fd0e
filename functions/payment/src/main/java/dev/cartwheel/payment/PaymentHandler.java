package dev.cartwheel.payment;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.DynamoDbClients;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.lambda.SqsBatch;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.aws.sqs.SqsClients;
import dev.cartwheel.aws.sqs.SqsStepPublisher;
import dev.cartwheel.aws.stripe.StripePaymentGateway;
import dev.cartwheel.core.messaging.Step;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentService;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The payment step, triggered by the payment queue ({@code StockReserved}). */
public final class PaymentHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final PaymentService payment;
    private final SqsBatch batch;

    public PaymentHandler() {
        this(compose(AwsClientSettings.fromEnvironment()));
    }

    public PaymentHandler(PaymentService payment) {
        this(payment, System.out);
    }

    /** @param logOut where the log lines go (standard output on Lambda; tests capture them) */
    public PaymentHandler(PaymentService payment, java.io.PrintStream logOut) {
        this.payment = payment;
        this.batch = new SqsBatch("payment", StructuredLog.forFunction("payment", logOut));
    }

    public static PaymentService compose(AwsClientSettings settings) {
        return compose(settings, StripePaymentGateway.compose(settings));
    }

    /** As {@link #compose(AwsClientSettings)}, with this gateway (the warm bench wraps Stripe's to time its calls). */
    public static PaymentService compose(AwsClientSettings settings, PaymentGateway gateway) {
        DynamoDbClient dynamoDb = DynamoDbClients.create(settings);
        DynamoDbClients.primeOnCheckpoint(dynamoDb, settings.require("ORDERS_TABLE"), "orderId");
        return new PaymentService(
                new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"), settings.require("PRODUCTS_TABLE"), null),
                gateway,
                new SqsStepPublisher(SqsClients.create(settings), Map.of(Step.EMAIL, settings.require("EMAIL_QUEUE_URL"))),
                Clock.systemUTC(),
                java.time.Duration.ofSeconds(Long.parseLong(settings.require("PAYMENT_TIMEOUT_SECONDS"))),
                java.time.Duration.ofDays(Long.parseLong(settings.require("AUTHORIZATION_HOLD_DAYS"))));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return batch.process(event, context, payment::handle);
    }
}
