package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.CancellationIT.assertNoDeadLetters;
import static dev.cartwheel.systemtests.CancellationIT.only;
import static dev.cartwheel.systemtests.CancellationIT.status;
import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.SimulatedCrash;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /orders/{orderId}/refunds} of issue 6 through the real handlers, adapters and queues on the emulators. */
@ExtendWith(AwsEmulators.class)
class RefundIT {

    private static final String CUP = "ESPRESSO-CUP";

    private AwsEnvironment aws;

    @BeforeEach
    void emulators(AwsEnvironment aws) {
        this.aws = aws;
    }

    /** A pipeline and a confirmed order of two cups (25.00 USD) for {@code customer}. */
    private String confirmedOrder(Pipeline pipeline, String customer) {
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String orderId = pipeline.place(customer, orderBody("pm_card_visa", CUP, 2));
        pipeline.drain();
        assertThat(status(pipeline, customer, orderId)).isEqualTo("CONFIRMED");
        return orderId;
    }

    @Test
    void partialRefunds_addUp_eachRefundedOnceAndMailedOnce() {
        // GIVEN
        Pipeline pipeline = new Pipeline(aws);
        String alice = newCustomer("alice");
        String orderId = confirmedOrder(pipeline, alice);

        // WHEN two partial refunds
        APIGatewayV2HTTPResponse first = pipeline.refund(orderId, "refund-" + UUID.randomUUID(), 500, "chipped cup");
        APIGatewayV2HTTPResponse second = pipeline.refund(orderId, "refund-" + UUID.randomUUID(), 700, "late delivery");
        pipeline.drain();

        // THEN
        assertThat(first.getStatusCode()).isEqualTo(201);
        assertThat(second.getStatusCode()).isEqualTo(201);
        assertThat(first.getHeaders().get("idempotent-replayed")).isEqualTo("false");
        JsonNode refund = Pipeline.json(first).get("refund");
        assertThat(refund.get("amount").get("amount").asLong()).isEqualTo(500);
        assertThat(refund.get("status").asText()).isEqualTo("REFUNDED");
        assertThat(refund.get("refundId").asText()).startsWith("re_");
        JsonNode order = pipeline.order(alice, orderId);
        assertThat(order.get("status").asText()).as("a refund is no status change").isEqualTo("CONFIRMED");
        assertThat(order.get("refunds")).hasSize(2);
        assertThat(order.get("refundedTotal").get("amount").asLong()).isEqualTo(1200);
        assertThat(pipeline.paymentOperations(orderId)).isEqualTo(Map.of("authorize", 1, "capture", 1, "refund", 2));
        assertThat(pipeline.paymentAmounts(orderId).values()).containsExactlyInAnyOrder(2500L, 2500L, 500L, 700L);
        List<CapturedEmail> refundMail = pipeline.mailTo(alice).stream().filter(m -> m.subject().contains("refunded")).toList();
        assertThat(refundMail).hasSize(2);
        assertThat(refundMail).anySatisfy(m -> assertThat(m.text()).contains("We refunded 5.00 USD").contains("chipped cup"));
        assertThat(refundMail).anySatisfy(m -> assertThat(m.text()).contains("We refunded 7.00 USD")
                .contains("Refunded so far: 12.00 USD of 25.00 USD"));
        assertThat(pipeline.stock(CUP)).as("a refund moves no stock").containsExactly(8, 0, 2);
        assertNoDeadLetters(pipeline);
    }

    @Test
    void moreThanTheCaptureLeft_is422_andNothingMoves() {
        // GIVEN 20.00 of 25.00 refunded
        Pipeline pipeline = new Pipeline(aws);
        String bob = newCustomer("bob");
        String orderId = confirmedOrder(pipeline, bob);
        assertThat(pipeline.refund(orderId, "refund-" + UUID.randomUUID(), 2000, "most of it").getStatusCode()).isEqualTo(201);
        JsonNode before = pipeline.order(bob, orderId);

        // WHEN 5.01 more is asked for
        APIGatewayV2HTTPResponse over = pipeline.refund(orderId, "refund-" + UUID.randomUUID(), 501, "too much");
        APIGatewayV2HTTPResponse rest = pipeline.refund(orderId, "refund-" + UUID.randomUUID(), 500, "the rest");

        // THEN refused as problem+json; exactly the rest is still possible
        assertThat(over.getStatusCode()).isEqualTo(422);
        assertThat(over.getHeaders().get("content-type")).isEqualTo("application/problem+json");
        assertThat(Pipeline.json(over).get("type").asText()).endsWith("/refund-exceeds-captured");
        assertThat(Pipeline.json(over).get("detail").asText()).contains("5.00 USD");
        assertThat(rest.getStatusCode()).isEqualTo(201);
        assertThat(pipeline.order(bob, orderId).get("refunds")).hasSize(before.get("refunds").size() + 1);
        assertThat(pipeline.paymentOperations(orderId)).containsEntry("refund", 2);
        assertThat(pipeline.refund(orderId, "refund-" + UUID.randomUUID(), 1, "a cent").getStatusCode()).isEqualTo(422);
    }

