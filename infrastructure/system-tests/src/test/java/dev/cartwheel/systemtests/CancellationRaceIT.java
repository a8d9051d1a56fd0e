package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.CancellationIT.assertNoDeadLetters;
import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cancellations while four pumps run the pipeline at once, as concurrent Lambda instances would. Each cancel is made
 * from inside the pump that reached the stage assigned to its order (the inventory step's read, each status write,
 * the provider's authorization or capture in flight), so every stage is caught in every run; whatever the stage, every order ends with exactly one outcome, the money and the
 * stock add up, and every e-mail goes out once.
 */
@ExtendWith(AwsEmulators.class)
class CancellationRaceIT {

    private static final String CUP = "ESPRESSO-CUP";
    private static final int ORDERS = 30;
    private static final long STOCK = 100;

    @Test
    void cancelsAtRandomMomentsDuringAParallelPipeline_eachOrderEndsOnce_moneyAndStockAddUp(AwsEnvironment aws)
            throws Exception {
        // GIVEN 30 placed orders; the even ones will be cancelled by their owners, each at a stage assigned to it,
        // from inside the pump that reached that stage (a hook in the test decorators), while four pumps run
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed(CUP, "Espresso cup", 1250, STOCK);
        List<String> customers = new ArrayList<>();
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            customers.add(newCustomer("racer" + i));
            orderIds.add(pipeline.place(customers.get(i), orderBody("pm_card_visa", CUP, i % 3 + 1)));
        }
        // the stage: the inventory step has read the PENDING order; a step has written version 2..5 (RESERVED,
        // AUTHORIZED, PAID, CONFIRMED); the provider call is in flight (authorized or captured, not recorded yet)
        List<String> stages = List.of("read v1", "wrote v2", "PROVIDER_AUTHORIZED", "wrote v3", "PROVIDER_CAPTURED",
                "wrote v4", "wrote v5");
        Map<String, Integer> owner = new java.util.HashMap<>();
        Map<String, String> stageOf = new java.util.HashMap<>();
        for (int i = 0; i < ORDERS; i += 2) {
            owner.put(orderIds.get(i), i);
            stageOf.put(orderIds.get(i), stages.get(i / 2 % stages.size()));
        }
        Map<String, APIGatewayV2HTTPResponse> answersByOrder = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
        wiring.faults.onHook((at, orderId, version) -> {
            String reached = switch (at) {
                case ORDER_READ -> "read v" + version;
                case ORDER_WRITTEN -> "wrote v" + version;
                case PROVIDER_AUTHORIZED, PROVIDER_CAPTURED -> at.name();
                default -> "";
            };
            // the cancel reads and writes the order too, on this thread: made once per order, before those hooks
            if (reached.equals(stageOf.get(orderId)) && Thread.currentThread().getName().startsWith("pump-")
                    && started.add(orderId)) {
                answersByOrder.put(orderId, pipeline.cancel(customers.get(owner.get(orderId)), orderId, null));
            }
        });

        // WHEN the pipeline runs with four pumps and the cancels come in at their stages
        pipeline.drainInParallel(pipeline.routes(), 4, Duration.ofMinutes(3));
        pipeline.drain();
        List<APIGatewayV2HTTPResponse> answers = new ArrayList<>(answersByOrder.values());
        assertThat(answersByOrder).as("every cancel was made at its stage").hasSize(ORDERS / 2);

        // THEN
        assertThat(answers).allSatisfy(answer -> assertThat(answer.getStatusCode()).isEqualTo(200));
        long sold = 0;
        int invariants = 0;
        Map<String, Integer> caughtIn = new java.util.TreeMap<>();
        for (int i = 0; i < ORDERS; i++) {
            String orderId = orderIds.get(i);
            JsonNode order = pipeline.order(customers.get(i), orderId);
            long total = order.get("total").get("amount").asLong();
            Map<String, Long> provider = pipeline.paymentAmounts(orderId);
            long captured = provider.getOrDefault(orderId + ":capture", 0L);
            long refunded = provider.entrySet().stream().filter(e -> e.getKey().contains(":refund"))
                    .mapToLong(Map.Entry::getValue).sum();
            List<String> subjects = pipeline.mailTo(customers.get(i)).stream().map(m -> m.subject()).toList();
            if (i % 2 == 0) {
                assertThat(order.get("status").asText()).as(orderId).isEqualTo("CANCELLED");
                assertThat(order.get("history").findValuesAsText("status")).as(orderId)
                        .filteredOn("CANCELLING"::equals).hasSize(1);
                assertThat(refunded).as(orderId + " refunds exactly what was captured").isEqualTo(captured);
                if (provider.containsKey(orderId + ":authorize") && captured == 0) {
                    assertThat(provider).as(orderId + " hold voided").containsKey(orderId + ":void");
                }
                assertThat(subjects).as(orderId).filteredOn(s -> s.contains("cancelled")).hasSize(1);
                List<String> path = order.get("history").findValuesAsText("status");
                caughtIn.merge(path.get(path.indexOf("CANCELLING") - 1), 1, Integer::sum);
                invariants += 4;
            } else {
                assertThat(order.get("status").asText()).as(orderId).isEqualTo("CONFIRMED");
                assertThat(captured).as(orderId).isEqualTo(total);
                assertThat(refunded).as(orderId).isZero();
                assertThat(provider).as(orderId).doesNotContainKey(orderId + ":void");
                assertThat(subjects).as(orderId).singleElement().satisfies(s -> assertThat(s).contains("confirmed"));
                sold += order.get("items").get(0).get("quantity").asLong();
                invariants += 5;
            }
        }
        long[] stock = pipeline.stock(CUP);
        assertThat(stock[0] + stock[1] + stock[2]).as("units conserved").isEqualTo(STOCK);
        assertThat(stock[1]).as("nothing left reserved").isZero();
        assertThat(stock[2]).as("sold = what the confirmed orders bought").isEqualTo(sold);
        assertNoDeadLetters(pipeline);
        assertThat(invariants).isEqualTo(ORDERS / 2 * 9);
        System.out.println("CancellationRaceIT: cancels caught their orders in " + caughtIn);
        assertThat(caughtIn).as("every stage was caught")
                .containsOnlyKeys("PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED");
    }
}
