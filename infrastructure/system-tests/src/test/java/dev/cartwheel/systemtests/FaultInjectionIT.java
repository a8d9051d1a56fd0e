package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.email.EmailHandler;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.SimulatedCrash;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import dev.cartwheel.testing.PumpResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Issue 4's fault cases, each through the real handlers, adapters and queues on the emulators, with failures
 * injected by decorators around the ports and an SDK interceptor ({@link Wiring}); never by a production flag.
 */
@ExtendWith(AwsEmulators.class)
class FaultInjectionIT {

    private static final String CUP = "ESPRESSO-CUP";
    private static final List<String> HAPPY_PATH = List.of("PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED");

    private AwsEnvironment aws;

    private Pipeline pipeline(Wiring wiring) {
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        return pipeline;
    }

    @org.junit.jupiter.api.BeforeEach
    void emulators(AwsEnvironment aws) {
        this.aws = aws;
    }

    // 1
    @Test
    void sameSqsMessageDeliveredTwice_reservesChargesAndMailsOnce() {
        // GIVEN every batch of every step delivered twice with the same message ids
        Wiring wiring = new Wiring(new Faults((point, orderId) -> point == FaultPoint.REDELIVERY));
        Pipeline pipeline = pipeline(wiring);
        String alice = newCustomer("alice");

        // WHEN
        String orderId = pipeline.place(alice, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain(wiring.routes(pipeline));

        // THEN
        assertThat(wiring.faults.count(FaultPoint.REDELIVERY)).isGreaterThanOrEqualTo(3);
        assertProcessedOnce(pipeline, wiring, alice, orderId);
    }

    // 2
    @Test
    void sameEventResentUnderANewMessageId_changesNothingTwice() {
        // GIVEN every producer (checkout, inventory, payment) sends each event twice, as two SQS messages
        Wiring wiring = new Wiring(new Faults((point, orderId) -> point == FaultPoint.DUPLICATE_SEND));
        Pipeline pipeline = pipeline(wiring);
        String bob = newCustomer("bob");

        // WHEN
        String orderId = pipeline.place(bob, orderBody("pm_card_visa", CUP, 1));
        List<PumpResult> deliveries = pipeline.drain();

        // THEN
        assertThat(wiring.faults.count(FaultPoint.DUPLICATE_SEND)).isGreaterThanOrEqualTo(3);
        assertThat(deliveries.stream().mapToInt(d -> d.delivered().size()).sum()).as("messages handled").isGreaterThan(6);
        assertProcessedOnce(pipeline, wiring, bob, orderId);
    }

    // 3
    @Test
    void crashAfterReservationCommittedBeforePaymentMessage_redeliverySendsIt_paidOnce() {
        // GIVEN
        Wiring wiring = new Wiring(Faults.once(FaultPoint.INVENTORY_CRASH_BEFORE_SEND));
        Pipeline pipeline = pipeline(wiring);
        String carol = newCustomer("carol");

        // WHEN
        String orderId = pipeline.place(carol, orderBody("pm_card_visa", CUP, 1));
        List<PumpResult> deliveries = pipeline.drain();

        // THEN the first inventory delivery died after the commit, the redelivery found RESERVED and sent StockReserved
        assertThat(deliveries.getFirst().queueUrl()).isEqualTo(pipeline.queueUrl("InventoryQueue"));
        assertThat(deliveries.getFirst().error()).get().isInstanceOf(SimulatedCrash.class);
        assertThat(deliveries).filteredOn(d -> d.queueUrl().equals(pipeline.queueUrl("PaymentQueue")))
                .flatExtracting(PumpResult::delivered).hasSize(1);
        assertProcessedOnce(pipeline, wiring, carol, orderId);
    }

    // 4
    @Test
    void crashAfterChargeBeforePaid_retryGetsTheFirstCapture_oneCharge() {
        // GIVEN
        Wiring wiring = new Wiring(Faults.once(FaultPoint.PAYMENT_CRASH_AFTER_CHARGE));
        Pipeline pipeline = pipeline(wiring);
        String dave = newCustomer("dave");

        // WHEN
        String orderId = pipeline.place(dave, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain();

        // THEN the capture was asked twice with the same key and the provider answered the same capture both times
        assertThat(wiring.faults.count(FaultPoint.PAYMENT_CRASH_AFTER_CHARGE)).isEqualTo(1);
        assertThat(wiring.charges.captureCalls(orderId)).isEqualTo(2);
        assertThat(wiring.charges.captureIds(orderId)).hasSize(1);
        assertProcessedOnce(pipeline, wiring, dave, orderId);
    }

    // 3, 4, 5 (any crash point but the SES window): exactly once everything
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = FaultPoint.class, names = {"INVENTORY_CRASH_AFTER_COMMIT", "INVENTORY_CRASH_BEFORE_SEND",
            "PAYMENT_CRASH_AFTER_AUTHORIZE", "PAYMENT_CRASH_AFTER_CHARGE", "PAYMENT_CRASH_AFTER_COMMIT",
            "PAYMENT_CRASH_BEFORE_SEND", "EMAIL_CRASH_BEFORE_SES", "EMAIL_CRASH_AFTER_COMMIT"})
    void crashAtAnyOtherPoint_endsConfirmed_withOneReservationOneChargeOneEmail(FaultPoint point) {
        // GIVEN one crash at the point; the redelivery comes after the visibility timeout (longer than the claim lease)
        Wiring wiring = new Wiring(Faults.once(point));
        Pipeline pipeline = pipeline(wiring);
        String erin = newCustomer("erin");

        // WHEN
        String orderId = pipeline.place(erin, orderBody("pm_card_visa", CUP, 1));
        List<PumpResult> deliveries = pipeline.drain();

        // THEN
        assertThat(wiring.faults.count(point)).isEqualTo(1);
        assertThat(deliveries).filteredOn(d -> d.error().isPresent()).singleElement()
                .satisfies(d -> assertThat(d.handlerError()).isInstanceOf(SimulatedCrash.class));
        assertProcessedOnce(pipeline, wiring, erin, orderId);
    }

    // 5
    @Test
    void crashAfterSesAcceptedBeforeClaimMarkedSent_sendsExactlyOneDuplicate_afterTheLease() {
        // GIVEN the e-mail step dies right after SES accepted the confirmation; the test moves the clock itself
        Wiring wiring = new Wiring(Faults.once(FaultPoint.EMAIL_CRASH_AFTER_SES_ACCEPTED));
        Pipeline pipeline = pipeline(wiring);
        wiring.faults.onFailedDelivery(point -> { });
        String frank = newCustomer("frank");
        String orderId = pipeline.place(frank, orderBody("pm_card_visa", CUP, 1));
        Map<String, Function<SQSEvent, SQSBatchResponse>> upToPayment = new LinkedHashMap<>(pipeline.routes());
        upToPayment.remove(pipeline.queueUrl("EmailQueue"));
        pipeline.drain(upToPayment);
        Function<SQSEvent, SQSBatchResponse> email = event -> pipeline.email.handleRequest(event, null);

        // WHEN the first delivery crashes after SES accepted
        PumpResult crashed = aws.queuePump().pumpOnce(pipeline.queueUrl("EmailQueue"), email);
        // THEN one e-mail is out, the order is still PAID, the claim still held
        assertThat(crashed.error()).get().isInstanceOf(SimulatedCrash.class);
        assertThat(pipeline.mailTo(frank)).hasSize(1);
        assertThat(status(pipeline, frank, orderId)).isEqualTo("PAID");

        // WHEN redelivered within the lease: the claim holds, nothing is sent, the message is retried later
        PumpResult withinLease = aws.queuePump().pumpOnce(pipeline.queueUrl("EmailQueue"), email);
        assertThat(withinLease.failed()).hasSize(1);
        assertThat(pipeline.mailTo(frank)).hasSize(1);

        // WHEN redelivered after the lease: the take-over sends again (the documented window), then never again
        wiring.emailClock.advance(EmailHandler.CLAIM_LEASE.plusSeconds(1));
        pipeline.drain();
        pipeline.aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl("EmailQueue"))
                .messageBody("{\"schemaVersion\":1,\"type\":\"OrderPaid\",\"orderId\":\"" + orderId
                        + "\",\"correlationId\":\"corr-frank-0001\"}"));
        pipeline.drain();