    @Test
    void sameIdempotencyKeyTwice_refundsOnce_andAnswersTheSame_aDifferentBodyIsAConflict() {
        // GIVEN
        Pipeline pipeline = new Pipeline(aws);
        String carol = newCustomer("carol");
        String orderId = confirmedOrder(pipeline, carol);
        String key = "refund-" + UUID.randomUUID();

        // WHEN the same request is sent twice, then the same key with another amount
        APIGatewayV2HTTPResponse first = pipeline.refund(orderId, key, 800, "broken handle");
        APIGatewayV2HTTPResponse replay = pipeline.refund(orderId, key, 800, "broken handle");
        APIGatewayV2HTTPResponse reused = pipeline.refund(orderId, key, 900, "broken handle");
        pipeline.drain();

        // THEN
        assertThat(replay.getStatusCode()).isEqualTo(201);
        assertThat(replay.getBody()).isEqualTo(first.getBody());
        assertThat(replay.getHeaders().get("idempotent-replayed")).isEqualTo("true");
        assertThat(reused.getStatusCode()).isEqualTo(409);
        assertThat(Pipeline.json(reused).get("type").asText()).endsWith("/idempotency-key-reused");
        assertThat(pipeline.paymentAmounts(orderId)).containsEntry(orderId + ":refund:" + key, 800L);
        assertThat(pipeline.paymentOperations(orderId)).containsEntry("refund", 1);
        assertThat(pipeline.order(carol, orderId).get("refundedTotal").get("amount").asLong()).isEqualTo(800);
        assertThat(pipeline.mailTo(carol)).filteredOn(m -> m.subject().contains("refunded")).hasSize(1);
    }

    @Test
    void crashAfterTheProviderRefunded_retryWithTheSameKeyCompletesIt_oneRefund() {
        // GIVEN checkout dies right after the provider refunded, before the order recorded it
        AtomicBoolean armed = new AtomicBoolean();
        Wiring wiring = new Wiring(new Faults((p, id) -> p == FaultPoint.CRASH_AFTER_VOID_OR_REFUND && armed.compareAndSet(true, false)));
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        String dave = newCustomer("dave");
        String orderId = confirmedOrder(pipeline, dave);
        String key = "refund-" + UUID.randomUUID();
        armed.set(true);
        assertThatThrownBy(() -> pipeline.refund(orderId, key, 1000, "crash test")).isInstanceOf(SimulatedCrash.class);
        JsonNode pending = pipeline.order(dave, orderId).get("refunds").get(0);
        assertThat(pending.get("status").asText()).isEqualTo("PENDING");

        // WHEN the client retries with the same key
        APIGatewayV2HTTPResponse retried = pipeline.refund(orderId, key, 1000, "crash test");
        pipeline.drain();

        // THEN one provider refund, completed on the order, one e-mail
        assertThat(retried.getStatusCode()).isEqualTo(201);
        assertThat(Pipeline.json(retried).get("refund").get("status").asText()).isEqualTo("REFUNDED");
        assertThat(pipeline.paymentOperations(orderId)).containsEntry("refund", 1);
        assertThat(pipeline.order(dave, orderId).get("refunds").get(0).get("status").asText()).isEqualTo("REFUNDED");
        assertThat(pipeline.mailTo(dave)).filteredOn(m -> m.subject().contains("refunded")).hasSize(1);
    }

    @Test
    void providerErrorOnARefund_is500_andTheRetryWithTheSameKeyRefundsOnce() {
        // GIVEN a provider that fails the next refund call transiently
        AtomicBoolean armed = new AtomicBoolean();
        Wiring wiring = new Wiring(new Faults((p, id) -> p == FaultPoint.PROVIDER_ERROR && armed.compareAndSet(true, false)));
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        String hank = newCustomer("hank");
        String orderId = confirmedOrder(pipeline, hank);
        String key = "refund-" + UUID.randomUUID();
        armed.set(true);

        // WHEN
        APIGatewayV2HTTPResponse failed = pipeline.refund(orderId, key, 300, "provider hiccup");
        APIGatewayV2HTTPResponse retried = pipeline.refund(orderId, key, 300, "provider hiccup");
        pipeline.drain();

        // THEN
        assertThat(failed.getStatusCode()).isEqualTo(500);
        assertThat(failed.getHeaders().get("content-type")).isEqualTo("application/problem+json");
        assertThat(retried.getStatusCode()).isEqualTo(201);
        assertThat(Pipeline.json(retried).get("refund").get("status").asText()).isEqualTo("REFUNDED");
        assertThat(pipeline.paymentAmounts(orderId)).containsEntry(orderId + ":refund:" + key, 300L);
        assertThat(pipeline.paymentOperations(orderId)).containsEntry("refund", 1);
        assertThat(pipeline.mailTo(hank)).filteredOn(m -> m.subject().contains("refunded")).hasSize(1);
    }

