package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.systemtests.faults.FaultPoint;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import dev.cartwheel.testing.PumpResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A write that DynamoDB committed but whose response never reached the caller (the commonest real failure under
 * throttling and timeouts), injected by {@code LostResponses}: an SDK interceptor that lets the request commit, then
 * throws a read timeout in {@code afterExecution}. The step cannot tell whether its write happened; its retry (SQS
 * redelivery, or the client's retry with the same {@code Idempotency-Key}) must find the write and finish the work,
 * doing nothing twice.
 */
@ExtendWith(AwsEmulators.class)
class LostResponseIT {

    private static final String CUP = "ESPRESSO-CUP";
    /** The payment token this test uses, in one place. */
    private static final String APPROVED = "pm_card_visa";

    private AwsEnvironment aws;

    @BeforeEach
    void emulators(AwsEnvironment aws) {
        this.aws = aws;
    }

    @ParameterizedTest
    @EnumSource(value = FaultPoint.class, names = {"LOST_RESPONSE_RESERVATION", "LOST_RESPONSE_PAID",
            "LOST_RESPONSE_CANCELLED", "LOST_RESPONSE_REFUND", "LOST_RESPONSE_MARK_SENT"})
    void aCommittedWriteWhoseResponseWasLost_isFoundByTheRetry_andNothingHappensTwice(FaultPoint point) {
        // GIVEN the response of the first write at this point will be lost
        Wiring wiring = new Wiring(Faults.once(point));
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 10);
        String buyer = newCustomer("lost");
        List<PumpResult> deliveries = new ArrayList<>();

        // WHEN an order goes through the pipeline (and is cancelled, or refunded through the API with a client retry)
        String orderId = pipeline.place(buyer, orderBody(APPROVED, CUP, 2));
        deliveries.addAll(pipeline.drain());
        List<Integer> refundAnswers = new ArrayList<>();
        if (point == FaultPoint.LOST_RESPONSE_CANCELLED) {
            assertThat(pipeline.cancel(buyer, orderId, null).getStatusCode()).isEqualTo(200);
            deliveries.addAll(pipeline.drain());
        }
        if (point == FaultPoint.LOST_RESPONSE_REFUND) {
            APIGatewayV2HTTPResponse first = pipeline.refund(orderId, "refund-1", 500, "chipped");
            refundAnswers.add(first.getStatusCode());
            if (first.getStatusCode() >= 500) {
                // the client cannot know whether its refund happened: it retries with the same key
                refundAnswers.add(pipeline.refund(orderId, "refund-1", 500, "chipped").getStatusCode());
            }
            deliveries.addAll(pipeline.drain());
        }

        // THEN the fault really happened, once, and its step failed (a redelivery or a 5xx the client retried)
        assertThat(wiring.faults.count(point)).as("lost responses injected at " + point).isEqualTo(1);
        if (point == FaultPoint.LOST_RESPONSE_REFUND) {
            assertThat(refundAnswers).as("a 500, then the retry's 201").containsExactly(500, 201);
        } else {
            assertThat(deliveries).as("a delivery failed on the lost response and was redelivered")
                    .anyMatch(d -> !d.failed().isEmpty());
        }
        // AND the order ended once, at the right place, with money, stock and e-mails counted once
        boolean cancelled = point == FaultPoint.LOST_RESPONSE_CANCELLED;
        JsonNode order = pipeline.order(buyer, orderId);
        List<String> history = order.get("history").findValuesAsText("status");
        assertThat(history).isEqualTo(cancelled
                ? List.of("PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED", "CANCELLING", "CANCELLED")
                : List.of("PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED"));
        assertThat(wiring.charges.captureIds(orderId)).as("one charge").hasSize(1);
        Map<String, Integer> operations = pipeline.paymentOperations(orderId);
        assertThat(operations).containsEntry("authorize", 1).containsEntry("capture", 1);
        assertThat(operations.getOrDefault("refund", 0)).isEqualTo(cancelled || point == FaultPoint.LOST_RESPONSE_REFUND ? 1 : 0);
        if (point == FaultPoint.LOST_RESPONSE_REFUND) {
            assertThat(order.get("refundedTotal").get("amount").asLong()).isEqualTo(500);
        }
        assertThat(pipeline.stock(CUP)).isEqualTo(cancelled ? new long[] {10, 0, 0} : new long[] {8, 0, 2});
        List<String> subjects = pipeline.mailTo(buyer).stream().map(CapturedEmail::subject).toList();
        assertThat(subjects).filteredOn(s -> s.startsWith("Your order is confirmed")).hasSize(1);
        assertThat(subjects).hasSize(1 + (cancelled || point == FaultPoint.LOST_RESPONSE_REFUND ? 1 : 0));
        assertThat(pipeline.depth("InventoryDeadLetterQueue") + pipeline.depth("PaymentDeadLetterQueue")
                + pipeline.depth("EmailDeadLetterQueue")).isZero();
    }
}
