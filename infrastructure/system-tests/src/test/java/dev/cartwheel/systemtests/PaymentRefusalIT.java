package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.emulators.eventbridge.BusEvent;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.orderevents.OrderEventsHandler;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Definitive refusals by the payment provider (issue 12 items 1 and 6) and the audit trail (item 7), through the real
 * handlers, adapters and queues. The refusals are injected by {@code FaultyPorts} as {@code PaymentRejectedException},
 * so these tests hold whichever gateway is underneath.
 */
@ExtendWith(AwsEmulators.class)
class PaymentRefusalIT {

    private static final String CUP = "ESPRESSO-CUP";
    private static final Map<String, String> CAPTURE_ON_FULFILMENT = Map.of("CaptureOn", "fulfilment");

    @Test
    void captureRefusedAtFulfilment_endsPaymentFailed_stockBack_customerMailed_andTheWarehouseNeverShips(AwsEnvironment aws) {
        // GIVEN an order held until it ships, and a provider that refuses its capture (the authorization lapsed)
        Wiring wiring = new Wiring(Faults.once(FaultPoint.PROVIDER_REJECTS_CAPTURE));
        Pipeline pipeline = new Pipeline(aws, CAPTURE_ON_FULFILMENT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String ada = newCustomer("ada");
        String orderId = pipeline.place(ada, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();

        // WHEN the warehouse asks to ship it, the pipeline runs, and the warehouse asks again
        APIGatewayV2HTTPResponse asked = pipeline.fulfil(orderId, "1Z999AA10123456784");
        pipeline.drain();
        APIGatewayV2HTTPResponse askedAgain = pipeline.fulfil(orderId, "1Z999AA10123456784");

        // THEN the first answer said "not yet": 202 and AUTHORIZED, not FULFILLED
        assertThat(asked.getStatusCode()).isEqualTo(202);
        assertThat(Pipeline.json(asked).get("status").asText()).isEqualTo("AUTHORIZED");
        // AND the order ended PAYMENT_FAILED, never PAID nor FULFILLED, with the provider's reason
        JsonNode order = pipeline.order(ada, orderId);
        assertThat(order.get("status").asText()).isEqualTo("PAYMENT_FAILED");
        assertThat(order.get("history").findValuesAsText("status"))
                .containsExactly("PENDING", "RESERVED", "AUTHORIZED", "PAYMENT_FAILED");
        assertThat(pipeline.adminOrder(orderId).get("history").get(3).get("reason").asText()).contains("charge_expired_for_capture");
        // AND nothing was charged, the hold was voided, the stock is back on sale
        assertThat(wiring.charges.captureCalls(orderId)).isZero();
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        // AND the customer was told, once; no message went to a DLQ
        assertThat(pipeline.mailTo(ada)).extracting(CapturedEmail::subject).containsExactly(
                "Your order is confirmed (" + orderId + ")", "Your payment did not go through (" + orderId + ")");
        assertThat(pipeline.depth("PaymentDeadLetterQueue")).isZero();
        assertThat(pipeline.depth("EmailDeadLetterQueue")).isZero();
        // AND the warehouse asking again is told not to ship it
        assertThat(askedAgain.getStatusCode()).isEqualTo(409);
        assertThat(Pipeline.json(askedAgain).get("detail").asText()).contains("do not ship");
        // AND the bus says order.payment_failed, never order.fulfilled, and the CapturesFailed alarm metric is raised
        List<String> metrics = publishOrderEvents(aws, pipeline);
        assertThat(ofOrder(aws, pipeline, orderId)).extracting(BusEvent::detailType).containsExactly("order.placed",
                "order.reserved", "order.authorized", "order.payment_failed");
        assertThat(metrics).filteredOn(line -> line.contains("\"CapturesFailed\":1")).hasSize(1);
    }

    /** Pumps the OrdersTable stream into the order-events function; returns the lines it printed (its EMF metrics). */
    private static List<String> publishOrderEvents(AwsEnvironment aws, Pipeline pipeline) {
        LogCapture out = new LogCapture();
        OrderEventsHandler handler = new OrderEventsHandler(
                OrderEventsHandler.compose(pipeline.settings("OrderEventsFunction")), out.stream());
        aws.streamPump().drain(pipeline.stack.streamArn("OrdersTable"), event -> handler.handleRequest(event, null));
        return out.lines();
    }

    private static List<BusEvent> ofOrder(AwsEnvironment aws, Pipeline pipeline, String orderId) {
        return aws.eventBus().events(pipeline.stack.eventBusName("OrderEventBus")).stream()
                .filter(event -> orderId.equals(event.detailText("orderId"))).toList();
    }

    @Test
    void refundRefusedByTheProvider_isFailedWithItsReason_notCounted_mailedToNoOne_andOnlyTheAdminSeesWhy(AwsEnvironment aws) {
        // GIVEN a confirmed order and a provider that refuses the next refund
        Wiring wiring = new Wiring(Faults.once(FaultPoint.PROVIDER_REJECTS_REFUND));
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String bo = newCustomer("bo");
        String orderId = pipeline.place(bo, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();

        // WHEN an admin refunds part of it, retries with the same key, and the pipeline runs
        APIGatewayV2HTTPResponse refused = pipeline.refund(orderId, "refund-" + orderId, 500, "arrived chipped");
        APIGatewayV2HTTPResponse retried = pipeline.refund(orderId, "refund-" + orderId, 500, "arrived chipped");
        Map<String, Long> providerAfterTheRetry = pipeline.paymentAmounts(orderId);
        pipeline.drain();

        // THEN both answers are the refusal, and the provider was not asked to refund again
        assertThat(refused.getStatusCode()).isEqualTo(422);
        assertThat(Pipeline.json(refused).get("type").asText()).endsWith("refund-rejected");
        assertThat(Pipeline.json(refused).get("detail").asText()).contains("charge_disputed");
        assertThat(retried.getStatusCode()).isEqualTo(422);
        assertThat(providerAfterTheRetry).doesNotContainKey(orderId + ":refund:refund-" + orderId);
        // AND the admin sees the refund FAILED with why and who asked; nothing counts as refunded
        JsonNode admin = pipeline.adminOrder(orderId);
        assertThat(admin.get("refunds")).singleElement().satisfies(refund -> {
            assertThat(refund.get("status").asText()).isEqualTo("FAILED");
            assertThat(refund.get("failure").asText()).startsWith("charge_disputed");
            assertThat(refund.get("requestedBy").asText()).isEqualTo("support-agent-1");
            assertThat(refund.has("refundId")).isFalse();
        });
        assertThat(admin.get("refundedTotal").get("amount").asLong()).isZero();
        // AND the customer sees it failed, without the provider's reason or who asked
        JsonNode customer = pipeline.order(bo, orderId);
        assertThat(customer.get("refunds").get(0).get("status").asText()).isEqualTo("FAILED");
        assertThat(customer.get("refunds").get(0).has("failure")).isFalse();
        assertThat(customer.has("audit")).isFalse();
        // AND no refund e-mail
        assertThat(pipeline.mailTo(bo)).extracting(CapturedEmail::subject)
                .containsExactly("Your order is confirmed (" + orderId + ")");
        // AND a new refund (a new key) may still give back the whole capture
        APIGatewayV2HTTPResponse whole = pipeline.refund(orderId, "refund-2-" + orderId, 2500, "arrived chipped");
        assertThat(whole.getStatusCode()).isEqualTo(201);
        assertThat(pipeline.adminOrder(orderId).get("refundedTotal").get("amount").asLong()).isEqualTo(2500);
    }

    @Test
    void cancellationWhoseRefundTheProviderRefuses_endsCancelledRefundFailed_stockBack_andNothingInTheDlq(AwsEnvironment aws) {
        // GIVEN a confirmed (captured) order and a provider that refuses the next refund
        Wiring wiring = new Wiring(Faults.once(FaultPoint.PROVIDER_REJECTS_REFUND));
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String cy = newCustomer("cy");
        String orderId = pipeline.place(cy, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();

        // WHEN the customer cancels and the saga runs
        APIGatewayV2HTTPResponse cancel = pipeline.cancel(cy, orderId, "{\"reason\":\"changed my mind\"}");
        pipeline.drain();

        // THEN the saga recorded the refusal instead of retrying it into the DLQ
        assertThat(cancel.getStatusCode()).isEqualTo(200);
        JsonNode admin = pipeline.adminOrder(orderId);
        assertThat(admin.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(admin.get("cancellation").get("settlement").asText()).isEqualTo("REFUND_FAILED");
        assertThat(admin.get("cancellation").get("failure").asText()).startsWith("charge_disputed");
        assertThat(admin.get("cancellation").get("refunded").get("amount").asLong()).isZero();
        assertThat(pipeline.depth("PaymentDeadLetterQueue")).isZero();
        assertThat(pipeline.paymentAmounts(orderId)).doesNotContainKey(orderId + ":refund");
        // AND the stock is back on sale
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        // AND the customer is told the order is cancelled, and no refund that did not happen
        List<CapturedEmail> mails = pipeline.mailTo(cy);
        assertThat(mails).extracting(CapturedEmail::subject).containsExactly(
                "Your order is confirmed (" + orderId + ")", "Your order is cancelled (" + orderId + ")");
        assertThat(mails.getLast().text()).contains("We will contact you about your payment.").doesNotContain("refunded");
        // AND the RefundsFailed alarm metric is raised once, and no order.refunded event is published
        List<String> metrics = publishOrderEvents(aws, pipeline);
        assertThat(metrics).filteredOn(line -> line.contains("\"RefundsFailed\":1")).hasSize(1);
        assertThat(ofOrder(aws, pipeline, orderId)).extracting(BusEvent::detailType).doesNotContain("order.refunded")
                .endsWith("order.cancelled");
    }

    @Test
    void heldOrderNearItsAuthorizationLapse_isReported_thenExpired_holdVoided_stockReleased_customerMailed(AwsEnvironment aws) {
        // GIVEN an order held until it ships (AuthorizationHoldDays 7 by default)
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, CAPTURE_ON_FULFILMENT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String di = newCustomer("di");
        String orderId = pipeline.place(di, orderBody("pm_card_visa", CUP, 3));
        pipeline.drain();
        long holdDays = Long.parseLong(pipeline.environment("ReconcilerFunction").get("AUTHORIZATION_HOLD_DAYS"));

        // WHEN the reconciler runs five days later, a day before the hold ends, and half an hour before it ends
        Map<String, Integer> fiveDays = wiring.reconciler(pipeline, Duration.ofDays(5)).handleRequest(Map.of(), null);
        Map<String, Integer> dayBefore = wiring.reconciler(pipeline, Duration.ofDays(holdDays).minusHours(12))
                .handleRequest(Map.of(), null);
        int queuedADayBefore = pipeline.depth("PaymentQueue");
        Map<String, Integer> lastHour = wiring.reconciler(pipeline, Duration.ofDays(holdDays).minusMinutes(30))
                .handleRequest(Map.of(), null);
        // AND the payment step handles the ExpiryDue at that time
        wiring.paymentClock.advance(Duration.ofDays(holdDays).minusMinutes(29));
        pipeline.drain();
        APIGatewayV2HTTPResponse shipTooLate = pipeline.fulfil(orderId, null);

        // THEN nothing at five days; an alert (AuthorizationsNearLapse), no message, a day before; ExpiryDue at the end
        assertThat(fiveDays).isEmpty();
        assertThat(dayBefore).isEqualTo(Map.of("AUTHORIZATIONS_NEAR_LAPSE", 1));
        assertThat(queuedADayBefore).isZero();
        assertThat(wiring.logs.lines()).anyMatch(line -> line.contains("\"AuthorizationsNearLapse\":1"));
        assertThat(lastHour).isEqualTo(Map.of("EXPIRY_DUE", 1));
        // AND the order expired: the hold voided while the provider still had it, the stock released, the customer told
        JsonNode order = pipeline.order(di, orderId);
        assertThat(order.get("status").asText()).isEqualTo("EXPIRED");
        assertThat(order.get("history").findValuesAsText("status"))
                .containsExactly("PENDING", "RESERVED", "AUTHORIZED", "EXPIRED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(di)).extracting(CapturedEmail::subject).containsExactly(
                "Your order is confirmed (" + orderId + ")", "Your order has expired (" + orderId + ")");
        assertThat(pipeline.mailTo(di).getLast().text()).contains("not shipped within the " + holdDays + "-day hold");
        assertThat(shipTooLate.getStatusCode()).isEqualTo(409);
    }

    @Test
    void refundsFulfilmentsAndCancellations_recordWhoAndWhen_forAdmins_andLogTheActorsIdNeverTheirEmail(AwsEnvironment aws) {
        // GIVEN a confirmed order and another one its customer will cancel
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String ed = newCustomer("ed");
        String shipped = pipeline.place(ed, orderBody("pm_card_visa", CUP, 2));
        String cancelled = pipeline.place(ed, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain();

        // WHEN support (support-agent-1) refunds, the warehouse (warehouse-1) ships, the customer cancels
        APIGatewayV2HTTPResponse refund = pipeline.refund(shipped, "refund-" + shipped, 500, "arrived chipped");
        APIGatewayV2HTTPResponse fulfil = pipeline.fulfil(shipped, "1Z999AA10123456784");
        APIGatewayV2HTTPResponse cancel = pipeline.cancel(ed, cancelled, null);
        pipeline.drain();

        // THEN the admin's view names each actor by sub, with the time
        assertThat(refund.getStatusCode()).isEqualTo(201);
        assertThat(fulfil.getStatusCode()).isEqualTo(200);
        assertThat(cancel.getStatusCode()).isEqualTo(200);
        JsonNode admin = pipeline.adminOrder(shipped);
        assertThat(admin.get("audit").findValuesAsText("action")).containsExactly("refund.requested", "fulfilment.recorded");
        assertThat(admin.get("audit").findValuesAsText("actor")).containsExactly("support-agent-1", "warehouse-1");
        assertThat(admin.get("audit").get(0).get("at").asText()).isEqualTo(admin.get("refunds").get(0).get("requestedAt").asText());
        assertThat(admin.get("fulfilment").get("recordedBy").asText()).isEqualTo("warehouse-1");
        JsonNode adminCancelled = pipeline.adminOrder(cancelled);
        assertThat(adminCancelled.get("audit")).singleElement().satisfies(entry -> {
            assertThat(entry.get("action").asText()).isEqualTo("cancellation.requested");
            assertThat(entry.get("actor").asText()).isEqualTo(ed);
        });
        // AND the customer's view has no audit trail
        assertThat(pipeline.order(ed, shipped).has("audit")).isFalse();
        assertThat(pipeline.order(ed, shipped).get("fulfilment").has("recordedBy")).isFalse();
        // AND the logs carry each actor's id and never an actor's e-mail address
        List<String> logs = wiring.logs.lines();
        assertThat(logs).anyMatch(line -> line.contains("\"actor\":\"support-agent-1\"") && line.contains(shipped));
        assertThat(logs).anyMatch(line -> line.contains("\"actor\":\"warehouse-1\"") && line.contains(shipped));
        assertThat(logs).anyMatch(line -> line.contains("\"actor\":\"" + ed + "\"") && line.contains(cancelled));
        assertThat(logs).noneMatch(line -> line.contains("support@example.com") || line.contains("warehouse@example.com")
                || line.contains(ed + "@example.com"));
    }
}
