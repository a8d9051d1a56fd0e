package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.SimulatedCrash;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import dev.cartwheel.testing.PumpResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cancellation saga of issue 6 through the real handlers, adapters and queues on the emulators: every stage an
 * order can be cancelled in, repeats and races, a crash at each point of the saga.
 */
@ExtendWith(AwsEmulators.class)
class CancellationIT {

    private static final String CUP = "ESPRESSO-CUP";

    private AwsEnvironment aws;

    @BeforeEach
    void emulators(AwsEnvironment aws) {
        this.aws = aws;
    }

    private Pipeline composed() {
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        return pipeline;
    }

    private Pipeline wired(Wiring wiring) {
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        return pipeline;
    }

    @Test
    void cancelReservedOrder_releasesTheStock_chargesNothing_andMailsTheCancellationOnce() {
        // GIVEN an order whose stock is reserved, its payment message still waiting
        Pipeline pipeline = composed();
        String alice = newCustomer("alice");
        String orderId = pipeline.place(alice, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        assertThat(status(pipeline, alice, orderId)).isEqualTo("RESERVED");
        assertThat(pipeline.stock(CUP)).containsExactly(8, 2, 0);

        // WHEN the owner cancels with a reason, then the queues run (StockReserved comes first and must do nothing)
        APIGatewayV2HTTPResponse response = pipeline.cancel(alice, orderId, "{\"reason\":\"ordered the wrong size\"}");
        pipeline.drain();

        // THEN
        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = Pipeline.json(response);
        assertThat(body.get("orderId").asText()).isEqualTo(orderId);
        assertThat(body.get("cancellation").get("reason").asText()).isEqualTo("ordered the wrong size");
        JsonNode order = pipeline.order(alice, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("history").findValuesAsText("status"))
                .containsExactly("PENDING", "RESERVED", "CANCELLING", "CANCELLED");
        assertThat(order.get("history").get(3).get("reason").asText()).isEqualTo("ordered the wrong size");
        assertThat(order.get("cancellation").get("settlement").asText()).isEqualTo("NOTHING_TO_SETTLE");
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.paymentOperations(orderId)).as("never authorized").isEmpty();
        assertThat(pipeline.mailTo(alice)).singleElement().satisfies(mail -> {
            assertThat(mail.subject()).contains("cancelled").contains(orderId);
            assertThat(mail.text()).contains("ordered the wrong size").contains("Nothing was charged");
            assertThat(mail.html()).contains("<li>2 x Espresso cup (ESPRESSO-CUP) 25.00 USD</li>");
        });
        assertNoDeadLetters(pipeline);
    }

