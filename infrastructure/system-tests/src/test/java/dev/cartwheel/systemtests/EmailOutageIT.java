package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cartwheel.core.email.EmailType;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No e-mail is lost to an SES outage. SES refuses every send (HTTP 503, {@code SesFaults} on the e-mail step's SES
 * client) for longer than the e-mail queue's redrive policy allows, so every e-mail message ends in the DLQ, which
 * nobody redrives. Once SES is back, the reconciler's sweep of the orders marked as owing e-mails (and its nudge of the
 * one order still waiting for its confirmation) makes every e-mail of every type go out exactly once, final orders
 * included.
 */
@ExtendWith(AwsEmulators.class)
class EmailOutageIT {

    private static final String CUP = "ESPRESSO-CUP";
    private static final String TEAPOT = "TEAPOT";
    /** The payment tokens this test uses, in one place. */
    private static final String APPROVED = "pm_card_visa";
    private static final String DECLINED = "pm_card_chargeDeclined";

    @Test
    void sesDownForLongerThanTheQueuesRetries_everyEmailOfEveryTypeGoesOutExactlyOnceAfterwards_withoutARedrive(
            AwsEnvironment aws) {
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, 50);
        pipeline.seed(TEAPOT, "Teapot", 4000, 1);
        int maxReceiveCount = maxReceiveCount(pipeline);
        // every failed e-mail delivery comes back after the queue's visibility timeout, when the claim's lease is over:
        // each receive really calls SES again
        Duration visibility = Duration.ofSeconds(Long.parseLong(String.valueOf(
                pipeline.stack.template().resolvedProperties("EmailQueue").get("VisibilityTimeout"))));
        Map<String, Function<SQSEvent, SQSBatchResponse>> routes = new LinkedHashMap<>(pipeline.routes());
        Function<SQSEvent, SQSBatchResponse> email = routes.get(pipeline.queueUrl("EmailQueue"));
        routes.put(pipeline.queueUrl("EmailQueue"), event -> {
            SQSBatchResponse response = email.apply(event);
            if (!response.getBatchItemFailures().isEmpty()) {
                wiring.emailClock.advance(visibility);
            }
            return response;
        });

        // GIVEN three orders confirmed while SES is up
        String shippedBuyer = newCustomer("shipped");
        String refundedBuyer = newCustomer("refunded");
        String cancelledBuyer = newCustomer("cancelled");
        String shipped = pipeline.place(shippedBuyer, orderBody(APPROVED, CUP, 1));
        String refunded = pipeline.place(refundedBuyer, orderBody(APPROVED, CUP, 1));
        String cancelled = pipeline.place(cancelledBuyer, orderBody(APPROVED, CUP, 1));
        pipeline.drain(routes);
        assertThat(List.of(shipped, refunded, cancelled)).allSatisfy(id ->
                assertThat(pipeline.order(buyerOf(id, shipped, shippedBuyer, refunded, refundedBuyer, cancelledBuyer), id)
                        .get("status").asText()).isEqualTo("CONFIRMED"));

        // WHEN SES goes down; meanwhile one order waits for its payment message (lost), one is paid, one rejected
        // (not enough stock), one declined; the confirmed ones are shipped, refunded and cancelled
        wiring.ses.begin();
        String expiredBuyer = newCustomer("expired");
        String expired = pipeline.place(expiredBuyer, orderBody(APPROVED, CUP, 1));
        pipeline.drain(Map.of(pipeline.queueUrl("InventoryQueue"), routes.get(pipeline.queueUrl("InventoryQueue"))));
        assertThat(pipeline.takeAll("PaymentQueue")).as("the payment message is lost").hasSize(1);
        String confirmedBuyer = newCustomer("confirmed");
        String rejectedBuyer = newCustomer("rejected");
        String declinedBuyer = newCustomer("declined");
        String confirmed = pipeline.place(confirmedBuyer, orderBody(APPROVED, CUP, 1));
        String rejected = pipeline.place(rejectedBuyer, orderBody(APPROVED, TEAPOT, 2));
        String declined = pipeline.place(declinedBuyer, orderBody(DECLINED, CUP, 1));
        assertThat(pipeline.fulfil(shipped, "1Z999AA10123456784").getStatusCode()).isEqualTo(200);
        assertThat(pipeline.refund(refunded, "refund-1", 500, "chipped").getStatusCode()).isIn(200, 201);
        assertThat(pipeline.cancel(cancelledBuyer, cancelled, null).getStatusCode()).isEqualTo(200);
        pipeline.drain(routes);
        // the payment timeout passes: the reconciler expires the unpaid order (and already re-sends what it can)
        wiring.paymentClock.advance(wiring.overdueAge(pipeline));
        Map<String, Integer> duringOutage = wiring.reconciler(pipeline, wiring.overdueAge(pipeline)).handleRequest(Map.of(), null);
        pipeline.drain(routes);

