package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /orders/{orderId}/fulfilment}: the warehouse records that an order shipped. With {@code CaptureOn =
 * fulfilment} the payment is only held until then, and captured when it ships; with the default it is captured at
 * once and the fulfilment only closes the order. Either way a fulfilled order can no longer be cancelled, and a
 * fulfilment racing a cancellation has exactly one winner.
 */
@ExtendWith(AwsEmulators.class)
class FulfilmentIT {

    private static final String CUP = "ESPRESSO-CUP";
    private static final Map<String, String> CAPTURE_ON_FULFILMENT = Map.of("CaptureOn", "fulfilment");

    @Test
    void captureOnFulfilment_holdsThePaymentUntilTheOrderShips_thenCapturesOnce(AwsEnvironment aws) {
        // GIVEN a stack captured on fulfilment and an order through the pipeline
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, CAPTURE_ON_FULFILMENT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String ada = newCustomer("ada");
        String orderId = pipeline.place(ada, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();
        JsonNode waiting = pipeline.order(ada, orderId);
        long[] stockWhileWaiting = pipeline.stock(CUP);
        Map<String, Integer> operationsWhileWaiting = pipeline.paymentOperations(orderId);
        List<CapturedEmail> mailsWhileWaiting = pipeline.mailTo(ada);
        Map<String, Integer> nudged = wiring.reconciler(pipeline, wiring.nudgeAge(pipeline)).handleRequest(Map.of(), null);
        Map<String, Integer> expiring = wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null);
        int queuedByReconciler = pipeline.depth("PaymentQueue");
        APIGatewayV2HTTPResponse refundBeforeCapture = pipeline.refund(orderId, "refund-early", 500, "too early");

        // WHEN the warehouse ships it, and its client retries the call
        APIGatewayV2HTTPResponse fulfilled = pipeline.fulfil(orderId, "1Z999AA10123456784");
        pipeline.drain();
        APIGatewayV2HTTPResponse again = pipeline.fulfil(orderId, "another-number");
        pipeline.drain();
        APIGatewayV2HTTPResponse cancel = pipeline.cancel(ada, orderId, null);

        // THEN while it waited: authorized, the stock reserved, nothing captured, confirmed to the customer, left alone
        // by the reconciler
        assertThat(waiting.get("status").asText()).isEqualTo("AUTHORIZED");
        assertThat(mailsWhileWaiting).singleElement().satisfies(mail -> {
            assertThat(mail.subject()).isEqualTo("Your order is confirmed (" + orderId + ")");
            assertThat(mail.text()).contains("charged 25.00 USD when your order ships");
        });
        assertThat(waiting.get("capture").asText()).isEqualTo("fulfilment");
        assertThat(stockWhileWaiting).containsExactly(8, 2, 0);
        assertThat(operationsWhileWaiting).isEqualTo(Map.of("authorize", 1));
        assertThat(nudged).as("an order awaiting fulfilment is not stuck").isEmpty();
        assertThat(expiring).as("an authorized order does not expire").isEmpty();
        assertThat(queuedByReconciler).isZero();
        assertThat(refundBeforeCapture.getStatusCode()).isEqualTo(409);
        assertThat(Pipeline.json(refundBeforeCapture).get("type").asText()).endsWith("order-not-refundable");
        // AND once shipped: captured once, sold, FULFILLED, the confirmation not sent again, the shipping notice sent
        assertThat(fulfilled.getStatusCode()).as("the capture follows").isEqualTo(202);
        assertThat(Pipeline.json(fulfilled).get("status").asText()).isEqualTo("AUTHORIZED");
        JsonNode order = pipeline.order(ada, orderId);
        assertThat(order.get("status").asText()).isEqualTo("FULFILLED");
        assertThat(order.get("history").findValuesAsText("status"))
                .containsExactly("PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED", "FULFILLED");
        assertThat(order.get("fulfilment").get("trackingNumber").asText()).isEqualTo("1Z999AA10123456784");
        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(Pipeline.json(again).get("fulfilment")).as("a repeat returns the recorded fulfilment")
                .isEqualTo(Pipeline.json(fulfilled).get("fulfilment"));
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(pipeline.paymentAmounts(orderId)).containsEntry(orderId + ":capture", 2500L);
        assertThat(pipeline.stock(CUP)).containsExactly(8, 0, 2);
        assertThat(pipeline.mailTo(ada)).extracting(CapturedEmail::subject).containsExactly(
                "Your order is confirmed (" + orderId + ")", "Your order is on its way (" + orderId + ")");
        assertThat(pipeline.mailTo(ada).getLast().text()).contains("Tracking number: 1Z999AA10123456784");
        assertThat(cancel.getStatusCode()).isEqualTo(409);
        assertThat(Pipeline.json(cancel).get("detail").asText()).contains("fulfilled");
    }

