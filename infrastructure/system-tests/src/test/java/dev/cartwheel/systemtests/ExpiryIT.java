package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An order not paid within {@code PaymentTimeoutSeconds} expires: the reconciler sends {@code ExpiryDue}, the payment
 * step records EXPIRED with the stock released, voids whatever the provider holds, and the customer gets one e-mail.
 * A late payment racing the expiry ends one way or the other, never both, never neither.
 */
@ExtendWith(AwsEmulators.class)
class ExpiryIT {

    private static final String CUP = "ESPRESSO-CUP";

    @Test
    void unpaidOrder_expiresAfterThePaymentTimeout_stockBackOnce_oneEmail(AwsEnvironment aws) {
        // GIVEN a reserved order whose payment message was lost
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String ines = newCustomer("ines");
        String orderId = pipeline.place(ines, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        assertThat(pipeline.takeAll("PaymentQueue")).hasSize(1);
        assertThat(pipeline.stock(CUP)).containsExactly(8, 2, 0);

        // WHEN the reconciler finds it overdue while the payment step's clock says it is not: nothing happens
        Map<String, Integer> early = wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null);
        pipeline.drain();
        String statusWhileNotDue = pipeline.order(ines, orderId).get("status").asText();
        // WHEN the payment timeout has passed, and the reconciler, once the back-off of its first nudge is over, sends
        // ExpiryDue again, which is delivered twice before anything runs
        wiring.paymentClock.advance(wiring.overdueAge(pipeline));
        java.time.Duration backedOff = wiring.overdueAge(pipeline).plusSeconds(
                2 * Long.parseLong(pipeline.environment("ReconcilerFunction").get("STUCK_AFTER_SECONDS")));
        Map<String, Integer> deferred = wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null);
        Map<String, Integer> first = wiring.reconciler(pipeline, backedOff).handleRequest(Map.of(), null);
        for (var message : pipeline.takeAll("PaymentQueue")) {
            for (int copy = 0; copy < 2; copy++) {
                aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl("PaymentQueue")).messageBody(message.body())
                        .messageAttributes(message.messageAttributes()));
            }
        }
        int second = pipeline.depth("PaymentQueue");
        pipeline.drain();
        Map<String, Integer> afterwards = wiring.reconciler(pipeline, backedOff.multipliedBy(4)).handleRequest(Map.of(), null);

        // THEN
        assertThat(early).isEqualTo(Map.of("EXPIRY_DUE", 1));
        assertThat(statusWhileNotDue).as("the payment step checks the deadline itself").isEqualTo("RESERVED");
        assertThat(deferred).as("a nudged order waits for its back-off").isEmpty();
        assertThat(first).isEqualTo(Map.of("EXPIRY_DUE", 1));
        assertThat(second).as("ExpiryDue twice").isEqualTo(2);
        JsonNode order = pipeline.order(ines, orderId);
        assertThat(order.get("status").asText()).isEqualTo("EXPIRED");
        assertThat(order.get("history").findValuesAsText("status")).containsExactly("PENDING", "RESERVED", "EXPIRED");
        assertThat(order.get("history").get(2).get("reason").asText()).isEqualTo("not paid within 15 minutes");
        assertThat(pipeline.stock(CUP)).as("released once").containsExactly(10, 0, 0);
        assertThat(pipeline.paymentOperations(orderId)).isEmpty();
        assertThat(pipeline.mailTo(ines)).singleElement().extracting(CapturedEmail::subject)
                .isEqualTo("Your order has expired (" + orderId + ")");
        assertThat(afterwards).as("an expired order leaves the open-orders index").isEmpty();
    }

    @Test
    void authorizationLosingTheRaceToExpiry_isVoided_andTheOrderStaysExpired(AwsEnvironment aws) {
        // GIVEN a reserved order whose payment step authorized at the provider but had not written AUTHORIZED yet
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String jon = newCustomer("jon");
        String orderId = pipeline.place(jon, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        List<Message> inFlight = pipeline.takeAll("PaymentQueue");
        pipeline.stripeGateway("PaymentFunction")
                .authorize(PaymentGateway.key(orderId, "authorize"), "pm_card_visa", new Money(1250, "USD"));

        // WHEN the order expires, then the payment step's StockReserved is delivered late
        wiring.paymentClock.advance(wiring.overdueAge(pipeline));
        wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null);
        pipeline.drain();
        resend(pipeline, inFlight, "PaymentQueue");
        pipeline.drain();

        // THEN expired, the hold voided once, nothing captured, one e-mail
        JsonNode order = pipeline.order(jon, orderId);
        assertThat(order.get("status").asText()).isEqualTo("EXPIRED");
        assertThat(order.get("history").findValuesAsText("status")).containsExactly("PENDING", "RESERVED", "EXPIRED");
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "void", 1));
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(jon)).extracting(CapturedEmail::subject)
                .containsExactly("Your order has expired (" + orderId + ")");
    }

    @Test
    void expiryRacingLatePayments_eachOrderEndsExpiredAndUncharged_orConfirmedAndCharged_neverBoth(AwsEnvironment aws) {
        // GIVEN 12 reserved orders whose payment messages are held back
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 100);
        String kai = newCustomer("kai");
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            orderIds.add(pipeline.place(kai, orderBody("pm_card_visa", CUP, 1)));
        }
        pipeline.drain(only(pipeline, "InventoryQueue"));
        List<Message> payments = pipeline.takeAll("PaymentQueue");
        assertThat(payments).hasSize(12);

        // WHEN the late payments and the expiries are delivered together to four concurrent payment instances. The
        // queue's order favours both outcomes: the first six payments are queued before the twelve expiries, the last
        // six after them, so the first orders tend to be paid first and the last to expire first; the orders in the
        // middle race. (The interleaving at the dangerous point is forced in RaceIT.)
        wiring.paymentClock.advance(wiring.overdueAge(pipeline));
        resend(pipeline, payments.subList(0, 6), "PaymentQueue");
        assertThat(wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null))
                .isEqualTo(Map.of("EXPIRY_DUE", 12));
        resend(pipeline, payments.subList(6, 12), "PaymentQueue");
        pipeline.drainInParallel(pipeline.routes(), 4, Duration.ofSeconds(90));

        // THEN every order took exactly one of the two ways, with its money and stock to match
        int confirmed = 0;
        for (String orderId : orderIds) {
            String status = pipeline.order(kai, orderId).get("status").asText();
            Map<String, Integer> operations = pipeline.paymentOperations(orderId);
            assertThat(status).isIn("CONFIRMED", "EXPIRED");
            if (status.equals("CONFIRMED")) {
                confirmed++;
                assertThat(operations).as(orderId).isEqualTo(Map.of("authorize", 1, "capture", 1));
            } else {
                assertThat(operations).as(orderId + ": nothing kept").satisfiesAnyOf(
                        ops -> assertThat(ops).isEmpty(),
                        ops -> assertThat(ops).isEqualTo(Map.of("authorize", 1, "void", 1)),
                        ops -> assertThat(ops).isEqualTo(Map.of("authorize", 1, "capture", 1, "refund", 1)));
            }
        }
        assertThat(pipeline.stock(CUP)).containsExactly(100 - confirmed, 0, confirmed);
        assertThat(pipeline.mailTo(kai)).as("one e-mail per order, confirmation or expiry").hasSize(12);
        System.out.printf("expiry race: %d of 12 orders confirmed, %d expired%n", confirmed, 12 - confirmed);
        assertThat(confirmed).as("orders confirmed (the payment first): both outcomes must occur").isBetween(1, 11);
    }

    private static Map<String, Function<SQSEvent, SQSBatchResponse>> only(Pipeline pipeline, String queueLogicalId) {
        String url = pipeline.queueUrl(queueLogicalId);
        return Map.of(url, pipeline.routes().get(url));
    }

    private static void resend(Pipeline pipeline, List<Message> messages, String queueLogicalId) {
        messages.forEach(message -> pipeline.aws.sqs().sendMessage(b -> b.queueUrl(pipeline.queueUrl(queueLogicalId))
                .messageBody(message.body()).messageAttributes(message.messageAttributes())));
    }
}