        // THEN every order reached its outcome, every e-mail message ran out of receives into the DLQ, nothing was mailed
        Map<String, String> buyers = new LinkedHashMap<>();
        buyers.put(shipped, shippedBuyer);
        buyers.put(refunded, refundedBuyer);
        buyers.put(cancelled, cancelledBuyer);
        buyers.put(expired, expiredBuyer);
        buyers.put(confirmed, confirmedBuyer);
        buyers.put(rejected, rejectedBuyer);
        buyers.put(declined, declinedBuyer);
        Map<String, String> statuses = new LinkedHashMap<>();
        buyers.forEach((id, buyer) -> statuses.put(id, pipeline.order(buyer, id).get("status").asText()));
        assertThat(statuses).containsExactly(Map.entry(shipped, "FULFILLED"), Map.entry(refunded, "CONFIRMED"),
                Map.entry(cancelled, "CANCELLED"), Map.entry(expired, "EXPIRED"), Map.entry(confirmed, "PAID"),
                Map.entry(rejected, "REJECTED"), Map.entry(declined, "PAYMENT_FAILED"));
        assertThat(duringOutage).containsEntry("EXPIRY_DUE", 1);
        List<String> dead = pipeline.takeAll("EmailDeadLetterQueue").stream().map(m -> m.body()).toList();
        buyers.keySet().forEach(id -> {
            assertThat(wiring.ses.refused(id)).as("SES refused the e-mail of %s on every receive", id)
                    .isGreaterThanOrEqualTo(maxReceiveCount);
            assertThat(dead).as("an e-mail message of %s is in the DLQ", id).anyMatch(body -> body.contains(id));
        });
        assertThat(pipeline.depth("EmailQueue")).isZero();
        buyers.forEach((id, buyer) -> assertThat(subjects(pipeline, buyer)).as(buyer)
                .isEqualTo(List.of(shipped, refunded, cancelled).contains(id) ? List.of(EmailType.ORDER_CONFIRMED) : List.of()));

        // WHEN SES is back, the DLQ's messages are gone for good (no redrive), and the reconciler runs later
        wiring.ses.end();
        Duration later = wiring.overdueAge(pipeline).plus(Duration.ofHours(1));
        wiring.emailClock.advance(later);
        Map<String, Integer> sweep = wiring.reconciler(pipeline, later).handleRequest(Map.of(), null);
        pipeline.drain(routes);
        Map<String, Integer> nextSweep = wiring.reconciler(pipeline, later.plus(Duration.ofDays(1))).handleRequest(Map.of(), null);
        pipeline.drain(routes);

        // THEN every e-mail of every type went out exactly once, and nothing is owed any more
        assertThat(sweep).isEqualTo(Map.of("EMAILS_DUE", 6, "ORDER_PAID", 1));
        assertThat(subjects(pipeline, shippedBuyer)).containsExactlyInAnyOrder(EmailType.ORDER_CONFIRMED, EmailType.ORDER_SHIPPED);
        assertThat(subjects(pipeline, refundedBuyer)).containsExactlyInAnyOrder(EmailType.ORDER_CONFIRMED, EmailType.ORDER_REFUNDED);
        assertThat(subjects(pipeline, cancelledBuyer)).containsExactlyInAnyOrder(EmailType.ORDER_CONFIRMED, EmailType.ORDER_CANCELLED);
        assertThat(subjects(pipeline, expiredBuyer)).containsExactly(EmailType.ORDER_EXPIRED);
        assertThat(subjects(pipeline, confirmedBuyer)).containsExactly(EmailType.ORDER_CONFIRMED);
        assertThat(subjects(pipeline, rejectedBuyer)).containsExactly(EmailType.ORDER_REJECTED);
        assertThat(subjects(pipeline, declinedBuyer)).containsExactly(EmailType.PAYMENT_FAILED);
        assertThat(pipeline.order(confirmedBuyer, confirmed).get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(nextSweep).as("every mark cleared: nothing owed, nothing nudged").isEmpty();
        assertThat(pipeline.depth("EmailDeadLetterQueue")).isZero();
    }

    /** The types of the e-mails a buyer got, in order, read off their subjects. */
    private static List<EmailType> subjects(Pipeline pipeline, String buyer) {
        return pipeline.mailTo(buyer).stream().map(CapturedEmail::subject).map(subject -> {
            for (EmailType type : EmailType.values()) {
                if (subject.startsWith(type.subject())) {
                    return type;
                }
            }
            throw new AssertionError("an e-mail of no known type: " + subject);
        }).toList();
    }

    private static String buyerOf(String id, String shipped, String shippedBuyer, String refunded, String refundedBuyer,
                                  String cancelledBuyer) {
        return id.equals(shipped) ? shippedBuyer : id.equals(refunded) ? refundedBuyer : cancelledBuyer;
    }

    @SuppressWarnings("unchecked")
    private static int maxReceiveCount(Pipeline pipeline) {
        Object policy = pipeline.stack.template().resolvedProperties("EmailQueue").get("RedrivePolicy");
        return Integer.parseInt(String.valueOf(((Map<String, Object>) policy).get("maxReceiveCount")));
    }
}
