package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.SimulatedCrash;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import dev.cartwheel.testing.PumpResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Orders paid through the real Stripe adapter against the Stripe simulator: Stripe's declines, and Stripe failing
 * (500, 429, a timeout after it acted, a crash of the payment step after Stripe approved) without a second charge.
 * (3-D Secure, expiry and dashboard refunds: {@link WebhookIT}; capture on fulfilment: {@link FulfilmentIT}; partial
 * refunds: {@link RefundIT}; cancellation after capture: {@link CancellationIT}.)
 */
@ExtendWith(AwsEmulators.class)
class StripePaymentsIT {

    private static final String CUP = "ESPRESSO-CUP";

    /** The simulator is shared by every test class of this JVM: a search lag set here must not outlive the test. */
    @org.junit.jupiter.api.AfterEach
    void searchKeepsUpAgain() {
        Pipeline.STRIPE.searchLag(java.time.Duration.ZERO);
    }

    private static Pipeline pipeline(AwsEnvironment aws, Wiring wiring) {
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        return pipeline;
    }

    @Test
    void approvedDeclinedAndInsufficientFunds_carryStripesOutcome(AwsEnvironment aws) {
        Pipeline pipeline = pipeline(aws, new Wiring(Faults.none()));
        String ada = newCustomer("ada");
        String approved = pipeline.place(ada, orderBody("pm_card_mastercard", CUP, 1));
        String declined = pipeline.place(ada, orderBody("pm_card_chargeDeclined", CUP, 2));
        String poor = pipeline.place(ada, orderBody("pm_card_chargeDeclinedInsufficientFunds", CUP, 3));
        pipeline.drain();

        JsonNode ok = pipeline.order(ada, approved);
        assertThat(ok.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(ok.get("payment").get("brand").asText()).isEqualTo("mastercard");
        assertThat(ok.get("payment").get("last4").asText()).isEqualTo("4444");
        assertThat(pipeline.paymentIntent(approved).get("status").asText()).isEqualTo("succeeded");
        assertThat(pipeline.paymentIntent(approved).get("amount_received").asLong()).isEqualTo(1250);
        // Stripe's decline code is recorded (the admin's view shows it); its customer reads only "payment declined"
        assertThat(pipeline.adminOrder(declined).get("history").findValuesAsText("reason"))
                .contains("payment declined: generic_decline");
        assertThat(pipeline.adminOrder(poor).get("history").findValuesAsText("reason"))
                .contains("payment declined: insufficient_funds");
        assertThat(pipeline.order(ada, poor).get("history").findValuesAsText("reason")).contains("payment declined")
                .doesNotContain("payment declined: insufficient_funds");
        assertThat(pipeline.order(ada, poor).get("status").asText()).isEqualTo("PAYMENT_FAILED");
        assertThat(pipeline.paymentIntent(poor).get("status").asText()).isEqualTo("requires_payment_method");
        assertThat(pipeline.stock(CUP)).as("only the approved cup sold").containsExactly(9, 0, 1);
    }

    @Test
    void stripeAnswering500Then429_isRetriedWithTheSameKey_oneHoldOneCharge(AwsEnvironment aws) {
        Pipeline pipeline = pipeline(aws, new Wiring(Faults.none()));
        String bo = newCustomer("bo");
        String orderId = pipeline.place(bo, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain(Map.of(pipeline.queueUrl("InventoryQueue"), pipeline.routes().get(pipeline.queueUrl("InventoryQueue"))));

        // 500, 500, then the adapter's third attempt gets through
        pipeline.stripe.failNext(2, 500);
        List<PumpResult> first = List.of(aws.queuePump().pumpOnce(pipeline.queueUrl("PaymentQueue"),
                event -> pipeline.payment.handleRequest(event, null)));
        pipeline.drain();

        assertThat(first.getFirst().failed()).as("retried inside the invocation").isEmpty();
        assertThat(pipeline.order(bo, orderId).get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(pipeline.stripe.paymentIntentsOfOrder(orderId)).hasSize(1);
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));

        String second = pipeline.place(bo, orderBody("pm_card_visa", CUP, 1));
        pipeline.stripe.failNext(1, 429);
        pipeline.drain();
        assertThat(pipeline.order(bo, second).get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(pipeline.paymentOperations(second)).isEqualTo(Map.of("authorize", 1, "capture", 1));
    }

    @Test
    void aTimeoutAfterStripeApproved_isRetriedWithTheSameKey_oneHoldOneCharge(AwsEnvironment aws) {
        Pipeline pipeline = pipeline(aws, new Wiring(Faults.none()));
        String cy = newCustomer("cy");
        String orderId = pipeline.place(cy, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain(Map.of(pipeline.queueUrl("InventoryQueue"), pipeline.routes().get(pipeline.queueUrl("InventoryQueue"))));

        // Stripe carries out the authorization but answers only after the adapter gave up waiting
        pipeline.stripe.hangFor(Duration.ofSeconds(4));
        pipeline.stripe.hangNext(1);
        pipeline.drain();

        assertThat(pipeline.order(cy, orderId).get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(pipeline.stripe.paymentIntentsOfOrder(orderId)).hasSize(1);
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1));
        assertThat(pipeline.paymentIntent(orderId).get("amount_received").asLong()).isEqualTo(1250);
    }

    @Test
    void aCrashAfterStripeApproved_beforeCartwheelRecordedIt_chargesOnce(AwsEnvironment aws) {
        Wiring wiring = new Wiring(Faults.once(FaultPoint.PAYMENT_CRASH_AFTER_AUTHORIZE));
        Pipeline pipeline = pipeline(aws, wiring);
        String di = newCustomer("di");
        String orderId = pipeline.place(di, orderBody("pm_card_visa", CUP, 2));

        List<PumpResult> deliveries = pipeline.drain();

        assertThat(deliveries).filteredOn(d -> d.error().isPresent()).singleElement()
                .satisfies(d -> assertThat(d.handlerError()).isInstanceOf(SimulatedCrash.class));
        assertThat(pipeline.order(di, orderId).get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(pipeline.stripe.paymentIntentsOfOrder(orderId)).as("the redelivery replayed the key").hasSize(1);
        assertThat(pipeline.stripe.keyedRequests(orderId + ":authorize")).hasSize(1);
        assertThat(pipeline.paymentIntent(orderId).get("amount_received").asLong()).isEqualTo(2500);
        assertThat(pipeline.stock(CUP)).containsExactly(8, 0, 2);
    }

    /**
     * Stripe's search lags behind its writes (under a minute; up to an hour in an outage; the simulator's index here
     * is an hour behind). A customer who cancels right after paying still gets the capture back: the cancellation
     * reads the payment by the id the order recorded, not by a search that does not show it yet.
     */
    @Test
    void aCancellationRightAfterTheCapture_refundsIt_thoughStripesSearchDoesNotShowThePaymentYet(AwsEnvironment aws) {
        Pipeline pipeline = pipeline(aws, new Wiring(Faults.none()));
        pipeline.stripe.searchLag(Duration.ofHours(1));
        String ed = newCustomer("ed");
        String orderId = pipeline.place(ed, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();
        assertThat(pipeline.order(ed, orderId).get("status").asText()).isEqualTo("CONFIRMED");

        assertThat(pipeline.cancel(ed, orderId, null).getStatusCode()).isEqualTo(200);
        pipeline.drain();

        JsonNode order = pipeline.order(ed, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("cancellation").get("settlement").asText()).isEqualTo("REFUNDED");
        assertThat(pipeline.paymentAmounts(orderId)).isEqualTo(Map.of(
                orderId + ":authorize", 2500L, orderId + ":capture", 2500L, orderId + ":refund", 2500L));
        assertThat(pipeline.stripe.refundsOf(pipeline.paymentIntent(orderId).get("id").asText()))
                .extracting(r -> r.get("amount").asLong()).containsExactly(2500L);
        assertThat(pipeline.stock(CUP)).containsExactly(10, 0, 0);
    }
}
