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
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
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
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
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

        // WHEN the reconciler runs twice before anything is processed (the second run finds every order deferred by
        // the back-off its first nudge recorded), every nudge is delivered twice, the pipeline runs, the reconciler again
        ReconcilerHandler reconciler = wiring.reconciler(pipeline, wiring.nudgeAge(pipeline));
        Map<String, Integer> first = reconciler.handleRequest(Map.of(), null);
        Map<String, Integer> second = reconciler.handleRequest(Map.of(), null);
        int duplicated = 0;
        for (String queue : List.of("InventoryQueue", "PaymentQueue", "EmailQueue")) {
            for (var message : pipeline.takeAll(queue)) {
                for (int copy = 0; copy < 2; copy++) {
                    aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl(queue)).messageBody(message.body())
                            .messageAttributes(message.messageAttributes()));
                }
                duplicated++;
            }
        }
        pipeline.drain();
        Map<String, Integer> third = reconciler.handleRequest(Map.of(), null);

        // THEN every order confirmed once: duplicates of the nudges changed nothing
        Map<String, Integer> oneOfEach = Map.of("ORDER_PLACED", 1, "STOCK_RESERVED", 1, "ORDER_PAID", 1);
        assertThat(first).isEqualTo(oneOfEach);
        assertThat(second).as("a nudged order waits for its back-off").isEmpty();
        assertThat(duplicated).isEqualTo(3);
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

    /**
     * 501 orders whose nudges never help (their messages are dropped, as if the step failed them for good) were placed
     * before one healthy order in the index's last shard. The old reconciler read the 500 oldest open orders from shard
     * 0 on, so these 501 hid the healthy order from every run. Now each nudge is recorded on the order and moves it out
     * of the way until its back-off is due, and shards are read round-robin: the healthy order is nudged by the second
     * run at the latest, with the reconciler's clock standing still.
     */
    @Test
    void fiveHundredAndOneOrdersThatFailForGood_doNotHideAHealthyOrderInTheLastShard(AwsEnvironment aws) {
        // GIVEN 501 stuck orders, then a healthy one in shard open#7 (checkout died before OrderPlaced for every one)
        Wiring wiring = new Wiring(new Faults((point, orderId) -> point == FaultPoint.CHECKOUT_CRASH_BEFORE_SEND));
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 100_000);
        String carl = newCustomer("carl");
        List<String> failing = new java.util.ArrayList<>();
        String healthy = null;
        while (healthy == null) {
            String orderId = placeCrashingBeforeSend(pipeline, carl);
            if (failing.size() >= 501 && "open#7".equals(openShard(pipeline, orderId))) {
                healthy = orderId;
            } else {
                failing.add(orderId);
            }
        }
        assertThat(pipeline.depth("InventoryQueue")).isZero();

        // WHEN the reconciler runs twice at the same moment, each run's nudges for the failing orders being lost
        ReconcilerHandler reconciler = wiring.reconciler(pipeline, wiring.nudgeAge(pipeline));
        java.util.Set<String> nudgedFirst = nudgedIn(pipeline, reconciler.handleRequest(Map.of(), null));
        java.util.Set<String> nudgedSecond = nudgedIn(pipeline, reconciler.handleRequest(Map.of(), null));
        java.util.Set<String> nudgedThird = nudgedIn(pipeline, reconciler.handleRequest(Map.of(), null));

        // THEN 500 a run (ORDERS_PER_RUN), every stuck order nudged exactly once, the healthy one included
        assertThat(nudgedFirst).hasSize(500);
        assertThat(nudgedSecond).hasSize(failing.size() + 1 - 500).doesNotContainAnyElementsOf(nudgedFirst);
        assertThat(union(nudgedFirst, nudgedSecond)).as("the healthy order in the last shard is reached").contains(healthy)
                .containsAll(failing);
        assertThat(nudgedThird).as("nothing twice before its back-off").isEmpty();
        assertThat(nudges(pipeline, healthy)).isEqualTo(1);
    }

    /**
     * Orders whose nudges never help are nudged with a doubling back-off and parked after MAX_NUDGES: every later run
     * reports them (summary PARKED, a WARN line per order parked and one per run) and nudges them no more.
     */
    @Test
    void ordersThatKeepFailing_areNudgedWithBackOff_thenParkedAndReported_notRetriedForever(AwsEnvironment aws) {
        // GIVEN two orders whose OrderPlaced never got out
        Wiring wiring = new Wiring(new Faults((point, orderId) -> point == FaultPoint.CHECKOUT_CRASH_BEFORE_SEND));
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String dora = newCustomer("dora");
        List<String> stuck = List.of(placeCrashingBeforeSend(pipeline, dora), placeCrashingBeforeSend(pipeline, dora));
        long stuckAfter = Long.parseLong(pipeline.environment("ReconcilerFunction").get("STUCK_AFTER_SECONDS"));
        int maxNudges = dev.cartwheel.core.reconciler.ReconcilerService.MAX_NUDGES;

        // WHEN the reconciler runs at each back-off step (stuckAfter * 2^n after their last change) and just before
        // it, and every nudge is lost (an ExpiryDue once they are past the payment timeout)
        List<Integer> nudgedPerDueRun = new java.util.ArrayList<>();
        List<Integer> nudgedPerEarlyRun = new java.util.ArrayList<>();
        for (int n = 0; n < maxNudges; n++) {
            long due = stuckAfter * (1L << n);
            if (n > 0) {
                nudgedPerEarlyRun.add(nudgedIn(pipeline, wiring.reconciler(pipeline, Duration.ofSeconds(due - 30))
                        .handleRequest(Map.of(), null)).size());
            }
            nudgedPerDueRun.add(nudgedIn(pipeline, wiring.reconciler(pipeline, Duration.ofSeconds(due + 30))
                    .handleRequest(Map.of(), null)).size());
            assertThat(nudges(pipeline, stuck.get(0))).isEqualTo(n + 1);
        }
        Duration afterLastBackOff = Duration.ofSeconds(stuckAfter * (1L << maxNudges) + 30);
        Map<String, Integer> parkingRun = wiring.reconciler(pipeline, afterLastBackOff).handleRequest(Map.of(), null);
        Map<String, Integer> muchLater = wiring.reconciler(pipeline, afterLastBackOff.multipliedBy(10))
                .handleRequest(Map.of(), null);

        // THEN nudged once per back-off step, never early; then parked, and reported by every run
        assertThat(nudgedPerDueRun).containsOnly(2).hasSize(maxNudges);
        assertThat(nudgedPerEarlyRun).containsOnly(0).hasSize(maxNudges - 1);
        assertThat(parkingRun).isEqualTo(Map.of(ReconcilerHandler.PARKED, 2));
        assertThat(muchLater).as("parked orders are not nudged again, only reported").isEqualTo(Map.of(ReconcilerHandler.PARKED, 2));
        assertThat(pipeline.depth("InventoryQueue") + pipeline.depth("PaymentQueue")).isZero();
        for (String orderId : stuck) {
            assertThat(openShard(pipeline, orderId)).isEqualTo("parked");
            assertThat(wiring.logs.lines()).anyMatch(line -> line.contains(orderId) && line.contains("\"parked\""));
        }
        assertThat(pipeline.order(dora, stuck.get(0)).get("status").asText()).as("parking changes no status").isEqualTo("PENDING");
    }

    private static String placeCrashingBeforeSend(Pipeline pipeline, String customer) {
        String key = "key-" + UUID.randomUUID();
        assertThatThrownBy(() -> pipeline.checkout.handleRequest(Pipeline.postOrder(customer, customer + "@example.com",
                key, orderBody("pm_card_visa", CUP, 1)), null)).isInstanceOf(SimulatedCrash.class);
        // the newest order of the customer is the one just written
        return Pipeline.json(pipeline.checkout.handleRequest(Pipeline.listOrders(customer, null, 1), null))
                .get("items").get(0).get("orderId").asText();
    }

    private static String openShard(Pipeline pipeline, String orderId) {
        var item = pipeline.aws.dynamoDb().getItem(b -> b.tableName(pipeline.table("OrdersTable"))
                .key(Map.of("orderId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(orderId)))
                .consistentRead(true)).item();
        return item.containsKey("openShard") ? item.get("openShard").s() : null;
    }

    private static int nudges(Pipeline pipeline, String orderId) {
        var item = pipeline.aws.dynamoDb().getItem(b -> b.tableName(pipeline.table("OrdersTable"))
                .key(Map.of("orderId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(orderId)))
                .consistentRead(true)).item();
        return item.containsKey("nudges") ? Integer.parseInt(item.get("nudges").n()) : 0;
    }

    /** The orders a run nudged, read off (and taken out of) the step queues: the nudges are lost. */
    private static java.util.Set<String> nudgedIn(Pipeline pipeline, Map<String, Integer> summary) {
        java.util.Set<String> orderIds = new java.util.HashSet<>();
        int messages = 0;
        for (String queue : List.of("InventoryQueue", "PaymentQueue", "EmailQueue")) {
            for (var message : pipeline.takeAll(queue)) {
                messages++;
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("ord_[0-9a-f-]{36}").matcher(message.body());
                assertThat(m.find()).isTrue();
                orderIds.add(m.group());
            }
        }
        assertThat(messages).as("one message per nudge").isEqualTo(orderIds.size())
                .isEqualTo(summary.entrySet().stream().filter(e -> !e.getKey().equals(ReconcilerHandler.PARKED))
                        .mapToInt(Map.Entry::getValue).sum());
        return orderIds;
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static void purge(Pipeline pipeline, String queueLogicalId) {
        assertThat(pipeline.takeAll(queueLogicalId)).as("messages lost from " + queueLogicalId).isNotEmpty();
    }
}
