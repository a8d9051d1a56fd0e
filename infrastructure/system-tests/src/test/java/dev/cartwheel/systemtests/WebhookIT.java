package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.emulators.stripe.StripeSimulator;
import dev.cartwheel.paymentwebhook.PaymentWebhookHandler;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.SimulatedCrash;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import dev.cartwheel.testing.PumpResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stripe's webhooks, end to end through the real adapter and the Stripe simulator: {@code pm_card_authenticationRequired}
 * leaves an order PAYMENT_PENDING (its owner sees {@code payment.nextAction}) until the customer finishes 3-D Secure;
 * Stripe's signed {@code payment_intent.amount_capturable_updated} then makes the payment step ask Stripe, and the
 * order completes server-side. Dashboard refunds arrive as {@code charge.refunded}. Forged, stale, replayed and
 * rolled-secret deliveries change nothing they should not.
 */
@ExtendWith(AwsEmulators.class)
class WebhookIT {

    private static final String CUP = "ESPRESSO-CUP";

    @Test
    void threeDSecureCompleted_webhookCompletesTheOrderOnce_evenIfTheWebhookComesTwice(AwsEnvironment aws) {
        // GIVEN an order whose card needs 3-D Secure
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String lea = newCustomer("lea");
        String orderId = pipeline.place(lea, orderBody("pm_card_authenticationRequired", CUP, 2));
        pipeline.drain();
        JsonNode pending = pipeline.order(lea, orderId);
        long[] stockWhilePending = pipeline.stock(CUP);
        int mailsWhilePending = pipeline.mailTo(lea).size();
        JsonNode intent = pipeline.paymentIntent(orderId);

        // WHEN the customer authenticates; Stripe notifies, and the event is delivered twice (a Stripe retry)
        pipeline.stripe.authenticate(intent.get("id").asText(), true);
        List<StripeSimulator.Delivery> deliveries = deliver(pipeline, orderId);
        StripeSimulator.Delivery capturable = deliveries.stream()
                .filter(d -> d.type().equals("payment_intent.amount_capturable_updated")).findFirst().orElseThrow();
        StripeSimulator.Delivery again = pipeline.stripe.resendWebhook(capturable.eventId());
        int queued = pipeline.depth("PaymentQueue");
        pipeline.drain();

        // THEN
        assertThat(pending.get("status").asText()).isEqualTo("PAYMENT_PENDING");
        assertThat(pending.get("payment").get("nextAction").get("type").asText()).isEqualTo("use_stripe_sdk");
        assertThat(pending.get("payment").get("nextAction").get("clientSecret").asText())
                .isEqualTo(intent.get("client_secret").asText());
        assertThat(stockWhilePending).as("held while pending").containsExactly(8, 2, 0);
        assertThat(mailsWhilePending).isZero();
        assertThat(deliveries).allSatisfy(d -> assertThat(d.status()).isEqualTo(200));
        assertThat(again.status()).isEqualTo(200);
        assertThat(queued).as("one PaymentUpdated for two deliveries").isEqualTo(1);
        JsonNode order = pipeline.order(lea, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(order.get("payment").has("nextAction")).as("nothing left to do").isFalse();
        assertThat(order.get("history").findValuesAsText("status"))
                .containsExactly("PENDING", "RESERVED", "PAYMENT_PENDING", "AUTHORIZED", "PAID", "CONFIRMED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(pipeline.paymentIntent(orderId).get("status").asText()).isEqualTo("succeeded");
        assertThat(pipeline.stock(CUP)).containsExactly(8, 0, 2);
        assertThat(pipeline.mailTo(lea)).extracting(CapturedEmail::subject)
                .containsExactly("Your order is confirmed (" + orderId + ")");
    }

    @Test
    void threeDSecureCompleted_thePaymentStepDiesBeforeSendingOrderPaid_theWebhooksRedeliveryConfirmsIt(AwsEnvironment aws) {
        // GIVEN a 3-D Secure order; the payment step will die after its first commit that has a message to send: the
        // webhook's PaymentUpdated takes the order to PAID, and the function dies before OrderPaid is sent
        Wiring wiring = new Wiring(Faults.once(FaultPoint.PAYMENT_CRASH_BEFORE_SEND));
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String ria = newCustomer("ria");
        String orderId = pipeline.place(ria, orderBody("pm_card_authenticationRequired", CUP, 1));
        pipeline.drain();
        String pending = pipeline.order(ria, orderId).get("status").asText();

        // WHEN the customer authenticates and Stripe's webhook arrives once; SQS redelivers the crashed PaymentUpdated
        pipeline.stripe.authenticate(pipeline.paymentIntent(orderId).get("id").asText(), true);
        deliver(pipeline, orderId);
        List<PumpResult> deliveries = pipeline.drain();

        // THEN the redelivery of the message that paid it sent OrderPaid: confirmed and mailed, without the reconciler
        assertThat(pending).isEqualTo("PAYMENT_PENDING");
        assertThat(wiring.faults.count(FaultPoint.PAYMENT_CRASH_BEFORE_SEND)).isEqualTo(1);
        assertThat(deliveries).filteredOn(d -> d.error().isPresent()).singleElement()
                .satisfies(d -> assertThat(d.handlerError()).isInstanceOf(SimulatedCrash.class));
        JsonNode order = pipeline.order(ria, orderId);
        assertThat(order.get("history").findValuesAsText("status"))
                .containsExactly("PENDING", "RESERVED", "PAYMENT_PENDING", "AUTHORIZED", "PAID", "CONFIRMED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(pipeline.mailTo(ria)).extracting(CapturedEmail::subject)
                .containsExactly("Your order is confirmed (" + orderId + ")");
    }

    @Test
    void nextAction_isShownToTheOwnerOnly(AwsEnvironment aws) {
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String owner = newCustomer("rae");
        String orderId = pipeline.place(owner, orderBody("pm_card_authenticationRequired", CUP, 1));
        pipeline.drain();

        APIGatewayV2HTTPResponse stranger = pipeline.checkout.handleRequest(Pipeline.getOrder(newCustomer("sam"), orderId), null);

        assertThat(pipeline.order(owner, orderId).get("payment").get("nextAction").get("clientSecret").asText())
                .startsWith(pipeline.paymentIntent(orderId).get("id").asText() + "_secret_");
        assertThat(stranger.getStatusCode()).isEqualTo(404);
        assertThat(stranger.getBody()).doesNotContain("_secret_");
    }

    @Test
    void threeDSecureFailed_failsThePayment_andReleasesTheStock(AwsEnvironment aws) {
        // GIVEN
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String max = newCustomer("max");
        String orderId = pipeline.place(max, orderBody("pm_card_authenticationRequired", CUP, 3));
        pipeline.drain();

        // WHEN
        pipeline.stripe.authenticate(pipeline.paymentIntent(orderId).get("id").asText(), false);
        deliver(pipeline, orderId);
        pipeline.drain();

        // THEN
        JsonNode order = pipeline.order(max, orderId);
        assertThat(order.get("status").asText()).isEqualTo("PAYMENT_FAILED");
        assertThat(order.get("history").get(3).get("reason").asText())
                .as("the customer's view withholds the provider's decline code").isEqualTo("payment declined");
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(max)).hasSize(1);
    }

    @Test
    void webhookForAPaymentTheBackendHasNotRecordedYet_isAppliedWhenTheOrderCatchesUp(AwsEnvironment aws) {
        // GIVEN a reserved order whose payment step died after Stripe took the authorization, before any write
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String noa = newCustomer("noa");
        String orderId = pipeline.place(noa, orderBody("pm_card_authenticationRequired", CUP, 1));
        pipeline.drain(Map.of(pipeline.queueUrl("InventoryQueue"), pipeline.routes().get(pipeline.queueUrl("InventoryQueue"))));
        assertThat(pipeline.takeAll("PaymentQueue")).as("the payment step's message, lost with the crash").hasSize(1);
        String paymentId = pipeline.stripeGateway("PaymentFunction").authorize(PaymentGateway.key(orderId, "authorize"),
                "pm_card_authenticationRequired", new Money(1250, "USD")).paymentId();
        pipeline.stripe.authenticate(paymentId, true);

        // WHEN Stripe's webhook is the first the backend hears of the payment
        List<StripeSimulator.Delivery> deliveries = deliver(pipeline, orderId);
        pipeline.drain();

        // THEN the order completes from Stripe's record (the same key replays): one authorization, one capture
        assertThat(deliveries).allSatisfy(d -> assertThat(d.status()).isEqualTo(200));
        assertThat(pipeline.order(noa, orderId).get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(pipeline.stripe.paymentIntentsOfOrder(orderId)).hasSize(1);
        assertThat(pipeline.stock(CUP)).containsExactly(9, 0, 1);
    }

    @Test
    void threeDSecureAbandoned_expires_theIntentIsCanceled_andItsLateEventsChangeNothing(AwsEnvironment aws) {
        // GIVEN a pending order whose customer does not authenticate within the payment timeout
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String oli = newCustomer("oli");
        String orderId = pipeline.place(oli, orderBody("pm_card_authenticationRequired", CUP, 1));
        pipeline.drain();
        wiring.paymentClock.advance(wiring.overdueAge(pipeline));
        wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null);
        pipeline.drain();
        JsonNode expired = pipeline.order(oli, orderId);

        // WHEN Stripe's (late) events arrive
        deliver(pipeline, orderId);
        pipeline.drain();

        // THEN one outcome: expired, the intent canceled, nothing captured, one e-mail
        assertThat(expired.get("status").asText()).isEqualTo("EXPIRED");
        assertThat(pipeline.order(oli, orderId).get("status").asText()).isEqualTo("EXPIRED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
        assertThat(pipeline.paymentIntent(orderId).get("status").asText()).isEqualTo("canceled");
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(oli)).extracting(CapturedEmail::subject)
                .containsExactly("Your order has expired (" + orderId + ")");
    }

    @Test
    void refundMadeInStripesDashboard_isRecordedOnce_mailedOnce_andLimitsLaterRefunds(AwsEnvironment aws) {
        // GIVEN a confirmed order, an admin refund of 500 through the API, then 1000 refunded in Stripe's dashboard
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String quinn = newCustomer("quinn");
        String orderId = pipeline.place(quinn, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();
        assertThat(pipeline.refund(orderId, "refund-api-" + orderId, 500, "one cup chipped").getStatusCode()).isEqualTo(201);
        pipeline.drain();
        String dashboardRefund = pipeline.stripe.dashboardRefund(pipeline.paymentIntent(orderId).get("id").asText(), 1000L)
                .get("id").asText();

        // WHEN Stripe notifies (charge.refunded), the same event is resent, and another event about it comes
        List<StripeSimulator.Delivery> deliveries = deliver(pipeline, orderId);
        String refunded = deliveries.stream().filter(d -> d.type().equals("charge.refunded")).toList().getLast().eventId();
        pipeline.stripe.resendWebhook(refunded);
        pipeline.drain();
        ObjectNode other = (ObjectNode) pipeline.stripe.sentEvent(refunded).orElseThrow();
        other.put("id", "evt_" + UUID.randomUUID().toString().replace("-", ""));
        webhook(pipeline).handleRequest(signed(pipeline, other.toString(), Instant.now()), null);
        pipeline.drain();
        APIGatewayV2HTTPResponse overRefund = pipeline.refund(orderId, "refund-over-" + orderId, 1001, "too much");
        APIGatewayV2HTTPResponse rest = pipeline.refund(orderId, "refund-rest-" + orderId, 1000, "the rest");
        pipeline.drain();

        // THEN the dashboard refund is on the order once, the API refund is not taken for a second one
        JsonNode order = pipeline.order(quinn, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(order.get("refunds")).hasSize(3);
        JsonNode fromProvider = order.get("refunds").get(1);
        assertThat(fromProvider.get("origin").asText()).isEqualTo("provider");
        assertThat(fromProvider.get("refundId").asText()).isEqualTo(dashboardRefund);
        assertThat(fromProvider.get("amount").get("amount").asLong()).isEqualTo(1000);
        assertThat(order.get("refunds").get(0).get("origin").asText()).isEqualTo("api");
        assertThat(overRefund.getStatusCode()).as("only 1000 of 2500 is left").isEqualTo(422);
        assertThat(rest.getStatusCode()).isEqualTo(201);
        assertThat(order.get("refundedTotal").get("amount").asLong()).isEqualTo(2500);
        assertThat(pipeline.stripe.refundsOf(pipeline.paymentIntent(orderId).get("id").asText()))
                .extracting(r -> r.get("amount").asLong()).containsExactlyInAnyOrder(500L, 1000L, 1000L);
        assertThat(pipeline.mailTo(quinn)).extracting(CapturedEmail::subject).containsExactly(
                "Your order is confirmed (" + orderId + ")", "You have been refunded (" + orderId + ")",
                "You have been refunded (" + orderId + ")", "You have been refunded (" + orderId + ")");
    }

    @Test
    void forgedStaleReplayedMalformedAndForeignDeliveries_changeNothing_andNeverFailWith5xx(AwsEnvironment aws) {
        // GIVEN a pending order and Stripe's real event about its completed authentication, not yet delivered
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String pia = newCustomer("pia");
        String orderId = pipeline.place(pia, orderBody("pm_card_authenticationRequired", CUP, 1));
        pipeline.drain();
        String event = capturableEvent(pipeline, orderId);
        APIGatewayV2HTTPEvent noSignature = signed(pipeline, event, Instant.now());
        noSignature.getHeaders().remove("stripe-signature");
        APIGatewayV2HTTPEvent wrongSecret = signed(pipeline, event, Instant.now());
        wrongSecret.getHeaders().put("stripe-signature", "t=" + Instant.now().getEpochSecond() + ",v1="
                + StripeSimulator.sign(Instant.now().getEpochSecond() + "." + event, "whsec_forged"));
        APIGatewayV2HTTPEvent tampered = signed(pipeline, event, Instant.now());
        tampered.setBody(event.replace("amount_capturable_updated", "payment_failed"));
        APIGatewayV2HTTPEvent replayed = signed(pipeline, event, Instant.now().minusSeconds(360)); // captured, sent later
        APIGatewayV2HTTPEvent farFuture = signed(pipeline, event, Instant.now());
        farFuture.getHeaders().put("stripe-signature", "t=99999999999999999,v1=00");
        APIGatewayV2HTTPEvent garbageHeader = signed(pipeline, event, Instant.now());
        garbageHeader.getHeaders().put("stripe-signature", "\u0000\u00ff==,,t=,v1=zz" + "x".repeat(5000));
        String longId = event.replaceFirst("\"id\":\"evt_[A-Za-z0-9]+\"", "\"id\":\"evt_" + "a".repeat(200) + "\"");

        // WHEN
        Map<String, APIGatewayV2HTTPResponse> responses = new LinkedHashMap<>();
        PaymentWebhookHandler handler = webhook(pipeline);
        responses.put("no signature", handler.handleRequest(noSignature, null));
        responses.put("wrong secret", handler.handleRequest(wrongSecret, null));
        responses.put("tampered body", handler.handleRequest(tampered, null));
        responses.put("replayed six minutes later", handler.handleRequest(replayed, null));
        responses.put("timestamp beyond any date", handler.handleRequest(farFuture, null));
        responses.put("garbage header", handler.handleRequest(garbageHeader, null));
        responses.put("malformed", handler.handleRequest(signed(pipeline, "{\"id\":\"evt_1\",\"type\":", Instant.now()), null));
        responses.put("not an object", handler.handleRequest(signed(pipeline, "[1,2]", Instant.now()), null));
        responses.put("event id too long", handler.handleRequest(signed(pipeline, longId, Instant.now()), null));
        responses.put("not a Cartwheel order", handler.handleRequest(signed(pipeline,
                event.replace(orderId, "../../etc"), Instant.now()), null));
        responses.put("other event type", handler.handleRequest(signed(pipeline,
                "{\"id\":\"evt_3\",\"object\":\"event\",\"type\":\"customer.created\",\"data\":{\"object\":{}}}", Instant.now()), null));

        // THEN
        assertThat(responses).extractingFromEntries(entry -> entry.getKey() + " " + entry.getValue().getStatusCode())
                .containsExactly("no signature 401", "wrong secret 401", "tampered body 401",
                        "replayed six minutes later 401", "timestamp beyond any date 401", "garbage header 401",
                        "malformed 400", "not an object 400", "event id too long 400", "not a Cartwheel order 200",
                        "other event type 200");
        assertThat(responses.values()).filteredOn(r -> r.getStatusCode() >= 400)
                .allSatisfy(r -> assertThat(r.getHeaders()).containsEntry("content-type", "application/problem+json"));
        assertThat(responses.values()).filteredOn(r -> r.getStatusCode() == 401)
                .extracting(r -> Pipeline.json(r).get("detail").asText()).containsOnly("the Stripe-Signature header does not verify");
        assertThat(Pipeline.json(responses.get("not a Cartwheel order")).get("outcome").asText()).isEqualTo("IGNORED");
        assertThat(Pipeline.json(responses.get("other event type")).get("outcome").asText()).isEqualTo("IGNORED");
        assertThat(pipeline.depth("PaymentQueue")).as("nothing forwarded").isZero();
        assertThat(pipeline.order(pia, orderId).get("status").asText()).isEqualTo("PAYMENT_PENDING");
    }

    @Test
    void rolledSigningSecret_bothSecretsVerifyDuringTheRoll_onlyTheNewOneAfterIt(AwsEnvironment aws) {
        // GIVEN a Stripe account of its own (rolling its secret must not disturb other tests) and a pending order
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String uma = newCustomer("uma");
        String orderId = pipeline.place(uma, orderBody("pm_card_authenticationRequired", CUP, 1));
        pipeline.drain();
        String body = capturableEvent(pipeline, orderId);
        try (StripeSimulator account = StripeSimulator.start()) {
            String oldSecret = account.webhookSecret();
            String newSecret = account.rollWebhookSecret();
            long now = Instant.now().getEpochSecond();
            String duringRoll = account.signatureHeader(body, now); // two v1: old and new
            account.expireOldWebhookSecrets();
            String afterRoll = account.signatureHeader(body, now);

            // WHEN Cartwheel still has the old secret, then the new one
            int oldDuring = deliverAs(pipeline, body, duringRoll, () -> oldSecret);
            int newDuring = deliverAs(pipeline, body, duringRoll, () -> newSecret);
            int oldAfter = deliverAs(pipeline, body, afterRoll, () -> oldSecret);
            int newAfter = deliverAs(pipeline, body, afterRoll, () -> newSecret);

            // THEN
            assertThat(duringRoll).contains(",v1=").matches("t=\\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}");
            assertThat(List.of(oldDuring, newDuring, oldAfter, newAfter)).containsExactly(200, 200, 401, 200);
        }
        assertThat(pipeline.depth("PaymentQueue")).as("one event, forwarded once").isEqualTo(1);
    }

    @Test
    void theSampleEvent_verifiesAtItsOwnTime_andIsRefusedAsStaleNow(AwsEnvironment aws) {
        // GIVEN events/payment-webhook.json, signed with the sample secret at t=1795601100
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        APIGatewayV2HTTPEvent sample = EventLoader.loadApiGatewayHttpEvent(
                Root.path("events", "payment-webhook.json").toString());
        byte[] sampleSecret = "whsec_sample_secret_do_not_use".getBytes(StandardCharsets.UTF_8);
        Clock then = Clock.fixed(Instant.ofEpochSecond(1795601100).plusSeconds(30), ZoneOffset.UTC);

        // WHEN
        APIGatewayV2HTTPResponse atItsTime = new PaymentWebhookHandler(
                PaymentWebhookHandler.compose(pipeline.settings("PaymentWebhookFunction")), () -> sampleSecret, then,
                wiring.logs.stream()).handleRequest(sample, null);
        APIGatewayV2HTTPResponse now = new PaymentWebhookHandler(
                PaymentWebhookHandler.compose(pipeline.settings("PaymentWebhookFunction")), () -> sampleSecret,
                Clock.systemUTC(), wiring.logs.stream()).handleRequest(sample, null);

        // THEN
        assertThat(atItsTime.getStatusCode()).isEqualTo(200);
        assertThat(Pipeline.json(atItsTime).get("outcome").asText()).isEqualTo("FORWARDED");
        assertThat(now.getStatusCode()).isEqualTo(401);
        assertThat(wiring.logs.lines()).anySatisfy(line -> assertThat(line).contains("tolerance"));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** Stripe's webhooks about the order, delivered now to the webhook function (as API Gateway would invoke it). */
    private static List<StripeSimulator.Delivery> deliver(Pipeline pipeline, String orderId) {
        PaymentWebhookHandler handler = webhook(pipeline);
        pipeline.stripe.webhookSink((body, signature) -> handler.handleRequest(Pipeline.stripeWebhook(body, signature), null).getStatusCode());
        return pipeline.stripe.deliverWebhooks(orderId);
    }

    /** Completes the order's authentication at Stripe and returns the event Stripe made of it, unsent. */
    private static String capturableEvent(Pipeline pipeline, String orderId) {
        pipeline.stripe.authenticate(pipeline.paymentIntent(orderId).get("id").asText(), true);
        List<JsonNode> events = new java.util.ArrayList<>();
        pipeline.stripe.webhookSink((body, signature) -> {
            events.add(Pipeline.JSON.readTree(body));
            return 200;
        });
        pipeline.stripe.deliverWebhooks(orderId);
        return events.stream().filter(e -> e.get("type").asText().equals("payment_intent.amount_capturable_updated"))
                .findFirst().orElseThrow().toString();
    }

    private static int deliverAs(Pipeline pipeline, String body, String signature, Supplier<String> secret) {
        return new PaymentWebhookHandler(PaymentWebhookHandler.compose(pipeline.settings("PaymentWebhookFunction")),
                () -> secret.get().getBytes(StandardCharsets.UTF_8), Clock.systemUTC(), System.out)
                .handleRequest(Pipeline.stripeWebhook(body, signature), null).getStatusCode();
    }

    /** The webhook function as composed for the stack, with the signing secret the stack's secret holds. */
    private static PaymentWebhookHandler webhook(Pipeline pipeline) {
        String secret = pipeline.aws.secretsManager()
                .getSecretValue(r -> r.secretId(pipeline.stack.secretArn("PaymentWebhookSecret"))).secretString();
        return new PaymentWebhookHandler(PaymentWebhookHandler.compose(pipeline.settings("PaymentWebhookFunction")),
                () -> secret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC(), System.out);
    }

    /** {@code body} signed now (or at {@code at}) with the stack's signing secret, as Stripe signs. */
    private static APIGatewayV2HTTPEvent signed(Pipeline pipeline, String body, Instant at) {
        return Pipeline.stripeWebhook(body, pipeline.stripe.signatureHeader(body, at.getEpochSecond()));
    }
}