        // THEN exactly one duplicate
        assertThat(pipeline.mailTo(frank)).hasSize(2)
                .allSatisfy(mail -> assertThat(mail.subject()).contains(orderId).contains("confirmed"));
        assertThat(status(pipeline, frank, orderId)).isEqualTo("CONFIRMED");
        assertThat(pipeline.stock(CUP)).containsExactly(9, 0, 1);
        assertThat(wiring.charges.captureIds(orderId)).hasSize(1);
    }

    // 6
    @Test
    void decline_releasesTheStockOnce_evenWhenItsMessageIsDeliveredThreeTimes() {
        // GIVEN the payment step's batches delivered three times (same message ids)
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = pipeline(wiring);
        String grace = newCustomer("grace");
        AtomicInteger paymentDeliveries = new AtomicInteger();
        Map<String, Function<SQSEvent, SQSBatchResponse>> routes = new LinkedHashMap<>(pipeline.routes());
        routes.put(pipeline.queueUrl("PaymentQueue"), event -> {
            SQSBatchResponse last = null;
            for (int i = 0; i < 3; i++) {
                paymentDeliveries.incrementAndGet();
                last = pipeline.payment.handleRequest(event, null);
            }
            return last;
        });

        // WHEN
        String orderId = pipeline.place(grace, orderBody("pm_card_chargeDeclined", CUP, 4));
        pipeline.drain(routes);

        // THEN
        assertThat(paymentDeliveries).hasValue(3);
        JsonNode order = pipeline.order(grace, orderId);
        assertThat(order.get("status").asText()).isEqualTo("PAYMENT_FAILED");
        assertThat(order.get("history").findValuesAsText("status")).containsExactly("PENDING", "RESERVED", "PAYMENT_FAILED");
        assertThat(pipeline.stock(CUP)).as("released once: not 14 available, not negative reserved").containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(grace)).singleElement().satisfies(mail -> assertThat(mail.text()).contains("generic_decline"));
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1));
    }

    // 7
    @Test
    void transientProviderError_isRetried_andSucceedsOnceTheProviderRecovers() {
        // GIVEN the provider fails the first three calls
        Wiring wiring = new Wiring(Faults.scripted(Map.of(FaultPoint.PROVIDER_ERROR, 3)));
        Pipeline pipeline = pipeline(wiring);
        String heidi = newCustomer("heidi");

        // WHEN
        String orderId = pipeline.place(heidi, orderBody("pm_card_visa", CUP, 1));
        List<PumpResult> deliveries = pipeline.drain();

        // THEN the StockReserved message failed three times, then went through
        List<PumpResult> payment = deliveries.stream().filter(d -> d.queueUrl().equals(pipeline.queueUrl("PaymentQueue"))).toList();
        assertThat(payment).hasSize(4);
        assertThat(payment.subList(0, 3)).allSatisfy(d -> assertThat(d.failed()).hasSize(1));
        assertThat(payment.get(3).deleted()).hasSize(1);
        assertThat(pipeline.depth("PaymentDeadLetterQueue")).isZero();
        assertProcessedOnce(pipeline, wiring, heidi, orderId);
    }

    // 7
    @Test
    void stripeFailingThatNeverRecovers_reachesTheDlqAfterFiveReceives_andTheOrderStaysReserved() {
        // GIVEN Stripe answering 500 to every request (each delivery tries three times with the same key)
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = pipeline(wiring);
        String ivan = newCustomer("ivan");

        // WHEN
        String orderId = pipeline.place(ivan, orderBody("pm_card_visa", CUP, 2));
        List<PumpResult> deliveries;
        pipeline.stripe.failNext(1_000, 500);
        try {
            deliveries = pipeline.drain();
        } finally {
            pipeline.stripe.failNext(0, 500);
        }

        // THEN five receives (maxReceiveCount), then the DLQ; the order keeps its reservation
        assertThat(deliveries).filteredOn(d -> d.queueUrl().equals(pipeline.queueUrl("PaymentQueue")))
                .hasSize(5).allSatisfy(d -> assertThat(d.failed()).hasSize(1));
        List<Message> dead = pipeline.takeAll("PaymentDeadLetterQueue");
        assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).contains(orderId).contains("StockReserved"));
        assertThat(status(pipeline, ivan, orderId)).isEqualTo("RESERVED");
        assertThat(pipeline.stock(CUP)).containsExactly(8, 2, 0);
        assertThat(pipeline.paymentOperations(orderId)).isEmpty();
        assertThat(pipeline.mailTo(ivan)).isEmpty();
    }

    // 7, then the reconciler
    @Test
    void providerOutageLongerThanTheRetries_leavesTheOrderReserved_untilTheReconcilerActs() {
        // GIVEN the provider is down until the test says otherwise
        AtomicBoolean outage = new AtomicBoolean(true);
        Wiring wiring = new Wiring(new Faults((point, orderId) -> point == FaultPoint.PROVIDER_ERROR && outage.get()));
        Pipeline pipeline = pipeline(wiring);
        String judy = newCustomer("judy");
        String orderId = pipeline.place(judy, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain();
        assertThat(pipeline.depth("PaymentDeadLetterQueue")).isEqualTo(1);
        assertThat(status(pipeline, judy, orderId)).isEqualTo("RESERVED");

        // WHEN the reconciler runs before the order counts as stuck: nothing happens
        assertThat(wiring.reconciler(pipeline, Duration.ZERO).handleRequest(Map.of(), null)).isEmpty();
        assertThat(status(pipeline, judy, orderId)).isEqualTo("RESERVED");

        // WHEN the provider is back and the reconciler runs once the order is stuck
        outage.set(false);
        Map<String, Integer> nudged = wiring.reconciler(pipeline, wiring.nudgeAge(pipeline)).handleRequest(Map.of(), null);
        pipeline.drain();

        // THEN
        assertThat(nudged).isEqualTo(Map.of("STOCK_RESERVED", 1));
        assertThat(wiring.faults.count(FaultPoint.PROVIDER_ERROR)).isEqualTo(5);
        assertThat(pipeline.takeAll("PaymentDeadLetterQueue")).as("the outage's dead message, now stale")
                .singleElement().satisfies(m -> assertThat(m.body()).contains(orderId));
        assertProcessedOnce(pipeline, wiring, judy, orderId);
    }

    // 8
    @Test
    void transactionConflictsAndThrottlingOnTheReservation_areRetried_withoutADoubleDecrement() {
        // GIVEN the order placed, then two TransactionConflict and two throttles on the next four transactions
        AtomicBoolean armed = new AtomicBoolean(false);
        AtomicInteger conflicts = new AtomicInteger(2);
        AtomicInteger throttles = new AtomicInteger(2);
        Wiring wiring = new Wiring(new Faults((point, orderId) -> armed.get() && switch (point) {
            case TRANSACTION_CONFLICT -> conflicts.getAndDecrement() > 0;
            case THROTTLE -> throttles.getAndDecrement() > 0;
            default -> false;
        }));
        Pipeline pipeline = pipeline(wiring);
        String kim = newCustomer("kim");
        String orderId = pipeline.place(kim, orderBody("pm_card_visa", CUP, 3));
        armed.set(true);

        // WHEN
        List<PumpResult> deliveries = pipeline.drain();

        // THEN the step's own retry absorbed all four: one delivery, one decrement
        assertThat(wiring.faults.count(FaultPoint.TRANSACTION_CONFLICT)).isEqualTo(2);
        assertThat(wiring.faults.count(FaultPoint.THROTTLE)).isEqualTo(2);
        assertThat(deliveries).filteredOn(d -> d.queueUrl().equals(pipeline.queueUrl("InventoryQueue")))
                .singleElement().satisfies(d -> assertThat(d.deleted()).hasSize(1));
        assertThat(status(pipeline, kim, orderId)).isEqualTo("CONFIRMED");
        assertThat(pipeline.stock(CUP)).containsExactly(7, 0, 3);
        assertThat(pipeline.mailTo(kim)).hasSize(1);
    }

    // 9
    @Test
    void batchOfTenWithOnePoison_nineSucceed_oneReported_andItEndsInTheDlq() {
        // GIVEN nine good OrderPlaced messages and one poison in the inventory queue
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = pipeline(wiring);
        String leo = newCustomer("leo");
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            orderIds.add(pipeline.place(leo, orderBody("pm_card_visa", CUP, 1)));
        }
        String poisonId = pipeline.aws.sqs().sendMessageBatch(b -> b.queueUrl(pipeline.queueUrl("InventoryQueue")).entries(
                SendMessageBatchRequestEntry.builder().id("poison").messageBody("{\"schemaVersion\":1,\"type\":\"Nonsense\"}").build()))
                .successful().getFirst().messageId();

        // WHEN one batch of ten
        PumpResult batch = aws.queuePump().pumpOnce(pipeline.queueUrl("InventoryQueue"),
                event -> pipeline.inventory.handleRequest(event, null));

        // THEN
        assertThat(batch.delivered()).hasSize(10);
        assertThat(batch.failed()).containsExactly(poisonId);
        assertThat(batch.deleted()).hasSize(9).doesNotContain(poisonId);
        assertThat(batch.error()).isEmpty();

        // WHEN the rest runs
        pipeline.drain();

        // THEN the poison is in the DLQ, its batch-mates are confirmed
        assertThat(pipeline.takeAll("InventoryDeadLetterQueue")).singleElement()
                .satisfies(m -> assertThat(m.messageId()).isEqualTo(poisonId));
        orderIds.forEach(id -> assertThat(status(pipeline, leo, id)).isEqualTo("CONFIRMED"));
        assertThat(pipeline.stock(CUP)).containsExactly(1, 0, 9);
        assertThat(pipeline.mailTo(leo)).hasSize(9);
    }

    // 10
    @Test
    void dlqRedriveOfAFinishedOrder_isANoOp() {
        // GIVEN an order whose StockReserved went to the DLQ during an outage, finished since by the reconciler,
        // and stale copies of its other messages in the other DLQs
        AtomicBoolean outage = new AtomicBoolean(true);
        Wiring wiring = new Wiring(new Faults((point, orderId) -> point == FaultPoint.PROVIDER_ERROR && outage.get()));
        Pipeline pipeline = pipeline(wiring);
        String mia = newCustomer("mia");
        String orderId = pipeline.place(mia, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();
        outage.set(false);
        wiring.reconciler(pipeline, wiring.nudgeAge(pipeline)).handleRequest(Map.of(), null);
        pipeline.drain();
        JsonNode finished = pipeline.order(mia, orderId);
        assertThat(finished.get("status").asText()).isEqualTo("CONFIRMED");
        for (String[] stale : new String[][] {{"InventoryDeadLetterQueue", "OrderPlaced"}, {"EmailDeadLetterQueue", "OrderPaid"},
                {"EmailDeadLetterQueue", "OrderRejected"}}) {
            pipeline.aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl(stale[0])).messageBody(
                    "{\"schemaVersion\":1,\"type\":\"" + stale[1] + "\",\"orderId\":\"" + orderId + "\",\"correlationId\":\"corr-mia-0001\"}"));
        }

        // WHEN every DLQ is redriven to its source queue and the pipeline runs
        int redriven = pipeline.redrive("InventoryDeadLetterQueue", "InventoryQueue")
                + pipeline.redrive("PaymentDeadLetterQueue", "PaymentQueue")
                + pipeline.redrive("EmailDeadLetterQueue", "EmailQueue");
        pipeline.drain();

        // THEN nothing changed: same order, same stock, one charge, one e-mail; the mismatched message is dead again
        assertThat(redriven).isEqualTo(4);
        JsonNode after = pipeline.order(mia, orderId);
        assertThat(after.get("history")).isEqualTo(finished.get("history"));
        assertThat(after.get("history").findValuesAsText("status")).containsExactlyElementsOf(HAPPY_PATH);
        assertThat(pipeline.stock(CUP)).containsExactly(8, 0, 2);
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(wiring.charges.captureIds(orderId)).hasSize(1);
        assertThat(pipeline.mailTo(mia)).hasSize(1);
        assertThat(pipeline.depth("InventoryDeadLetterQueue") + pipeline.depth("PaymentDeadLetterQueue")).isZero();
        assertThat(pipeline.takeAll("EmailDeadLetterQueue")).singleElement()
                .satisfies(m -> assertThat(m.body()).contains("OrderRejected"));
    }

    /** The order went the happy path exactly once: one reservation, one authorization and capture, one e-mail. */
    private static void assertProcessedOnce(Pipeline pipeline, Wiring wiring, String customer, String orderId) {
        JsonNode order = pipeline.order(customer, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(order.get("history").findValuesAsText("status")).containsExactlyElementsOf(HAPPY_PATH);
        long quantity = order.get("items").get(0).get("quantity").asLong();
        assertThat(pipeline.stock(CUP)).containsExactly(10 - quantity, 0, quantity);
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(wiring.charges.captureIds(orderId)).hasSize(1);
        assertThat(pipeline.mailTo(customer)).singleElement()
                .satisfies(mail -> assertThat(mail.subject()).contains(orderId).contains("confirmed"));
        assertThat(pipeline.depth("InventoryDeadLetterQueue") + pipeline.depth("PaymentDeadLetterQueue")
                + pipeline.depth("EmailDeadLetterQueue")).as("DLQs").isZero();
    }

    private static String status(Pipeline pipeline, String customer, String orderId) {
        return pipeline.order(customer, orderId).get("status").asText();
    }
}
