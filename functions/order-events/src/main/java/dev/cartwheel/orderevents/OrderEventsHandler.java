package dev.cartwheel.orderevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.OrderStreamRecords;
import dev.cartwheel.aws.eventbridge.EventBridgeClients;
import dev.cartwheel.aws.eventbridge.EventBridgeOrderEventPublisher;
import dev.cartwheel.aws.lambda.EmfMetrics;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.core.events.OrderAlert;
import dev.cartwheel.core.events.OrderChange;
import dev.cartwheel.core.events.OrderEventService;
import dev.cartwheel.core.events.OrderEventType;
import java.util.List;
import java.util.Optional;

/**
 * Publishes the order events, triggered by the OrdersTable stream: every status change and completed refund becomes
 * an event on the order bus. A batch that cannot be published is reported from its first unpublished record
 * ({@code ReportBatchItemFailures}), so Lambda retries from there, in order, and gives the records to the
 * on-failure queue after {@code MaximumRetryAttempts}.
 *
 * <p>It also counts the order funnel (EMF metrics {@code OrdersPlaced}, {@code OrdersConfirmed}, ...): the stream has
 * each write once, so a redelivered SQS message, which changes nothing, is not counted twice as it would be by the
 * step that received it.
 */
public final class OrderEventsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private final OrderEventService events;
    private final StructuredLog log;
    private final EmfMetrics metrics;

    public OrderEventsHandler() {
        this(compose(AwsClientSettings.fromEnvironment()));
    }

    public OrderEventsHandler(OrderEventService events) {
        this(events, System.out);
    }

    /** @param logOut where the log lines go (standard output on Lambda; tests capture them) */
    public OrderEventsHandler(OrderEventService events, java.io.PrintStream logOut) {
        this.events = events;
        this.log = StructuredLog.forFunction("order-events", logOut);
        this.metrics = new EmfMetrics("order-events", logOut, java.time.Clock.systemUTC());
    }

    public static OrderEventService compose(AwsClientSettings settings) {
        return new OrderEventService(new EventBridgeOrderEventPublisher(
                EventBridgeClients.create(settings), settings.require("ORDER_EVENT_BUS_NAME")));
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        List<OrderChange> changes = OrderStreamRecords.changes(event);
        OrderEventService.Publication publication = events.publish(changes);
        // counted once: the events of the changes before a failure are not published again, the rest are on the retry
        publication.published().forEach(published -> metrics.count(funnelMetric(published.type())));
        Optional<String> failedFrom = publication.findFailedFrom();
        // alarm metrics (CapturesFailed, RefundsFailed, ...), once per write: those after a failure come on the retry
        for (OrderChange change : changes) {
            if (failedFrom.isPresent() && change.position().equals(failedFrom.get())) {
                break;
            }
            for (OrderAlert alert : OrderAlert.of(change)) {
                metrics.count(alert.metric());
                log.warn(new StructuredLog.Entry(requestId, change.after().orderId(), change.after().correlationId(),
                        "order-events", alert.metric(), alert.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')));
            }
        }
        if (failedFrom.isPresent()) {
            log.warn(new StructuredLog.Entry(requestId, null, null, "order-events", "retry",
                    "events not published from stream record " + failedFrom.get() + " on; retried from there"));
            return StreamsEventResponse.builder().withBatchItemFailures(
                    List.of(new StreamsEventResponse.BatchItemFailure(failedFrom.get()))).build();
        }
        log.info(new StructuredLog.Entry(requestId, null, null, "order-events", "published",
                changes.size() + " order writes read"));
        return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
    }

    /** The funnel counter of an event, e.g. {@code OrdersPlaced} for {@code order.placed}. */
    static String funnelMetric(OrderEventType type) {
        return switch (type) {
            case PLACED -> "OrdersPlaced";
            case RESERVED -> "OrdersReserved";
            case REJECTED -> "OrdersRejected";
            case PAYMENT_PENDING -> "PaymentsPending";
            case AUTHORIZED -> "PaymentsAuthorized";
            case PAID -> "OrdersPaid";
            case PAYMENT_FAILED -> "PaymentsFailed";
            case CONFIRMED -> "OrdersConfirmed";
            case FULFILLED -> "OrdersFulfilled";
            case CANCELLATION_REQUESTED -> "CancellationsRequested";
            case CANCELLED -> "OrdersCancelled";
            case REFUNDED -> "RefundsIssued";
            case EXPIRED -> "OrdersExpired";
        };
    }
}