    @Test
    void cancelAuthorizedOrder_voidsTheHoldOnce_releasesTheStock() {
        // GIVEN the payment step wrote AUTHORIZED and died before capturing
        Wiring wiring = new Wiring(Faults.once(FaultPoint.PAYMENT_CRASH_AFTER_COMMIT));
        Pipeline pipeline = wired(wiring);
        String bob = newCustomer("bob");
        String orderId = pipeline.place(bob, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        PumpResult crashed = aws.queuePump().pumpOnce(pipeline.queueUrl("PaymentQueue"), event -> pipeline.payment.handleRequest(event, null));
        assertThat(crashed.error()).get().isInstanceOf(SimulatedCrash.class);
        assertThat(status(pipeline, bob, orderId)).isEqualTo("AUTHORIZED");

        // WHEN the owner cancels (no body) and the redelivered StockReserved and the saga run
        APIGatewayV2HTTPResponse response = pipeline.cancel(bob, orderId, null);
        pipeline.drain();

        // THEN the hold is voided once, nothing captured, the stock back
        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode order = pipeline.order(bob, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("cancellation").get("reason").asText()).isEqualTo("cancelled by the customer");
        assertThat(order.get("cancellation").get("settlement").asText()).isEqualTo("VOIDED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(bob)).singleElement()
                .satisfies(mail -> assertThat(mail.text()).contains("hold on your payment method was released"));
        assertNoDeadLetters(pipeline);
    }

    @Test
    void cancelAfterThePaymentStepDiedHoldingAnUnrecordedAuthorization_findsTheHoldAndVoidsIt() {
        // GIVEN the provider authorized but the payment step died before writing AUTHORIZED: the order says RESERVED
        Wiring wiring = new Wiring(Faults.once(FaultPoint.PAYMENT_CRASH_AFTER_AUTHORIZE));
        Pipeline pipeline = wired(wiring);
        String carol = newCustomer("carol");
        String orderId = pipeline.place(carol, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        aws.queuePump().pumpOnce(pipeline.queueUrl("PaymentQueue"), event -> pipeline.payment.handleRequest(event, null));
        assertThat(status(pipeline, carol, orderId)).isEqualTo("RESERVED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1));

        // WHEN
        pipeline.cancel(carol, orderId, null);
        pipeline.drain();

        // THEN the hold the order never recorded is voided
        assertThat(status(pipeline, carol, orderId)).isEqualTo("CANCELLED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(carol)).hasSize(1);
    }

    @Test
    void cancelConfirmedOrder_refundsTheCaptureOnce_putsTheSoldStockBackOnSale() {
        // GIVEN a confirmed order (charged, stock sold, confirmation mailed)
        Pipeline pipeline = composed();
        String dave = newCustomer("dave");
        String orderId = pipeline.place(dave, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();
        assertThat(status(pipeline, dave, orderId)).isEqualTo("CONFIRMED");
        assertThat(pipeline.stock(CUP)).containsExactly(8, 0, 2);

        // WHEN
        APIGatewayV2HTTPResponse response = pipeline.cancel(dave, orderId, "{\"reason\":\"changed my mind\"}");
        pipeline.drain();

        // THEN
        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode order = pipeline.order(dave, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("history").findValuesAsText("status")).containsExactly(
                "PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED", "CANCELLING", "CANCELLED");
        assertThat(order.get("cancellation").get("settlement").asText()).isEqualTo("REFUNDED");
        assertThat(order.get("cancellation").get("refunded").get("amount").asLong()).isEqualTo(2500);
        assertThat(order.get("refundedTotal").get("amount").asLong()).isEqualTo(2500);
        assertThat(pipeline.paymentAmounts(orderId)).isEqualTo(Map.of(
                orderId + ":authorize", 2500L, orderId + ":capture", 2500L, orderId + ":refund", 2500L));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        List<CapturedEmail> mail = pipeline.mailTo(dave);
        assertThat(mail).extracting(CapturedEmail::subject).hasSize(2)
                .anySatisfy(subject -> assertThat(subject).contains("confirmed"))
                .anySatisfy(subject -> assertThat(subject).contains("cancelled"));
        assertThat(mail).filteredOn(m -> m.subject().contains("cancelled")).singleElement()
                .satisfies(m -> assertThat(m.text()).contains("25.00 USD was refunded"));
        assertNoDeadLetters(pipeline);
    }

    @Test
    void cancellingACancelledOrder_returnsTheSameResult_andCompensatesNothingTwice() {
        // GIVEN a confirmed order, cancelled and fully compensated
        Pipeline pipeline = composed();
        String erin = newCustomer("erin");
        String orderId = pipeline.place(erin, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain();
        APIGatewayV2HTTPResponse first = pipeline.cancel(erin, orderId, "{\"reason\":\"too slow\"}");
        pipeline.drain();
        JsonNode cancelled = pipeline.order(erin, orderId);

        // WHEN cancelled again (another reason, too) and the queues run again
        APIGatewayV2HTTPResponse second = pipeline.cancel(erin, orderId, "{\"reason\":\"really\"}");
        pipeline.drain();

        // THEN the same 200 and body, nothing new
        assertThat(second.getStatusCode()).isEqualTo(200);
        assertThat(second.getBody()).isEqualTo(first.getBody());
        assertThat(pipeline.order(erin, orderId)).isEqualTo(cancelled);
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1, "refund", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(erin)).filteredOn(m -> m.subject().contains("cancelled")).hasSize(1);
    }

    @Test
    void twoConcurrentCancels_recordOneCancellation_andBothGetTheSameAnswer() throws Exception {
        // GIVEN a confirmed order
        Pipeline pipeline = composed();
        String frank = newCustomer("frank");
        String orderId = pipeline.place(frank, orderBody("pm_card_visa", CUP, 3));
        pipeline.drain();

        // WHEN two requests cancel it at the same moment
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<APIGatewayV2HTTPResponse>> answers = new ArrayList<>();
        try {
            for (String reason : List.of("first", "second")) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return pipeline.cancel(frank, orderId, "{\"reason\":\"" + reason + "\"}");
                }));
            }
            start.countDown();
            APIGatewayV2HTTPResponse a = answers.get(0).get();
            APIGatewayV2HTTPResponse b = answers.get(1).get();
            pipeline.drain();

            // THEN one cancellation won, both answers describe it
            assertThat(a.getStatusCode()).isEqualTo(200);
            assertThat(b.getStatusCode()).isEqualTo(200);
            assertThat(a.getBody()).isEqualTo(b.getBody());
            JsonNode order = pipeline.order(frank, orderId);
            assertThat(order.get("history").findValuesAsText("status")).filteredOn("CANCELLING"::equals).hasSize(1);
            assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
            assertThat(Pipeline.json(a).get("cancellation").get("reason").asText())
                    .isEqualTo(order.get("cancellation").get("reason").asText()).isIn("first", "second");
            assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1, "refund", 1));
            assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
            assertThat(pipeline.mailTo(frank)).filteredOn(m -> m.subject().contains("cancelled")).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The cancel lands while the payment step's provider call is in flight: during the authorization (1) or the
     * capture (2). The payment step's next write loses on the version, it re-reads the order, sees the cancellation
     * and settles instead of moving on: one outcome, CANCELLED, never charged.
     */
    @ParameterizedTest(name = "cancel during provider call {0}")
    @ValueSource(ints = {1, 2})
    void cancelRacingAPaymentInFlight_endsCancelled_withTheMoneyGivenBackOnce(int duringCall) {
        // GIVEN a provider whose call number `duringCall` for the order lets the customer's cancel in first
        AtomicReference<Runnable> cancelNow = new AtomicReference<>(() -> { });
        AtomicInteger providerCalls = new AtomicInteger();
        Wiring wiring = new Wiring(new Faults((point, id) -> {
            if (point == FaultPoint.PROVIDER_ERROR && providerCalls.incrementAndGet() == duringCall) {
                cancelNow.get().run();
            }
            return false;
        }));
        Pipeline pipeline = wired(wiring);
        String grace = newCustomer("grace");
        String orderId = pipeline.place(grace, orderBody("pm_card_visa", CUP, 2));
        AtomicReference<APIGatewayV2HTTPResponse> cancelled = new AtomicReference<>();
        cancelNow.set(() -> cancelled.set(pipeline.cancel(grace, orderId, "{\"reason\":\"raced\"}")));

        // WHEN
        pipeline.drain();

        // THEN
        assertThat(cancelled.get().getStatusCode()).isEqualTo(200);
        JsonNode order = pipeline.order(grace, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("history").findValuesAsText("status")).doesNotContain("PAID", "CONFIRMED")
                .containsSubsequence("CANCELLING", "CANCELLED");
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        if (duringCall == 1) {
            assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
            assertThat(order.get("cancellation").get("settlement").asText()).isEqualTo("VOIDED");
        } else {
            assertThat(pipeline.paymentAmounts(orderId)).isEqualTo(Map.of(
                    orderId + ":authorize", 2500L, orderId + ":capture", 2500L, orderId + ":refund", 2500L));
            assertThat(order.get("cancellation").get("settlement").asText()).isEqualTo("REFUNDED");
            assertThat(wiring.charges.captureIds(orderId)).hasSize(1);
        }
        assertThat(pipeline.mailTo(grace)).singleElement()
                .satisfies(mail -> assertThat(mail.subject()).contains("cancelled"));
        assertNoDeadLetters(pipeline);
    }

    /** A crash at each point of the saga; the redelivery resumes where it stopped. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = FaultPoint.class, names = {"CANCEL_CRASH_AFTER_STOCK_RETURNED", "CRASH_AFTER_VOID_OR_REFUND",
            "PAYMENT_CRASH_AFTER_COMMIT", "PAYMENT_CRASH_BEFORE_SEND", "EMAIL_CRASH_BEFORE_SES"})
    void crashAnywhereInTheSaga_resumesOnRedelivery_stockBackOnce_refundOnce_oneEmail(FaultPoint point) {
        // GIVEN a confirmed order, and one crash at the point once the cancellation starts
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean fired = new AtomicBoolean();
        Wiring wiring = new Wiring(new Faults((p, id) -> armed.get() && p == point && fired.compareAndSet(false, true)));
        Pipeline pipeline = wired(wiring);
        String heidi = newCustomer("heidi");
        String orderId = pipeline.place(heidi, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();
        armed.set(true);

        // WHEN
        pipeline.cancel(heidi, orderId, null);
        List<PumpResult> deliveries = pipeline.drain();

        // THEN exactly one crashed delivery, and the saga finished as if nothing happened
        assertThat(wiring.faults.count(point)).isEqualTo(1);
        assertThat(deliveries).filteredOn(d -> d.error().isPresent()).singleElement()
                .satisfies(d -> assertThat(d.handlerError()).isInstanceOf(SimulatedCrash.class));
        JsonNode order = pipeline.order(heidi, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("history").findValuesAsText("status")).filteredOn(s -> s.startsWith("CANCEL"))
                .containsExactly("CANCELLING", "CANCELLED");
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.paymentAmounts(orderId)).isEqualTo(Map.of(
                orderId + ":authorize", 2500L, orderId + ":capture", 2500L, orderId + ":refund", 2500L));
        assertThat(pipeline.mailTo(heidi)).filteredOn(m -> m.subject().contains("cancelled")).hasSize(1);
        assertNoDeadLetters(pipeline);
    }

    @Test
    void providerErrorsDuringTheSagasRefund_areRetried_andTheRefundHappensOnce() {
        // GIVEN a confirmed order, and a provider that fails the next two void/refund calls transiently
        AtomicBoolean armed = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        Wiring wiring = new Wiring(new Faults((p, id) -> armed.get() && p == FaultPoint.PROVIDER_ERROR
                && failures.incrementAndGet() <= 2));
        Pipeline pipeline = wired(wiring);
        String olga = newCustomer("olga");
        String orderId = pipeline.place(olga, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();
        armed.set(true);

        // WHEN
        pipeline.cancel(olga, orderId, null);
        List<PumpResult> deliveries = pipeline.drain();

        // THEN two failed deliveries, then one refund, stock back once
        assertThat(wiring.faults.count(FaultPoint.PROVIDER_ERROR)).isEqualTo(2);
        assertThat(deliveries).flatExtracting(PumpResult::failed).hasSize(2);
        assertThat(status(pipeline, olga, orderId)).isEqualTo("CANCELLED");
        assertThat(pipeline.paymentAmounts(orderId)).containsEntry(orderId + ":refund", 2500L);
        assertThat(pipeline.paymentOperations(orderId)).containsEntry("refund", 1);
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(olga)).filteredOn(m -> m.subject().contains("cancelled")).hasSize(1);
        assertNoDeadLetters(pipeline);
    }

    @Test
    void checkoutDiesAfterRecordingTheCancellation_theReconcilerResumesTheSaga() {
        // GIVEN a reserved order; checkout records CANCELLING, then dies before sending CancelRequested
        AtomicBoolean armed = new AtomicBoolean();
        Wiring wiring = new Wiring(new Faults((p, id) -> armed.get() && p == FaultPoint.CHECKOUT_CRASH_BEFORE_SEND
                && armed.compareAndSet(true, false)));
        Pipeline pipeline = wired(wiring);
        String ivan = newCustomer("ivan");
        String orderId = pipeline.place(ivan, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        armed.set(true);
        assertThatThrownBy(() -> pipeline.cancel(ivan, orderId, null)).isInstanceOf(SimulatedCrash.class);
        pipeline.drain();
        assertThat(status(pipeline, ivan, orderId)).as("StockReserved did nothing to a cancelling order").isEqualTo("CANCELLING");

        // WHEN the reconciler finds it stuck
        Map<String, Integer> nudged = wiring.reconciler(pipeline, wiring.nudgeAge(pipeline)).handleRequest(Map.of(), null);
        pipeline.drain();

        // THEN
        assertThat(nudged).isEqualTo(Map.of("CANCEL_REQUESTED", 1));
        assertThat(status(pipeline, ivan, orderId)).isEqualTo("CANCELLED");
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.paymentOperations(orderId)).isEmpty();
        assertThat(pipeline.mailTo(ivan)).hasSize(1);
        assertThat(wiring.reconciler(pipeline, wiring.nudgeAge(pipeline)).handleRequest(Map.of(), null))
                .as("a cancelled order leaves the open-orders index").isEmpty();
    }

    @Test
    void anotherCustomersOrder_isNotFound_andStaysAsItWas() {
        Pipeline pipeline = composed();
        String judy = newCustomer("judy");
        String orderId = pipeline.place(judy, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain();

        APIGatewayV2HTTPResponse response = pipeline.cancel(newCustomer("mallory"), orderId, null);

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(response.getHeaders().get("content-type")).isEqualTo("application/problem+json");
        assertThat(status(pipeline, judy, orderId)).isEqualTo("CONFIRMED");
        assertThat(pipeline.depth("PaymentQueue")).isZero();
        assertThat(pipeline.cancel(judy, "ord_00000000-0000-4000-8000-00000000dead", null).getStatusCode()).isEqualTo(404);
    }

    @Test
    void rejectedOrFailedOrder_isAConflict_andNothingChanges() {
        Pipeline pipeline = composed();
        String kim = newCustomer("kim");
        String rejected = pipeline.place(kim, orderBody("pm_card_visa", CUP, 11));
        String failed = pipeline.place(kim, orderBody("pm_card_chargeDeclined", CUP, 1));
        pipeline.drain();
        JsonNode before = pipeline.order(kim, failed);

        for (String orderId : List.of(rejected, failed)) {
            APIGatewayV2HTTPResponse response = pipeline.cancel(kim, orderId, null);
            assertThat(response.getStatusCode()).isEqualTo(409);
            assertThat(response.getHeaders().get("content-type")).isEqualTo("application/problem+json");
            assertThat(Pipeline.json(response).get("type").asText()).endsWith("/order-not-cancellable");
        }
        assertThat(status(pipeline, kim, rejected)).isEqualTo("REJECTED");
        assertThat(pipeline.order(kim, failed)).isEqualTo(before);
        assertThat(pipeline.depth("PaymentQueue")).isZero();
    }

    @Test
    void invalidBody_is400_andNothingChanges() {
        Pipeline pipeline = composed();
        String liam = newCustomer("liam");
        String orderId = pipeline.place(liam, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain();

        APIGatewayV2HTTPResponse unknown = pipeline.cancel(liam, orderId, "{\"refund\":true}");
        APIGatewayV2HTTPResponse blank = pipeline.cancel(liam, orderId, "{\"reason\":\"  \"}");

        assertThat(unknown.getStatusCode()).isEqualTo(400);
        assertThat(Pipeline.json(unknown).get("field").asText()).isEqualTo("/refund");
        assertThat(blank.getStatusCode()).isEqualTo(400);
        assertThat(Pipeline.json(blank).get("field").asText()).isEqualTo("/reason");
        assertThat(status(pipeline, liam, orderId)).isEqualTo("CONFIRMED");
        assertThat(pipeline.depth("PaymentQueue")).isZero();
    }

    static Map<String, Function<SQSEvent, SQSBatchResponse>> only(Pipeline pipeline, String queueLogicalId) {
        Map<String, Function<SQSEvent, SQSBatchResponse>> routes = new LinkedHashMap<>(pipeline.routes());
        routes.keySet().retainAll(List.of(pipeline.queueUrl(queueLogicalId)));
        return routes;
    }

    static String status(Pipeline pipeline, String customer, String orderId) {
        return pipeline.order(customer, orderId).get("status").asText();
    }

    static void assertNoDeadLetters(Pipeline pipeline) {
        assertThat(pipeline.depth("InventoryDeadLetterQueue") + pipeline.depth("PaymentDeadLetterQueue")
                + pipeline.depth("EmailDeadLetterQueue")).as("DLQs").isZero();
    }
}
