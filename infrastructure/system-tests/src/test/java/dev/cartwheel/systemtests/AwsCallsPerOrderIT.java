package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Counts the AWS calls and DynamoDB capacity units one successful order costs, end to end through the real
 * handlers: the figures behind docs/cost.md. Prints a table and writes target/bench/aws-calls-per-order.json.
 * Asserts every order confirmed (or fulfilled) and the call counts per order, per operation, exactly as docs/cost.md's
 * tables publish them ({@link CostTables} reads them from the document), so the document cannot drift from the code.
 * Capacity units are printed, not asserted: DynamoDB Local's accounting is not DynamoDB's.
 */
@ExtendWith(AwsEmulators.class)
class AwsCallsPerOrderIT {

    private static final int ORDERS = 20;

    @Test
    void countCallsAndCapacityPerConfirmedOrder(AwsEnvironment aws) throws Exception {
        Pipeline pipeline = new Pipeline(aws, Pipeline.NO_OPEN_ORDER_LIMIT, Pipeline::composed);
        pipeline.seed("ESPRESSO-CUP", "Espresso cup", 1250, 1000);
        pipeline.seed("COFFEE-BEANS-1KG", "Coffee beans, 1 kg", 2400, 1000);
        String customer = newCustomer("counted");

        AwsCallCounter.start();
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            orderIds.add(pipeline.place(customer, orderBody("pm_card_visa", "ESPRESSO-CUP", 1, "COFFEE-BEANS-1KG", 2)));
        }
        pipeline.drain();
        AwsCallCounter.stop();

        for (String orderId : orderIds) {
            assertThat(pipeline.order(customer, orderId).get("status").asText()).isEqualTo("CONFIRMED");
        }
        Map<String, Long> calls = AwsCallCounter.calls();
        assertThat(calls).containsKeys("DynamoDb.TransactWriteItems", "Sqs.SendMessage", "SesV2.SendEmail");

        ObjectNode report = Pipeline.JSON.createObjectNode().put("orders", ORDERS).put("linesPerOrder", 2);
        ObjectNode perOrder = report.putObject("callsPerOrder");
        System.out.printf("%nAWS calls per confirmed order (%d orders, 2 lines each; queue receives/deletes by the event source mapping not included)%n", ORDERS);
        long dynamoDb = 0;
        long sqs = 0;
        long total = 0;
        for (Map.Entry<String, Long> entry : calls.entrySet()) {
            if (isPump(entry.getKey())) {
                continue; // made by the test's queue pump (Lambda's poller in AWS, not billed per order to the functions)
            }
            double each = (double) entry.getValue() / ORDERS;
            perOrder.put(entry.getKey(), each);
            System.out.printf("  %-32s %6.2f%n", entry.getKey(), each);
            total += entry.getValue();
            if (entry.getKey().startsWith("DynamoDb.")) {
                dynamoDb += entry.getValue();
            } else if (entry.getKey().startsWith("Sqs.")) {
                sqs += entry.getValue();
            }
        }
        report.put("totalCallsPerOrder", (double) total / ORDERS);
        report.put("dynamoDbCallsPerOrder", (double) dynamoDb / ORDERS);
        report.put("sqsSendsPerOrder", (double) sqs / ORDERS);
        report.put("readCapacityUnitsPerOrder", AwsCallCounter.readUnits() / ORDERS);
        report.put("writeCapacityUnitsPerOrder", AwsCallCounter.writeUnits() / ORDERS);
        System.out.printf("  %-32s %6.2f%n  %-32s %6.2f%n  %-32s %6.2f%n%n", "total calls", (double) total / ORDERS,
                "DynamoDB RCU", AwsCallCounter.readUnits() / ORDERS, "DynamoDB WCU", AwsCallCounter.writeUnits() / ORDERS);
        Path out = Root.path("infrastructure", "system-tests", "target", "bench", "aws-calls-per-order.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toPrettyString());
        assertAsPublished(calls, CostTables.column(CostTables.document(), "Call", "per order"), "per confirmed order");
    }

