package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import dev.cartwheel.testing.PumpResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Races forced to interleave at their dangerous point in every run, by hooks in the test decorators
 * ({@link Faults.Hook}): latches hold a step inside its provider call while the other commits, or
 * {@link SameVersionRace} makes two steps read the same order version before either writes. Each test asserts that
 * the interleaving happened (the hook was reached, the versions read were equal, the loser's write was stale), then
 * that the outcome is the one the design promises.
 */
@ExtendWith(AwsEmulators.class)
class RaceIT {

    private static final String CUP = "ESPRESSO-CUP";
    /** The payment token this test uses, in one place. */
    private static final String APPROVED = "pm_card_visa";
    private static final long GUARD_SECONDS = 30;

    private AwsEnvironment aws;

    @BeforeEach
    void emulators(AwsEnvironment aws) {
        this.aws = aws;
    }

    /** The simulator is shared by every test class of this JVM: a search lag set here must not outlive the test. */
    @org.junit.jupiter.api.AfterEach
    void searchKeepsUpAgain() {
        Pipeline.STRIPE.searchLag(java.time.Duration.ZERO);
    }

    /**
     * The payment step is held inside its provider call (after the authorization, or after the capture) until the
     * customer's cancel has committed CANCELLING; its next write then loses on the version, it re-reads and gives the
     * money back: a void, or a refund of the capture. Never charged for good.
     */
    @ParameterizedTest(name = "cancel while {0}")
    @EnumSource(value = Faults.Checkpoint.class, names = {"PROVIDER_AUTHORIZED", "PROVIDER_CAPTURED"})
    void cancelCommittingWhileTheProviderCallIsInFlight_theStepLosesOnTheVersion_andGivesTheMoneyBack(
            Faults.Checkpoint during) throws Exception {
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        // as on Stripe, whose search lags behind its writes: the hold made in flight is not searchable yet
        pipeline.stripe.searchLag(java.time.Duration.ofHours(1));
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String buyer = newCustomer("held");
        String orderId = pipeline.place(buyer, orderBody(APPROVED, CUP, 2));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch cancelCommitted = new CountDownLatch(1);
        List<String> staleWrites = new CopyOnWriteArrayList<>();
        wiring.faults.onHook((at, id, version) -> {
            if (!orderId.equals(id)) {
                return;
            }
            if (at == during && inFlight.getCount() > 0) {
                inFlight.countDown();
                guard(cancelCommitted);
            } else if (at == Faults.Checkpoint.ORDER_WRITE_STALE) {
                staleWrites.add(Thread.currentThread().getName());
            }
        });

        // WHEN the payment step runs on its own thread and is held in the provider call while the customer cancels
        FutureTask<List<PumpResult>> payment = start("payment-step", () -> pipeline.drain(only(pipeline, "PaymentQueue")));
        boolean held = inFlight.await(GUARD_SECONDS, TimeUnit.SECONDS);
        APIGatewayV2HTTPResponse cancel = pipeline.cancel(buyer, orderId, null);
        String statusWhileHeld = pipeline.order(buyer, orderId).get("status").asText();
        cancelCommitted.countDown();
        payment.get();
        pipeline.drain();

        // THEN the interleaving happened: the step was in its provider call when CANCELLING committed, and lost its write
        assertThat(held).as("the payment step reached " + during).isTrue();
        assertThat(cancel.getStatusCode()).isEqualTo(200);
        assertThat(statusWhileHeld).isEqualTo("CANCELLING");
        assertThat(staleWrites).as("the payment step's write lost on the version").contains("payment-step");
        // AND the order is cancelled with the money given back once
        JsonNode order = pipeline.order(buyer, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("history").findValuesAsText("status")).doesNotContain("PAID", "CONFIRMED");
        Map<String, Integer> operations = pipeline.paymentOperations(orderId);
        if (during == Faults.Checkpoint.PROVIDER_AUTHORIZED) {
            assertThat(operations).isEqualTo(Map.of("authorize", 1, "void", 1));
            assertThat(order.get("cancellation").get("settlement").asText()).isEqualTo("VOIDED");
        } else {
            assertThat(operations).isEqualTo(Map.of("authorize", 1, "capture", 1, "refund", 1));
            assertThat(order.get("cancellation").get("settlement").asText()).isEqualTo("REFUNDED");
            assertThat(wiring.charges.captureIds(orderId)).hasSize(1);
        }
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(buyer)).singleElement().extracting(CapturedEmail::subject).asString().contains("cancelled");
    }

    /**
     * The payment step is held inside the provider's authorization while the payment timeout passes and the expiry
     * commits EXPIRED (stock released); the step's AUTHORIZED write then loses on the version, it re-reads the
     * expired order and voids the late authorization. Expired and uncharged, never both.
     */
    @Test
    void expiryCommittingWhileTheAuthorizationIsInFlight_theLateAuthorizationIsVoided() throws Exception {
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String buyer = newCustomer("late");
        String orderId = pipeline.place(buyer, orderBody(APPROVED, CUP, 2));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch expired = new CountDownLatch(1);
        List<String> staleWrites = new CopyOnWriteArrayList<>();
        wiring.faults.onHook((at, id, version) -> {
            if (!orderId.equals(id)) {
                return;
            }
            if (at == Faults.Checkpoint.PROVIDER_AUTHORIZED && inFlight.getCount() > 0) {
                inFlight.countDown();
                guard(expired);
            } else if (at == Faults.Checkpoint.ORDER_WRITE_STALE) {
                staleWrites.add(Thread.currentThread().getName());
            }
        });

        // WHEN the payment step is held in the authorization, the timeout passes and the expiry runs on another thread
        FutureTask<List<PumpResult>> payment = start("payment-step", () -> pipeline.drain(only(pipeline, "PaymentQueue")));
        boolean held = inFlight.await(GUARD_SECONDS, TimeUnit.SECONDS);
        wiring.paymentClock.advance(wiring.overdueAge(pipeline));
        Map<String, Integer> reconciled = wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null);
        Function<SQSEvent, SQSBatchResponse> paymentRoute = pipeline.routes().get(pipeline.queueUrl("PaymentQueue"));
        String statusWhileHeld = "RESERVED";
        for (int attempt = 0; attempt < 50 && !statusWhileHeld.equals("EXPIRED"); attempt++) {
            aws.queuePump().pumpOnce(pipeline.queueUrl("PaymentQueue"), paymentRoute);
            statusWhileHeld = pipeline.order(buyer, orderId).get("status").asText();
        }
        expired.countDown();
        payment.get();
        pipeline.drain();

        // THEN the interleaving happened: EXPIRED committed while the authorization was in flight, the step lost its write
        assertThat(held).isTrue();
        assertThat(reconciled).isEqualTo(Map.of("EXPIRY_DUE", 1));
        assertThat(statusWhileHeld).isEqualTo("EXPIRED");
        assertThat(staleWrites).contains("payment-step");
        // AND expired, the late authorization voided, stock back once, one e-mail
        JsonNode order = pipeline.order(buyer, orderId);
        assertThat(order.get("status").asText()).isEqualTo("EXPIRED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(buyer)).singleElement().extracting(CapturedEmail::subject).asString().contains("expired");
    }

    /**
     * The warehouse's fulfilment and the customer's cancel both read the same version of an order waiting for its
     * fulfilment (captured on fulfilment); one writes first, the other's write is stale, it re-reads and answers 409.
     * Both orders of writing are forced, so both outcomes occur: shipped and charged, or cancelled and voided.
     */
    @ParameterizedTest(name = "{0} writes first")
    @ValueSource(strings = {"fulfil", "cancel"})
    void fulfilmentAndCancelReadingTheSameVersion_exactlyOneWins(String first) throws Exception {
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, Map.of("CaptureOn", "fulfilment"), wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String buyer = newCustomer("both");
        String orderId = pipeline.place(buyer, orderBody(APPROVED, CUP, 2));
        pipeline.drain();
        assertThat(pipeline.order(buyer, orderId).get("status").asText()).isEqualTo("AUTHORIZED");
        SameVersionRace race = new SameVersionRace(orderId, first, first.equals("fulfil") ? "cancel" : "fulfil");
        wiring.faults.onHook(race);

        // WHEN
        FutureTask<APIGatewayV2HTTPResponse> fulfil = start("fulfil", () -> pipeline.fulfil(orderId, "1Z999AA10123456784"));
        FutureTask<APIGatewayV2HTTPResponse> cancel = start("cancel", () -> pipeline.cancel(buyer, orderId, null));
        int fulfilled = fulfil.get().getStatusCode();
        int cancelled = cancel.get().getStatusCode();
        pipeline.drain();

        // THEN the race happened as forced
        String second = first.equals("fulfil") ? "cancel" : "fulfil";
        assertThat(race.completed()).as(race.toString()).isTrue();
        assertThat(race.versionsRead()).containsOnlyKeys("fulfil", "cancel");
        assertThat(race.versionsRead().get("fulfil")).isEqualTo(race.versionsRead().get("cancel"));
        assertThat(race.staleWrites()).containsExactly(second);
        // AND exactly one won
        JsonNode order = pipeline.order(buyer, orderId);
        if (first.equals("fulfil")) {
            // captured on fulfilment: 202, the capture follows
            assertThat(List.of(fulfilled, cancelled)).containsExactly(202, 409);
            assertThat(order.get("status").asText()).isEqualTo("FULFILLED");
            assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
            assertThat(pipeline.stock(CUP)).containsExactly(8, 0, 2);
        } else {
            assertThat(List.of(fulfilled, cancelled)).containsExactly(409, 200);
            assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
            assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
            assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        }
    }

    /**
     * Two admin refunds with different keys read the same version of a paid order; together they ask for more than
     * was captured. The first records its refund; the second's write is stale, it re-reads and is refused: refunds
     * never exceed the capture.
     */
    @Test
    void twoRefundsReadingTheSameVersion_cannotTogetherExceedTheCapture() throws Exception {
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String buyer = newCustomer("refunds");
        String orderId = pipeline.place(buyer, orderBody(APPROVED, CUP, 2));
        pipeline.drain();
        SameVersionRace race = new SameVersionRace(orderId, "refund-a", "refund-b");
        wiring.faults.onHook(race);

        // WHEN two refunds of 15.00 on a 25.00 capture run at once
        FutureTask<APIGatewayV2HTTPResponse> a = start("refund-a", () -> pipeline.refund(orderId, "refund-key-a", 1500, "dented"));
        FutureTask<APIGatewayV2HTTPResponse> b = start("refund-b", () -> pipeline.refund(orderId, "refund-key-b", 1500, "dented"));
        int first = a.get().getStatusCode();
        APIGatewayV2HTTPResponse secondAnswer = b.get();
        pipeline.drain();

        // THEN the race happened as forced, and only the first refund was made
        assertThat(race.completed()).as(race.toString()).isTrue();
        assertThat(race.versionsRead().get("refund-a")).isEqualTo(race.versionsRead().get("refund-b"));
        assertThat(race.staleWrites()).as("the second refund's write lost on the version").contains("refund-b")
                .doesNotContain("refund-a");
        assertThat(first).as(race.toString()).isEqualTo(201);
        assertThat(secondAnswer.getStatusCode()).as(secondAnswer.getBody()).isEqualTo(422);
        assertThat(pipeline.paymentAmounts(orderId)).containsEntry(orderId + ":refund:refund-key-a", 1500L)
                .doesNotContainKey(orderId + ":refund:refund-key-b");
        assertThat(pipeline.order(buyer, orderId).get("refundedTotal").get("amount").asLong()).isEqualTo(1500);
        assertThat(pipeline.mailTo(buyer)).filteredOn(m -> m.subject().contains("refunded")).hasSize(1);
    }

    /**
     * The same refund request (same key) twice at once, both reading the same version: the first records it, the
     * second's write is stale, it re-reads, finds the record under its key and completes the same refund. One refund.
     */
    @Test
    void theSameRefundKeyTwiceReadingTheSameVersion_refundsOnce_andBothAnswerTheSame() throws Exception {
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String buyer = newCustomer("samekey");
        String orderId = pipeline.place(buyer, orderBody(APPROVED, CUP, 2));
        pipeline.drain();
        SameVersionRace race = new SameVersionRace(orderId, "refund-1", "refund-2");
        wiring.faults.onHook(race);

        // WHEN
        FutureTask<APIGatewayV2HTTPResponse> one = start("refund-1", () -> pipeline.refund(orderId, "same-key", 800, "scratched"));
        FutureTask<APIGatewayV2HTTPResponse> two = start("refund-2", () -> pipeline.refund(orderId, "same-key", 800, "scratched"));
        APIGatewayV2HTTPResponse first = one.get();
        APIGatewayV2HTTPResponse second = two.get();
        pipeline.drain();

        // THEN
        assertThat(race.completed()).as(race.toString()).isTrue();
        assertThat(race.versionsRead().get("refund-1")).isEqualTo(race.versionsRead().get("refund-2"));
        assertThat(race.staleWrites()).as("the second request's write lost on the version").contains("refund-2")
                .doesNotContain("refund-1");
        assertThat(first.getStatusCode()).as(first.getBody()).isEqualTo(201);
        assertThat(second.getStatusCode()).as(second.getBody()).isEqualTo(201);
        assertThat(Pipeline.json(second).get("refund").get("refundId").asText())
                .isEqualTo(Pipeline.json(first).get("refund").get("refundId").asText());
        assertThat(pipeline.paymentOperations(orderId)).containsEntry("refund", 1);
        assertThat(pipeline.order(buyer, orderId).get("refundedTotal").get("amount").asLong()).isEqualTo(800);
        assertThat(pipeline.mailTo(buyer)).filteredOn(m -> m.subject().contains("refunded")).hasSize(1);
    }

    /**
     * Two copies of one {@code StockReserved} message are processed by two concurrent invocations of the payment
     * step, both reading the order RESERVED at the same version. The provider's idempotency key and the version
     * condition make it one authorization, one capture, one transition each.
     */
    @Test
    void twoCopiesOfOneMessageInTwoConcurrentInvocations_authorizeAndCaptureOnce() throws Exception {
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String buyer = newCustomer("copies");
        String orderId = pipeline.place(buyer, orderBody(APPROVED, CUP, 2));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        var message = pipeline.takeAll("PaymentQueue");
        assertThat(message).hasSize(1);
        for (int copy = 0; copy < 2; copy++) {
            aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl("PaymentQueue")).messageBody(message.get(0).body())
                    .messageAttributes(message.get(0).messageAttributes()));
        }
        SameVersionRace race = new SameVersionRace(orderId, "invocation-1", "invocation-2");
        wiring.faults.onHook(race);
        Function<SQSEvent, SQSBatchResponse> handler = pipeline.routes().get(pipeline.queueUrl("PaymentQueue"));

        // WHEN each invocation receives one copy
        AtomicReference<String> url = new AtomicReference<>(pipeline.queueUrl("PaymentQueue"));
        FutureTask<PumpResult> one = start("invocation-1", () -> aws.queuePump().pumpOnce(url.get(), 1, handler));
        FutureTask<PumpResult> two = start("invocation-2", () -> aws.queuePump().pumpOnce(url.get(), 1, handler));
        PumpResult first = one.get();
        PumpResult second = two.get();
        pipeline.drain();

        // THEN both ran at once on the same version
        assertThat(first.delivered()).hasSize(1);
        assertThat(second.delivered()).hasSize(1);
        assertThat(race.completed()).as(race.toString()).isTrue();
        assertThat(race.versionsRead().get("invocation-1")).isEqualTo(race.versionsRead().get("invocation-2"));
        assertThat(race.staleWrites()).contains("invocation-2");
        // AND one authorization, one charge, each transition once, one e-mail
        JsonNode order = pipeline.order(buyer, orderId);
        assertThat(order.get("history").findValuesAsText("status"))
                .containsExactly("PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(wiring.charges.captureIds(orderId)).hasSize(1);
        assertThat(pipeline.stock(CUP)).containsExactly(8, 0, 2);
        assertThat(pipeline.mailTo(buyer)).hasSize(1);
    }

    private static Map<String, Function<SQSEvent, SQSBatchResponse>> only(Pipeline pipeline, String queue) {
        return Map.of(pipeline.queueUrl(queue), pipeline.routes().get(pipeline.queueUrl(queue)));
    }

    /** Runs {@code work} on a new thread with this name (the hooks tell the racers apart by it). */
    private static <T> FutureTask<T> start(String name, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        new Thread(task, name).start();
        return task;
    }

    private static void guard(CountDownLatch latch) {
        try {
            latch.await(GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
