package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.reconciler.ReconcilerHandler;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.SimulatedCrash;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** No order is stuck forever: the scheduled reconciler re-sends the message an order waits for, idempotently. */
@ExtendWith(AwsEmulators.class)
class ReconcilerIT {

    private static final String CUP = "ESPRESSO-CUP";

    @Test
    void checkoutKilledAfterTheOrderWrite_reconcilerBringsTheOrderToConfirmed(AwsEnvironment aws) {
        // GIVEN checkout dies after the order transaction, before OrderPlaced is sent
        Wiring wiring = new Wiring(Faults.once(FaultPoint.CHECKOUT_CRASH_BEFORE_SEND));
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String nina = newCustomer("nina");
        assertThatThrownBy(() -> pipeline.checkout.handleRequest(Pipeline.postOrder(nina, nina + "@example.com",
                "key-" + UUID.randomUUID(), orderBody("pm_card_visa", CUP, 2)), null)).isInstanceOf(SimulatedCrash.class);
        JsonNode listed = Pipeline.json(pipeline.checkout.handleRequest(Pipeline.listOrders(nina, null, 10), null));
        String orderId = listed.get("items").get(0).get("orderId").asText();
        assertThat(listed.get("items").get(0).get("status").asText()).isEqualTo("PENDING");
        assertThat(pipeline.depth("InventoryQueue")).as("OrderPlaced never sent").isZero();

        // WHEN the reconciler runs while the order is fresh: nothing; once it is older than StuckAfterSeconds: a nudge
        Map<String, Integer> early = wiring.reconciler(pipeline, Duration.ZERO).handleRequest(Map.of(), null);
        ReconcilerHandler later = wiring.reconciler(pipeline, wiring.nudgeAge(pipeline));
        Map<String, Integer> nudged = later.handleRequest(Map.of(), null);
        pipeline.drain();

        // THEN
        assertThat(early).isEmpty();
        assertThat(nudged).isEqualTo(Map.of("ORDER_PLACED", 1));
        assertThat(pipeline.order(nina, orderId).get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(pipeline.stock(CUP)).containsExactly(8, 0, 2);
        assertThat(pipeline.mailTo(nina)).hasSize(1);
        assertThat(later.handleRequest(Map.of(), null)).as("a final order leaves the open-orders index").isEmpty();
    }

    @Test
    void reconciler_isIdempotent_forOrdersStuckAtEveryStep(AwsEnvironment aws) {
        // GIVEN three orders whose next message was lost: one PENDING, one RESERVED, one PAID
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String omar = newCustomer("omar");
        Map<String, Function<SQSEvent, SQSBatchResponse>> routes = pipeline.routes();
        String pending = pipeline.place(omar, orderBody("pm_card_visa", CUP, 1));
        purge(pipeline, "InventoryQueue");
        String reserved = pipeline.place(omar, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain(Map.of(pipeline.queueUrl("InventoryQueue"), routes.get(pipeline.queueUrl("InventoryQueue"))));
        purge(pipeline, "PaymentQueue");
        String paid = pipeline.place(omar, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain(Map.of(pipeline.queueUrl("InventoryQueue"), routes.get(pipeline.queueUrl("InventoryQueue")),
                pipeline.queueUrl("PaymentQueue"), routes.get(pipeline.queueUrl("PaymentQueue"))));
        purge(pipeline, "EmailQueue");
        assertThat(List.of(pending, reserved, paid)).extracting(id -> pipeline.order(omar, id).get("status").asText())
                .containsExactly("PENDING", "RESERVED", "PAID");

        // WHEN the reconciler runs twice before anything is processed, then the pipeline runs, then the reconciler again
        ReconcilerHandler reconciler = wiring.reconciler(pipeline, wiring.nudgeAge(pipeline));
        Map<String, Integer> first = reconciler.handleRequest(Map.of(), null);
        Map<String, Integer> second = reconciler.handleRequest(Map.of(), null);
        pipeline.drain();
        Map<String, Integer> third = reconciler.handleRequest(Map.of(), null);

        // THEN every order confirmed once: duplicates of the nudges changed nothing
        Map<String, Integer> oneOfEach = Map.of("ORDER_PLACED", 1, "STOCK_RESERVED", 1, "ORDER_PAID", 1);
        assertThat(first).isEqualTo(oneOfEach);
        assertThat(second).isEqualTo(oneOfEach);
        assertThat(third).isEmpty();
        for (String id : List.of(pending, reserved, paid)) {
            JsonNode order = pipeline.order(omar, id);
            assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
            assertThat(order.get("history").findValuesAsText("status"))
                    .containsExactly("PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED");
            assertThat(pipeline.paymentOperations(id)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        }
        assertThat(pipeline.stock(CUP)).containsExactly(7, 0, 3);
        assertThat(pipeline.mailTo(omar)).hasSize(3);
    }

    private static void purge(Pipeline pipeline, String queueLogicalId) {
        assertThat(pipeline.takeAll(queueLogicalId)).as("messages lost from " + queueLogicalId).isNotEmpty();
    }
}
