package dev.cartwheel.email;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.DynamoDbClients;
import dev.cartwheel.aws.dynamodb.DynamoDbEmailClaims;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.lambda.SqsBatch;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.aws.ses.SesClients;
import dev.cartwheel.aws.ses.SesMailer;
import dev.cartwheel.core.email.EmailRenderer;
import dev.cartwheel.core.email.EmailService;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The e-mail step, triggered by the e-mail queue ({@code OrderPaid}, {@code OrderRejected}, {@code PaymentFailed}). */
public final class EmailHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** Longer than the function's timeout (template.yaml: 20 s), so a live sender never loses its claim. */
    public static final Duration CLAIM_LEASE = Duration.ofSeconds(60);

    private final EmailService email;
    private final SqsBatch batch;

    public EmailHandler() {
        this(compose(AwsClientSettings.fromEnvironment()));
    }

    public EmailHandler(EmailService email) {
        this(email, System.out);
    }

    /** @param logOut where the log lines go (standard output on Lambda; tests capture them) */
    public EmailHandler(EmailService email, java.io.PrintStream logOut) {
        this.email = email;
        this.batch = new SqsBatch("email", StructuredLog.forFunction("email", logOut));
    }

    public static EmailService compose(AwsClientSettings settings) {
        DynamoDbClient dynamoDb = DynamoDbClients.create(settings);
        DynamoDbClients.primeOnCheckpoint(dynamoDb, settings.require("ORDERS_TABLE"), "orderId");
        return new EmailService(
                new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"), null, null,
                        settings.require("SHIPPING_ADDRESSES_TABLE")),
                new DynamoDbEmailClaims(dynamoDb, settings.require("IDEMPOTENCY_TABLE")),
                new SesMailer(SesClients.create(settings), settings.require("SENDER_EMAIL")),
                new EmailRenderer(),
                Clock.systemUTC(),
                CLAIM_LEASE);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return batch.process(event, context, email::handle);
    }
}