    /**
     * What recording a fulfilment adds, per order, in each capture mode: from {@code POST /orders/{id}/fulfilment}
     * until the queues are drained (captured on fulfilment: the capture, PAID, the e-mail step; both: the shipping
     * notice).
     */
    @ParameterizedTest
    @ValueSource(strings = {"authorization", "fulfilment"})
    void countCallsPerFulfilment(String captureOn, AwsEnvironment aws) {
        Pipeline pipeline = new Pipeline(aws, Map.of("CaptureOn", captureOn,
                "MaxOpenOrdersPerCustomer", Pipeline.NO_OPEN_ORDER_LIMIT.get("MaxOpenOrdersPerCustomer")), Pipeline::composed);
        pipeline.seed("ESPRESSO-CUP", "Espresso cup", 1250, 1000);
        String customer = newCustomer("shipped");
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            orderIds.add(pipeline.place(customer, orderBody("pm_card_visa", "ESPRESSO-CUP", 1)));
        }
        pipeline.drain();

        AwsCallCounter.start();
        orderIds.forEach(orderId -> pipeline.fulfil(orderId, "1Z" + orderId.hashCode()));
        pipeline.drain();
        AwsCallCounter.stop();

        for (String orderId : orderIds) {
            assertThat(pipeline.order(customer, orderId).get("status").asText()).isEqualTo("FULFILLED");
        }
        Map<String, Long> calls = AwsCallCounter.calls();
        assertThat(calls).containsKeys("DynamoDb.GetItem", "Sqs.SendMessage", "SesV2.SendEmail");
        System.out.printf("%nAWS calls per fulfilment, CaptureOn=%s (%d orders; queue receives/deletes not included)%n",
                captureOn, ORDERS);
        long total = 0;
        for (Map.Entry<String, Long> entry : calls.entrySet()) {
            if (isPump(entry.getKey())) {
                continue;
            }
            System.out.printf("  %-32s %6.2f%n", entry.getKey(), (double) entry.getValue() / ORDERS);
            total += entry.getValue();
        }
        System.out.printf("  %-32s %6.2f%n%n", "total calls", (double) total / ORDERS);
        assertAsPublished(calls, CostTables.column(CostTables.document(), "", "`CaptureOn=" + captureOn + "`"),
                "per fulfilment, CaptureOn=" + captureOn);
    }

    /**
     * The table adds up, and the calls counted for {@link #ORDERS} orders are exactly its figures per order, operation
     * by operation (none missing, none more). Not per order, and so not in the tables: the queue pump's receives and
     * deletes (Lambda's poller in AWS) and the Stripe key's read from Secrets Manager (once per execution environment).
     */
    private static void assertAsPublished(Map<String, Long> counted, CostTables.Column published, String what) {
        assertThat(published.sum()).as("docs/cost.md: the rows of the table %s add up to its total", what)
                .isEqualTo(published.total());
        Map<String, Long> perOrder = new java.util.TreeMap<>();
        counted.forEach((call, count) -> {
            if (!isPump(call) && !call.startsWith("SecretsManager.")) {
                perOrder.put(call, count);
            }
        });
        Map<String, Long> expected = new java.util.TreeMap<>();
        published.calls().forEach((call, each) -> expected.put(call, each * ORDERS));
        assertThat(perOrder).as("AWS calls for %d orders, %s, against docs/cost.md's table (x %d)", ORDERS, what, ORDERS)
                .isEqualTo(expected);
    }

    private static boolean isPump(String call) {
        return call.startsWith("Sqs.ReceiveMessage") || call.startsWith("Sqs.Delete")
                || call.startsWith("Sqs.ChangeMessageVisibility") || call.startsWith("Sqs.GetQueueAttributes");
    }
}