    @Test
    void withoutTheAdminScope_is403_andNothingMoves() {
        Pipeline pipeline = new Pipeline(aws);
        String erin = newCustomer("erin");
        String orderId = confirmedOrder(pipeline, erin);

        APIGatewayV2HTTPResponse response = pipeline.admin.handleRequest(Pipeline.refundOrder("orders/read orders/write",
                orderId, "refund-" + UUID.randomUUID(), Pipeline.refundBody(100, "please")), null);

        assertThat(response.getStatusCode()).isEqualTo(403);
        assertThat(Pipeline.json(response).get("type").asText()).endsWith("/forbidden");
        assertThat(pipeline.order(erin, orderId).has("refunds")).isFalse();
        assertThat(pipeline.paymentOperations(orderId)).doesNotContainKey("refund");
    }

    @Test
    void orderNotPaid_isAConflict_unknownOrderIsNotFound_badAmountIs400() {
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String frank = newCustomer("frank");
        String failed = pipeline.place(frank, orderBody("pm_card_chargeDeclined", CUP, 1));
        pipeline.drain();
        String reserved = pipeline.place(frank, orderBody("pm_card_visa", CUP, 1));
        pipeline.drain(only(pipeline, "InventoryQueue"));
        assertThat(status(pipeline, frank, reserved)).isEqualTo("RESERVED");

        for (String orderId : List.of(reserved, failed)) {
            APIGatewayV2HTTPResponse response = pipeline.refund(orderId, "refund-" + UUID.randomUUID(), 100, "why not");
            assertThat(response.getStatusCode()).as(orderId).isEqualTo(409);
            assertThat(Pipeline.json(response).get("type").asText()).endsWith("/order-not-refundable");
        }
        assertThat(pipeline.refund("ord_00000000-0000-4000-8000-00000000dead", "refund-" + UUID.randomUUID(), 100, "x")
                .getStatusCode()).isEqualTo(404);
        APIGatewayV2HTTPResponse zero = pipeline.refund(failed, "refund-" + UUID.randomUUID(), 0, "nothing");
        assertThat(zero.getStatusCode()).isEqualTo(400);
        assertThat(Pipeline.json(zero).get("field").asText()).isEqualTo("/amount/amount");
        APIGatewayV2HTTPResponse noKey = pipeline.admin.handleRequest(Pipeline.refundOrder("orders/admin", failed, "short",
                Pipeline.refundBody(100, "x")), null);
        assertThat(noKey.getStatusCode()).isEqualTo(400);
        assertThat(pipeline.paymentOperations(reserved)).doesNotContainKey("refund");
    }

    @Test
    void cancelAfterAPartialRefund_refundsOnlyTheRest() {
        // GIVEN 5.00 of 25.00 refunded
        Pipeline pipeline = new Pipeline(aws);
        String grace = newCustomer("grace");
        String orderId = confirmedOrder(pipeline, grace);
        pipeline.refund(orderId, "refund-" + UUID.randomUUID(), 500, "chipped cup");

        // WHEN the customer cancels
        pipeline.cancel(grace, orderId, null);
        pipeline.drain();

        // THEN the cancellation refunds the 20.00 left, and refunds now total the capture
        JsonNode order = pipeline.order(grace, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(order.get("cancellation").get("refunded").get("amount").asLong()).isEqualTo(2000);
        assertThat(order.get("refundedTotal").get("amount").asLong()).isEqualTo(2500);
        assertThat(pipeline.paymentAmounts(orderId)).containsEntry(orderId + ":refund", 2000L);
        assertThat(pipeline.paymentAmounts(orderId).entrySet()).filteredOn(e -> e.getKey().contains(":refund"))
                .extracting(Map.Entry::getValue).containsExactlyInAnyOrder(500L, 2000L);
        assertThat(pipeline.mailTo(grace)).filteredOn(m -> m.subject().contains("cancelled")).singleElement()
                .satisfies(m -> assertThat(m.text()).contains("20.00 USD was refunded"));
        assertThat(pipeline.refund(orderId, "refund-" + UUID.randomUUID(), 1, "after cancel").getStatusCode()).isEqualTo(409);
    }
}
