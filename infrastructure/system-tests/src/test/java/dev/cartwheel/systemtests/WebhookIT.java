package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.aws.payment.DynamoDbSimulatedPaymentGateway;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.webhook.WebhookSignature;
import dev.cartwheel.emulators.CapturedEmail;
import dev.cartwheel.paymentwebhook.PaymentWebhookHandler;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provider's webhooks: {@code tok_authorizeThenAsync} leaves an order PAYMENT_PENDING until the provider decides
 * and says so through a signed {@code POST /webhooks/payments}; the order then completes (or fails) server-side with
 * no client involved. Forged, stale and repeated notifications change nothing.
 */
@ExtendWith(AwsEmulators.class)
class WebhookIT {

    private static final String CUP = "ESPRESSO-CUP";
    private static final byte[] SECRET = "whsec_test_secret".getBytes(StandardCharsets.UTF_8);

    @Test
    void asyncAuthorization_approvedByWebhook_completesTheOrderOnce_evenIfTheWebhookComesTwice(AwsEnvironment aws) {
        // GIVEN an order the provider answers "pending" for
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String lea = newCustomer("lea");
        String orderId = pipeline.place(lea, orderBody("tok_authorizeThenAsync", CUP, 2));
        pipeline.drain();
        JsonNode pending = pipeline.order(lea, orderId);
        long[] stockWhilePending = pipeline.stock(CUP);
        int mailsWhilePending = pipeline.mailTo(lea).size();

        // WHEN the provider approves and notifies, twice (a provider retry)
        provider(pipeline).settlePending(PaymentGateway.key(orderId, "authorize"), true, null);
        String event = notification("payment.succeeded", orderId);
        APIGatewayV2HTTPResponse first = webhook(pipeline).handleRequest(signed(event, Instant.now()), null);
        APIGatewayV2HTTPResponse second = webhook(pipeline).handleRequest(signed(event, Instant.now()), null);
        int queued = pipeline.depth("PaymentQueue");
        pipeline.drain();

        // THEN
        assertThat(pending.get("status").asText()).isEqualTo("PAYMENT_PENDING");
        assertThat(stockWhilePending).as("held while pending").containsExactly(8, 2, 0);
        assertThat(mailsWhilePending).isZero();
        assertThat(first.getStatusCode()).isEqualTo(200);
        assertThat(Pipeline.json(first).get("outcome").asText()).isEqualTo("FORWARDED");
        assertThat(Pipeline.json(second).get("outcome").asText()).isEqualTo("DUPLICATE");
        assertThat(queued).as("one PaymentUpdated for two deliveries").isEqualTo(1);
        JsonNode order = pipeline.order(lea, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(order.get("history").findValuesAsText("status"))
                .containsExactly("PENDING", "RESERVED", "PAYMENT_PENDING", "AUTHORIZED", "PAID", "CONFIRMED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(8, 0, 2);
        assertThat(pipeline.mailTo(lea)).extracting(CapturedEmail::subject)
                .containsExactly("Your order is confirmed (" + orderId + ")");
    }

    @Test
    void asyncAuthorization_declinedByWebhook_failsThePayment_andReleasesTheStock(AwsEnvironment aws) {
        // GIVEN
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String max = newCustomer("max");
        String orderId = pipeline.place(max, orderBody("tok_authorizeThenAsync", CUP, 3));
        pipeline.drain();

        // WHEN
        provider(pipeline).settlePending(PaymentGateway.key(orderId, "authorize"), false, "card_declined");
        webhook(pipeline).handleRequest(signed(notification("payment.failed", orderId), Instant.now()), null);
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
        // GIVEN a reserved order whose payment step died after the provider took the authorization, before any write
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String noa = newCustomer("noa");
        String orderId = pipeline.place(noa, orderBody("tok_authorizeThenAsync", CUP, 1));
        pipeline.drain(Map.of(pipeline.queueUrl("InventoryQueue"), pipeline.routes().get(pipeline.queueUrl("InventoryQueue"))));
        assertThat(pipeline.takeAll("PaymentQueue")).as("the payment step's message, lost with the crash").hasSize(1);
        DynamoDbSimulatedPaymentGateway provider = provider(pipeline);
        provider.authorize(PaymentGateway.key(orderId, "authorize"), "tok_authorizeThenAsync", new Money(1250, "USD"));
        provider.settlePending(PaymentGateway.key(orderId, "authorize"), true, null);

        // WHEN the provider's webhook is the first the backend hears of the payment
        APIGatewayV2HTTPResponse response = webhook(pipeline).handleRequest(
                signed(notification("payment.succeeded", orderId), Instant.now()), null);
        pipeline.drain();

        // THEN the order completes from the provider's record: one authorization, one capture
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(pipeline.order(noa, orderId).get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(9, 0, 1);
    }

    @Test
    void lateApprovalOfAnExpiredPendingOrder_isVoided_neverCaptured(AwsEnvironment aws) {
        // GIVEN a pending order that expires before the provider decides
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String oli = newCustomer("oli");
        String orderId = pipeline.place(oli, orderBody("tok_authorizeThenAsync", CUP, 1));
        pipeline.drain();
        wiring.paymentClock.advance(wiring.overdueAge(pipeline));
        wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null);
        pipeline.drain();

        // WHEN the provider approves after all and notifies
        provider(pipeline).settlePending(PaymentGateway.key(orderId, "authorize"), true, null);
        webhook(pipeline).handleRequest(signed(notification("payment.succeeded", orderId), Instant.now()), null);
        pipeline.drain();

        // THEN one outcome: expired, the hold voided, nothing captured, one e-mail
        assertThat(pipeline.order(oli, orderId).get("status").asText()).isEqualTo("EXPIRED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(oli)).extracting(CapturedEmail::subject)
                .containsExactly("Your order has expired (" + orderId + ")");
    }

    @Test
    void refundMadeInTheProvidersDashboard_isRecordedOnce_mailedOnce_andLimitsLaterRefunds(AwsEnvironment aws) {
        // GIVEN a confirmed order, an admin refund of 500 through the API, then 1000 refunded in the provider's dashboard
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String quinn = newCustomer("quinn");
        String orderId = pipeline.place(quinn, orderBody("tok_visa", CUP, 2));
        pipeline.drain();
        assertThat(pipeline.refund(orderId, "refund-api-" + orderId, 500, "one cup chipped").getStatusCode()).isEqualTo(201);
        pipeline.drain();
        String paymentId = provider(pipeline).findAuthorization(PaymentGateway.key(orderId, "authorize"))
                .orElseThrow().paymentId();
        String dashboardRefund = provider(pipeline).refundAtProvider(paymentId, new Money(1000, "USD")).refundId();

        // WHEN the provider notifies, twice, and a second notification of the same refund comes under a new event id
        String event = notification("payment.refunded", orderId);
        webhook(pipeline).handleRequest(signed(event, Instant.now()), null);
        webhook(pipeline).handleRequest(signed(event, Instant.now()), null);
        pipeline.drain();
        webhook(pipeline).handleRequest(signed(notification("payment.refunded", orderId), Instant.now()), null);
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
        assertThat(pipeline.mailTo(quinn)).extracting(CapturedEmail::subject).containsExactly(
                "Your order is confirmed (" + orderId + ")", "You have been refunded (" + orderId + ")",
                "You have been refunded (" + orderId + ")", "You have been refunded (" + orderId + ")");
    }

    @Test
    void forgedStaleMalformedAndForeignNotifications_changeNothing(AwsEnvironment aws) {
        // GIVEN a pending order
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String pia = newCustomer("pia");
        String orderId = pipeline.place(pia, orderBody("tok_authorizeThenAsync", CUP, 1));
        pipeline.drain();
        String event = notification("payment.succeeded", orderId);
        APIGatewayV2HTTPEvent noSignature = signed(event, Instant.now());
        noSignature.getHeaders().remove("webhook-signature");
        APIGatewayV2HTTPEvent wrongSecret = signed(event, Instant.now());
        wrongSecret.getHeaders().put("webhook-signature",
                WebhookSignature.sign(event, "not-the-secret".getBytes(StandardCharsets.UTF_8), Instant.now()));
        APIGatewayV2HTTPEvent tampered = signed(event, Instant.now());
        tampered.setBody(event.replace("payment.succeeded", "payment.failed"));

        // WHEN
        Map<String, APIGatewayV2HTTPResponse> responses = new LinkedHashMap<>();
        PaymentWebhookHandler handler = webhook(pipeline);
        responses.put("no signature", handler.handleRequest(noSignature, null));
        responses.put("wrong secret", handler.handleRequest(wrongSecret, null));
        responses.put("tampered body", handler.handleRequest(tampered, null));
        responses.put("six minutes old", handler.handleRequest(signed(event, Instant.now().minusSeconds(360)), null));
        responses.put("malformed", handler.handleRequest(signed("{\"id\":\"evt_1\",\"type\":", Instant.now()), null));
        responses.put("no order id", handler.handleRequest(signed(
                "{\"id\":\"evt_2\",\"type\":\"payment.succeeded\",\"data\":{\"orderId\":\"../../etc\"}}", Instant.now()), null));
        responses.put("other event type", handler.handleRequest(signed(
                "{\"id\":\"evt_3\",\"type\":\"customer.created\",\"data\":{}}", Instant.now()), null));

        // THEN
        assertThat(responses).extractingFromEntries(entry -> entry.getKey() + " " + entry.getValue().getStatusCode())
                .containsExactly("no signature 401", "wrong secret 401", "tampered body 401", "six minutes old 401",
                        "malformed 400", "no order id 400", "other event type 200");
        assertThat(responses.values()).filteredOn(r -> r.getStatusCode() >= 400)
                .allSatisfy(r -> assertThat(r.getHeaders()).containsEntry("content-type", "application/problem+json"));
        assertThat(Pipeline.json(responses.get("no order id")).get("field").asText()).isEqualTo("/data/orderId");
        assertThat(Pipeline.json(responses.get("other event type")).get("outcome").asText()).isEqualTo("IGNORED");
        assertThat(pipeline.depth("PaymentQueue")).as("nothing forwarded").isZero();
        assertThat(pipeline.order(pia, orderId).get("status").asText()).isEqualTo("PAYMENT_PENDING");
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
        assertThat(now.getStatusCode()).isEqualTo(401);
        assertThat(Pipeline.json(now).get("detail").asText()).contains("tolerance");
    }

    private static PaymentWebhookHandler webhook(Pipeline pipeline) {
        return new PaymentWebhookHandler(PaymentWebhookHandler.compose(pipeline.settings("PaymentWebhookFunction")),
                () -> SECRET, Clock.systemUTC(), System.out);
    }

    private static DynamoDbSimulatedPaymentGateway provider(Pipeline pipeline) {
        return new DynamoDbSimulatedPaymentGateway(pipeline.aws.dynamoDb(), pipeline.table("SimulatedPaymentsTable"));
    }

    private static String notification(String type, String orderId) {
        return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"created\":"
                + Instant.now().getEpochSecond() + ",\"data\":{\"orderId\":\"" + orderId + "\"}}";
    }

    /** The sample webhook event with {@code body}, signed with the test secret at {@code at}. */
    private static APIGatewayV2HTTPEvent signed(String body, Instant at) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "payment-webhook.json").toString());
        Map<String, String> headers = new LinkedHashMap<>(event.getHeaders());
        headers.put("webhook-signature", WebhookSignature.sign(body, SECRET, at));
        event.setHeaders(headers);
        event.setBody(body);
        event.getRequestContext().setRequestId(UUID.randomUUID().toString());
        return event;
    }
}
