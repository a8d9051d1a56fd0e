package dev.cartwheel.reconciler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.DynamoDbClients;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.lambda.EmfMetrics;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.aws.sqs.SqsClients;
import dev.cartwheel.aws.sqs.SqsStepPublisher;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.Step;
import dev.cartwheel.core.reconciler.ReconcilerService;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Runs on an EventBridge schedule (the event's content is not used), nudges stuck orders and expires unpaid ones.
 * Returns a summary such as {@code {"ORDER_PLACED":1}} of the messages it sent.
 */
public final class ReconcilerHandler implements RequestHandler<Map<String, Object>, Map<String, Integer>> {

    /** Bounds one run well inside the function's timeout; the next run takes the rest. */
    static final int ORDERS_PER_RUN = 500;

    private final ReconcilerService reconciler;
    private final StructuredLog log;
    private final EmfMetrics metrics;

    public ReconcilerHandler() {
        this(compose(AwsClientSettings.fromEnvironment()));
    }

    public ReconcilerHandler(ReconcilerService reconciler) {
        this(reconciler, System.out);
    }

    /** @param logOut where the log lines go (standard output on Lambda; tests capture them) */
    public ReconcilerHandler(ReconcilerService reconciler, java.io.PrintStream logOut) {
        this.reconciler = reconciler;
        this.log = StructuredLog.forFunction("reconciler", logOut);
        this.metrics = new EmfMetrics("reconciler", logOut, Clock.systemUTC());
    }

    public static ReconcilerService compose(AwsClientSettings settings) {
        software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb = DynamoDbClients.create(settings);
        DynamoDbClients.primeOnCheckpoint(dynamoDb, settings.require("ORDERS_TABLE"), "orderId");
        return new ReconcilerService(
                new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"), null, null),
                new SqsStepPublisher(SqsClients.create(settings), Map.of(
                        Step.INVENTORY, settings.require("INVENTORY_QUEUE_URL"),
                        Step.PAYMENT, settings.require("PAYMENT_QUEUE_URL"),
                        Step.EMAIL, settings.require("EMAIL_QUEUE_URL"))),
                Clock.systemUTC(),
                Duration.ofSeconds(Long.parseLong(settings.require("STUCK_AFTER_SECONDS"))),
                Duration.ofSeconds(Long.parseLong(settings.require("PAYMENT_TIMEOUT_SECONDS"))),
                Duration.ofDays(Long.parseLong(settings.require("AUTHORIZATION_HOLD_DAYS"))));
    }

    @Override
    public Map<String, Integer> handleRequest(Map<String, Object> event, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        ReconcilerService.Run run = reconciler.run(ORDERS_PER_RUN);
        Map<MessageType, Integer> sent = new java.util.EnumMap<>(MessageType.class);
        sent.putAll(run.sent());
        ReconcilerService.HoldReview holds = reconciler.reviewHolds(ORDERS_PER_RUN);
        if (holds.expiring() > 0) {
            sent.merge(MessageType.EXPIRY_DUE, holds.expiring(), Integer::sum);
        }
        // every run, so the alarm sees zero as well as a breach: held orders whose authorization lapses within a day
        metrics.count("AuthorizationsNearLapse", holds.nearLapse());
        Map<String, Integer> summary = new java.util.TreeMap<>();
        sent.forEach((type, count) -> summary.put(type.name(), count));
        if (holds.nearLapse() > 0) {
            summary.put("AUTHORIZATIONS_NEAR_LAPSE", holds.nearLapse());
            log.warn(new StructuredLog.Entry(requestId, null, null, "reconciler", "authorizations-near-lapse", holds.nearLapse()
                    + " orders held for their fulfilment lose their payment authorization within a day: ship or cancel them"));
        }
        for (String orderId : run.parkedNow()) {
            log.warn(new StructuredLog.Entry(requestId, orderId, null, "reconciler", "parked",
                    "nudged " + ReconcilerService.MAX_NUDGES + " times without a change; not nudged again"));
        }
        if (run.parkedTotal() > 0) {
            // every run reports the orders that wait for a human, until someone moves them on
            summary.put(PARKED, run.parkedTotal());
            log.warn(new StructuredLog.Entry(requestId, null, null, "reconciler", "parked-orders",
                    "orders parked after " + ReconcilerService.MAX_NUDGES + " nudges: " + run.parkedTotal()));
        }
        log.info(new StructuredLog.Entry(requestId, null, null,
                "reconciler", "nudged", "messages sent: " + summary));
        return summary;
    }

    /** The summary's entry for the number of orders parked (nudged {@link ReconcilerService#MAX_NUDGES} times in vain). */
    public static final String PARKED = "PARKED";
}