    @Test
    void captureOnFulfilment_cancelledBeforeItShips_voidsTheHold_andReleasesTheStock(AwsEnvironment aws) {
        // GIVEN an order waiting for its fulfilment
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, CAPTURE_ON_FULFILMENT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String bo = newCustomer("bo");
        String orderId = pipeline.place(bo, orderBody("pm_card_visa", CUP, 3));
        pipeline.drain();

        // WHEN the customer cancels, and the warehouse then tries to ship it
        APIGatewayV2HTTPResponse cancel = pipeline.cancel(bo, orderId, "{\"reason\":\"changed my mind\"}");
        pipeline.drain();
        APIGatewayV2HTTPResponse fulfil = pipeline.fulfil(orderId, null);

        // THEN
        assertThat(cancel.getStatusCode()).isEqualTo(200);
        JsonNode order = pipeline.order(bo, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("cancellation").get("settlement").asText()).isEqualTo("VOIDED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(fulfil.getStatusCode()).isEqualTo(409);
        assertThat(Pipeline.json(fulfil).get("type").asText()).endsWith("order-not-fulfillable");
        assertThat(pipeline.mailTo(bo)).extracting(CapturedEmail::subject).containsExactly(
                "Your order is confirmed (" + orderId + ")", "Your order is cancelled (" + orderId + ")");
    }

    @Test
    void captureOnAuthorization_fulfilmentClosesAConfirmedOrder_refundsStillWork_cancellingDoesNot(AwsEnvironment aws) {
        // GIVEN the default stack: an order captured and confirmed
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String cy = newCustomer("cy");
        String orderId = pipeline.place(cy, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain();
        String confirmed = pipeline.order(cy, orderId).get("status").asText();

        // WHEN
        APIGatewayV2HTTPResponse fulfilled = pipeline.fulfil(orderId, null);
        int queued = pipeline.depth("PaymentQueue") + pipeline.depth("EmailQueue");
        APIGatewayV2HTTPResponse cancel = pipeline.cancel(cy, orderId, null);
        APIGatewayV2HTTPResponse refund = pipeline.refund(orderId, "refund-" + orderId, 500, "arrived chipped");
        pipeline.drain();

        // THEN
        assertThat(confirmed).isEqualTo("CONFIRMED");
        assertThat(fulfilled.getStatusCode()).isEqualTo(200);
        assertThat(Pipeline.json(fulfilled).get("status").asText()).isEqualTo("FULFILLED");
        assertThat(Pipeline.json(fulfilled).get("fulfilment").has("trackingNumber")).isFalse();
        assertThat(queued).as("no money moves: only the shipping notice is queued").isEqualTo(1);
        assertThat(cancel.getStatusCode()).isEqualTo(409);
        assertThat(refund.getStatusCode()).isEqualTo(201);
        JsonNode order = pipeline.order(cy, orderId);
        assertThat(order.get("status").asText()).isEqualTo("FULFILLED");
        assertThat(order.get("refundedTotal").get("amount").asLong()).isEqualTo(500);
        assertThat(pipeline.stock(CUP)).as("the cancel returned nothing").containsExactly(9, 0, 1);
        assertThat(pipeline.mailTo(cy)).extracting(CapturedEmail::subject).containsExactlyInAnyOrder(
                "Your order is confirmed (" + orderId + ")", "Your order is on its way (" + orderId + ")",
                "You have been refunded (" + orderId + ")");
    }

    @Test
    void fulfilmentRacingACancellation_hasExactlyOneWinner(AwsEnvironment aws) throws Exception {
        // GIVEN orders waiting for their fulfilment
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, CAPTURE_ON_FULFILMENT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 40);
        int orders = 8;
        Map<String, String> owners = new LinkedHashMap<>();
        for (int i = 0; i < orders; i++) {
            String customer = newCustomer("race" + i);
            owners.put(pipeline.place(customer, orderBody("pm_card_visa", CUP, 1)), customer);
        }
        pipeline.drain();

        // WHEN the warehouse ships each while its customer cancels it: both read the same version of the order
        // (SameVersionRace), then the fulfilment writes first for every other order and the cancel for the rest
        Map<String, int[]> answers = new LinkedHashMap<>();
        Map<String, String> forcedWinner = new LinkedHashMap<>();
        int index = 0;
        for (Map.Entry<String, String> entry : owners.entrySet()) {
            String first = index++ % 2 == 0 ? "fulfil" : "cancel";
            SameVersionRace race = new SameVersionRace(entry.getKey(), first, first.equals("fulfil") ? "cancel" : "fulfil");
            wiring.faults.onHook(race);
            java.util.concurrent.FutureTask<APIGatewayV2HTTPResponse> fulfil =
                    new java.util.concurrent.FutureTask<>(() -> pipeline.fulfil(entry.getKey(), null));
            java.util.concurrent.FutureTask<APIGatewayV2HTTPResponse> cancel =
                    new java.util.concurrent.FutureTask<>(() -> pipeline.cancel(entry.getValue(), entry.getKey(), null));
            new Thread(fulfil, "fulfil").start();
            new Thread(cancel, "cancel").start();
            answers.put(entry.getKey(), new int[] {fulfil.get().getStatusCode(), cancel.get().getStatusCode()});
            assertThat(race.completed()).as(race.toString()).isTrue();
            assertThat(race.versionsRead().get("fulfil")).isEqualTo(race.versionsRead().get("cancel"));
            assertThat(race.staleWrites()).as("the second writer lost on the version").isNotEmpty()
                    .doesNotContain(first);
            forcedWinner.put(entry.getKey(), first.equals("fulfil") ? "FULFILLED" : "CANCELLED");
        }
        wiring.faults.onHook((at, id, version) -> { });
        pipeline.drain();

        // THEN each order is either shipped and charged, or cancelled with its hold voided; never both, never neither
        List<String> outcomes = new ArrayList<>();
        for (Map.Entry<String, String> entry : owners.entrySet()) {
            String orderId = entry.getKey();
            String status = pipeline.order(entry.getValue(), orderId).get("status").asText();
            int[] codes = answers.get(orderId);
            if (status.equals("FULFILLED")) {
                assertThat(codes).as(orderId).containsExactly(202, 409);
                assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
            } else {
                assertThat(status).as(orderId).isEqualTo("CANCELLED");
                assertThat(codes).as(orderId).containsExactly(409, 200);
                assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
            }
            outcomes.add(status);
            assertThat(status).as("the forced winner of " + orderId).isEqualTo(forcedWinner.get(orderId));
        }
        long shipped = outcomes.stream().filter("FULFILLED"::equals).count();
        assertThat(outcomes).as("both outcomes occur").contains("FULFILLED", "CANCELLED");
        System.out.printf("fulfilment vs cancellation: %d shipped, %d cancelled%n", shipped, orders - shipped);
        assertThat(pipeline.stock(CUP)).as("sold exactly what shipped, the rest back on sale")
                .containsExactly(40 - shipped, 0, shipped);
    }

    @Test
    void badFulfilmentRequests_getAProblem_andChangeNothing(AwsEnvironment aws) {
        // GIVEN an order still on its way through the pipeline (PENDING), and one waiting for its fulfilment
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, CAPTURE_ON_FULFILMENT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String dee = newCustomer("dee");
        String waiting = pipeline.place(dee, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain();
        String pending = pipeline.place(dee, orderBody("pm_card_visa", CUP, 1));
        JsonNode before = pipeline.order(dee, waiting);

        // WHEN
        Map<String, APIGatewayV2HTTPResponse> responses = new LinkedHashMap<>();
        responses.put("not paid yet", pipeline.fulfil(pending, null));
        responses.put("customer scope", pipeline.admin.handleRequest(
                Pipeline.fulfilOrder("orders/read orders/write", waiting, null), null));
        responses.put("blank tracking number", pipeline.admin.handleRequest(
                Pipeline.fulfilOrder("orders/admin", waiting, "{\"trackingNumber\":\"  \"}"), null));
        responses.put("unknown field", pipeline.admin.handleRequest(
                Pipeline.fulfilOrder("orders/admin", waiting, "{\"carrier\":\"DHL\"}"), null));
        responses.put("malformed", pipeline.admin.handleRequest(
                Pipeline.fulfilOrder("orders/admin", waiting, "{\"trackingNumber\":"), null));
        responses.put("unknown order", pipeline.fulfil("ord_00000000-0000-4000-8000-00000000dead", null));

        // THEN
        assertThat(responses).extractingFromEntries(entry -> entry.getKey() + " " + entry.getValue().getStatusCode())
                .containsExactly("not paid yet 409", "customer scope 403", "blank tracking number 400",
                        "unknown field 400", "malformed 400", "unknown order 404");
        assertThat(responses.values()).allSatisfy(response ->
                assertThat(response.getHeaders()).containsEntry("content-type", "application/problem+json"));
        assertThat(Pipeline.json(responses.get("blank tracking number")).get("field").asText()).isEqualTo("/trackingNumber");
        JsonNode after = pipeline.order(dee, waiting);
        assertThat(after).as("nothing changed").isEqualTo(before);
        assertThat(pipeline.depth("PaymentQueue")).isZero();
        pipeline.drain();
        assertThat(pipeline.order(dee, pending).get("status").asText()).as("the other order went on as usual")
                .isEqualTo("AUTHORIZED");
    }
}
