package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.cartwheel.emulators.eventbridge.BusEvent;
import dev.cartwheel.orderevents.OrderEventsHandler;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import dev.cartwheel.testing.StreamPump;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every status change and completed refund of an order reaches the order event bus, read from the OrdersTable stream
 * by the order-events function: at least once, with a version that tells the order, and the same event id for a
 * redelivered copy.
 */
@ExtendWith(AwsEmulators.class)
class OrderEventsIT {

    private static final String CUP = "ESPRESSO-CUP";

    @Test
    void anOrdersWholeLife_isOnTheBus_inVersionOrder_withNoPersonalData(AwsEnvironment aws) {
        // GIVEN an order confirmed, then partly refunded, then cancelled
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String quinn = newCustomer("quinn");
        String orderId = pipeline.place(quinn, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();
        assertThat(pipeline.refund(orderId, "refund-key-0001", 500, "chipped").getStatusCode()).isEqualTo(201);
        pipeline.cancel(quinn, orderId, "{\"reason\":\"changed my mind\"}");
        pipeline.drain();

        // WHEN the stream is pumped into the order-events function
        int delivered = aws.streamPump().drain(pipeline.stack.streamArn("OrdersTable"), handler(pipeline));

        // THEN
        List<BusEvent> events = ofOrder(aws, pipeline, orderId);
        assertThat(delivered).isGreaterThanOrEqualTo(8);
        assertThat(events).extracting(BusEvent::detailType).containsExactly("order.placed", "order.reserved",
                "order.authorized", "order.paid", "order.confirmed", "order.refunded", "order.cancellation_requested",
                "order.cancelled");
        assertThat(events).extracting(BusEvent::source).containsOnly("cartwheel.orders");
        List<Long> versions = events.stream().map(e -> e.detailJson().get("version").asLong()).toList();
        assertThat(versions).isSorted().doesNotHaveDuplicates();
        BusEvent refunded = events.get(5);
        assertThat(refunded.detailJson().get("amount").get("amount").asLong()).isEqualTo(500);
        assertThat(refunded.detailJson().get("refundId").asText()).startsWith("re_");
        BusEvent cancelled = events.getLast();
        assertThat(cancelled.detailJson().get("status").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.detailJson().get("refunded").get("amount").asLong()).as("all 2500 back").isEqualTo(2500);
        assertThat(cancelled.detailJson().get("lines").get(0).get("sku").asText()).isEqualTo(CUP);
        assertThat(events).allSatisfy(event -> assertThat(event.detail())
                .doesNotContain("@example.com").doesNotContain("pm_card_visa").doesNotContain("changed my mind"));
        // AND where it ships (country and method), never the address
        assertThat(events).allSatisfy(event -> {
            assertThat(event.detailJson().get("shippingCountry").asText()).isEqualTo("US");
            assertThat(event.detailJson().get("shippingMethod").asText()).isEqualTo("standard");
            assertThat(event.detail()).doesNotContain("Lovelace", "Main Street", "Springfield", "62701");
        });
    }

    @Test
    void aRedeliveredStreamBatch_publishesCopiesWithTheSameEventIds(AwsEnvironment aws) {
        // GIVEN a rejected order's writes, read once
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed(CUP, "Espresso cup", 1250, 1);
        String rae = newCustomer("rae");
        String orderId = pipeline.place(rae, orderBody("pm_card_visa", CUP, 5));
        pipeline.drain();
        StreamPump pump = aws.streamPump();
        List<DynamodbEvent> batches = new java.util.ArrayList<>();
        pump.drain(pipeline.stack.streamArn("OrdersTable"), event -> {
            batches.add(event);
            return handler(pipeline).apply(event);
        });

        // WHEN Lambda delivers the same batch again (e.g. after a timeout it did not see the answer of)
        batches.forEach(batch -> handler(pipeline).apply(batch));

        // THEN two copies of each event, one id per event
        List<BusEvent> events = ofOrder(aws, pipeline, orderId);
        assertThat(events).extracting(BusEvent::detailType)
                .containsExactlyInAnyOrder("order.placed", "order.placed", "order.rejected", "order.rejected");
        assertThat(events.stream().map(e -> e.detailJson().get("eventId").asText()).distinct().toList())
                .containsExactlyInAnyOrder(orderId + ":1:order.placed", orderId + ":2:order.rejected");
        assertThat(events.stream().filter(e -> e.detailType().equals("order.rejected")).findFirst().orElseThrow()
                .detailJson().get("unavailableSkus").get(0).asText()).isEqualTo(CUP);
    }

    @Test
    void theSampleStreamEvent_publishesPlacedThenReserved(AwsEnvironment aws) {
        // GIVEN events/order-events-stream.json (an INSERT and the RESERVED update of the sample order)
        Pipeline pipeline = new Pipeline(aws);
        DynamodbEvent sample = EventLoader.loadDynamoDbEvent(Root.path("events", "order-events-stream.json").toString());

        // WHEN
        StreamsEventResponse response = handler(pipeline).apply(sample);

        // THEN
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(ofOrder(aws, pipeline, "ord_00000000-0000-4000-8000-000000000001"))
                .extracting(BusEvent::detailType).containsExactly("order.placed", "order.reserved");
    }

    private static Function<DynamodbEvent, StreamsEventResponse> handler(Pipeline pipeline) {
        OrderEventsHandler handler = new OrderEventsHandler(
                OrderEventsHandler.compose(pipeline.settings("OrderEventsFunction")), System.out);
        return event -> handler.handleRequest(event, null);
    }

    private static List<BusEvent> ofOrder(AwsEnvironment aws, Pipeline pipeline, String orderId) {
        return aws.eventBus().events(pipeline.stack.eventBusName("OrderEventBus")).stream()
                .filter(event -> orderId.equals(event.detailText("orderId"))).toList();
    }
}
