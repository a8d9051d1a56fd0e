package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.emulators.ses.CapturedEmail;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import dev.cartwheel.testing.PumpResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** The pipeline end to end through the real handlers, SDK clients and queues, on the emulators. */
@ExtendWith(AwsEmulators.class)
class PipelineIT {

    private Pipeline pipeline;

    @BeforeEach
    void provision(AwsEnvironment aws) {
        pipeline = new Pipeline(aws);
        pipeline.seed("ESPRESSO-CUP", "Espresso cup", 1250, 10);
        pipeline.seed("COFFEE-BEANS-1KG", "Coffee beans, 1 kg", 2400, 5);
    }

    @Test
    void goodOrder_endsConfirmed_withOneEmail_andStockSold() {
        String alice = newCustomer("alice");
        String orderId = pipeline.place(alice, orderBody("pm_card_visa", "ESPRESSO-CUP", 2, "COFFEE-BEANS-1KG", 1));

        pipeline.drain();

        JsonNode order = pipeline.order(alice, orderId);
        assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(order.get("total").get("amount").asLong()).isEqualTo(2 * 1250 + 2400);
        assertThat(order.get("history").findValuesAsText("status"))
                .containsExactly("PENDING", "RESERVED", "AUTHORIZED", "PAID", "CONFIRMED");
        assertThat(order.get("payment").get("last4").asText()).isEqualTo("4242");
        assertThat(pipeline.stock("ESPRESSO-CUP")).containsExactly(8, 0, 2);
        assertThat(pipeline.stock("COFFEE-BEANS-1KG")).containsExactly(4, 0, 1);
        List<CapturedEmail> mail = pipeline.mailTo(alice);
        assertThat(mail).singleElement().satisfies(email -> {
            assertThat(email.subject()).contains("confirmed").contains(orderId);
            assertThat(email.text()).contains("2 x Espresso cup").contains("49.00 USD");
            assertThat(email.html()).contains("<li>2 x Espresso cup (ESPRESSO-CUP) 25.00 USD</li>");
            assertThat(email.from()).isEqualTo("orders@cartwheel.example");
        });
    }

    @Test
    void orderForMoreThanTheStock_endsRejected_withItsEmail_andStockUnchanged() {
        String bob = newCustomer("bob");
        String orderId = pipeline.place(bob, orderBody("pm_card_visa", "ESPRESSO-CUP", 1, "COFFEE-BEANS-1KG", 6));

        pipeline.drain();

        JsonNode order = pipeline.order(bob, orderId);
        assertThat(order.get("status").asText()).isEqualTo("REJECTED");
        assertThat(order.get("unavailableSkus").get(0).asText()).isEqualTo("COFFEE-BEANS-1KG");
        assertThat(pipeline.stock("ESPRESSO-CUP")).as("all or nothing").containsExactly(10, 0, 0);
        assertThat(pipeline.stock("COFFEE-BEANS-1KG")).containsExactly(5, 0, 0);
        assertThat(pipeline.mailTo(bob)).singleElement()
                .satisfies(email -> assertThat(email.text()).contains("Not enough stock for: COFFEE-BEANS-1KG"));
    }

    @Test
    void declinedPayment_endsPaymentFailed_withStockRestored_andItsEmail() {
        String carol = newCustomer("carol");
        String orderId = pipeline.place(carol, orderBody("pm_card_chargeDeclined", "ESPRESSO-CUP", 3));

        pipeline.drain();

        JsonNode order = pipeline.order(carol, orderId);
        assertThat(order.get("status").asText()).isEqualTo("PAYMENT_FAILED");
        assertThat(order.get("history").findValuesAsText("status")).containsExactly("PENDING", "RESERVED", "PAYMENT_FAILED");
        assertThat(pipeline.stock("ESPRESSO-CUP")).containsExactly(10, 0, 0);
        assertThat(pipeline.mailTo(carol)).singleElement()
                .satisfies(email -> assertThat(email.text()).contains("did not go through").contains("generic_decline"));
    }

    @Test
    void poisonMessage_endsInTheDlq_whileItsBatchMatesSucceed() {
        String dave = newCustomer("dave");
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            orderIds.add(pipeline.place(dave, orderBody("pm_card_visa", "ESPRESSO-CUP", 1)));
        }
        pipeline.aws.sqs().sendMessageBatch(b -> b.queueUrl(pipeline.queueUrl("InventoryQueue")).entries(
                SendMessageBatchRequestEntry.builder().id("poison").messageBody("{\"schemaVersion\":99,\"type\":\"OrderPlaced\"}").build()));

        List<PumpResult> deliveries = pipeline.drain();

        assertThat(deliveries).anySatisfy(delivery -> {
            assertThat(delivery.delivered()).hasSizeGreaterThan(1);
            assertThat(delivery.failed()).hasSize(1);
            assertThat(delivery.deleted()).hasSize(delivery.delivered().size() - 1);
        });
        for (String orderId : orderIds) {
            assertThat(pipeline.order(dave, orderId).get("status").asText()).isEqualTo("CONFIRMED");
        }
        List<Message> dead = pipeline.aws.sqs().receiveMessage(b -> b.queueUrl(pipeline.queueUrl("InventoryDeadLetterQueue"))
                .maxNumberOfMessages(10).messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")).messages();
        assertThat(dead).singleElement().satisfies(message -> assertThat(message.body()).contains("\"schemaVersion\":99"));
        assertThat(pipeline.mailTo(dave)).hasSize(4);
    }

    @Test
    void handler_reportsExactlyTheFailedIds_forAnSqsEventFromEventsFolder() {
        SQSEvent event = com.amazonaws.services.lambda.runtime.tests.EventLoader.loadSQSEvent(
                Root.path("events", "inventory-order-placed.json").toString());
        SQSEvent.SQSMessage poison = new SQSEvent.SQSMessage();
        poison.setMessageId("poison-1");
        poison.setBody("not json");
        List<SQSEvent.SQSMessage> records = new ArrayList<>(event.getRecords());
        records.add(poison);
        event.setRecords(records);

        SQSBatchResponse response = pipeline.inventory.handleRequest(event, null);

        // the sample's order does not exist in this fresh stack: it fails too, and nothing is written
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactlyInAnyOrder(event.getRecords().getFirst().getMessageId(), "poison-1");
        assertThat(pipeline.count("OrdersTable")).isZero();
        assertThat(pipeline.depth("PaymentQueue")).isZero();
    }

    @Test
    void sameKeySameBody_returnsTheSameOrder_andCreatesNothingNew() {
        String erin = newCustomer("erin");
        String body = orderBody("pm_card_visa", "ESPRESSO-CUP", 1);
        APIGatewayV2HTTPResponse first = pipeline.checkout.handleRequest(Pipeline.postOrder(erin, erin + "@example.com", "key-erin-0001", body), null);
        APIGatewayV2HTTPResponse again = pipeline.checkout.handleRequest(Pipeline.postOrder(erin, erin + "@example.com", "key-erin-0001", body), null);

        assertThat(first.getStatusCode()).isEqualTo(202);
        assertThat(again.getStatusCode()).isEqualTo(202);
        assertThat(again.getBody()).isEqualTo(first.getBody());
        assertThat(again.getHeaders()).containsEntry("idempotent-replayed", "true")
                .containsEntry("location", first.getHeaders().get("location"));
        assertThat(pipeline.count("OrdersTable")).isEqualTo(1);

        pipeline.drain();
        assertThat(pipeline.stock("ESPRESSO-CUP")).as("the re-sent OrderPlaced reserves nothing twice").containsExactly(9, 0, 1);
        assertThat(pipeline.mailTo(erin)).hasSize(1);
    }

    @Test
    void sameKeyDifferentBody_is409_andWritesNothing() {
        String frank = newCustomer("frank");
        pipeline.checkout.handleRequest(Pipeline.postOrder(frank, frank + "@example.com", "key-frank-001", orderBody("pm_card_visa", "ESPRESSO-CUP", 1)), null);
        APIGatewayV2HTTPResponse conflict = pipeline.checkout.handleRequest(
                Pipeline.postOrder(frank, frank + "@example.com", "key-frank-001", orderBody("pm_card_visa", "ESPRESSO-CUP", 2)), null);

        assertThat(conflict.getStatusCode()).isEqualTo(409);
        assertThat(conflict.getHeaders()).containsEntry("content-type", "application/problem+json");
        assertThat(Pipeline.json(conflict).get("type").asText()).endsWith("/idempotency-key-reused");
        assertThat(pipeline.count("OrdersTable")).isEqualTo(1);
    }

    @Test
    void anotherCustomersOrder_isNotFound_andNeverListed() {
        String grace = newCustomer("grace");
        String mallory = newCustomer("mallory");
        String orderId = pipeline.place(grace, orderBody("pm_card_visa", "ESPRESSO-CUP", 1));

        APIGatewayV2HTTPResponse peek = pipeline.checkout.handleRequest(Pipeline.getOrder(mallory, orderId), null);
        APIGatewayV2HTTPResponse list = pipeline.checkout.handleRequest(Pipeline.listOrders(mallory, null, 10), null);

        assertThat(peek.getStatusCode()).isEqualTo(404);
        assertThat(peek.getBody()).doesNotContain("ESPRESSO");
        assertThat(Pipeline.json(list).get("items")).isEmpty();
    }

    @Test
    void listOrders_isNewestFirst_andPaginatedWithAnOpaqueCursor() {
        String heidi = newCustomer("heidi");
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            placed.add(pipeline.place(heidi, orderBody("pm_card_visa", "ESPRESSO-CUP", 1)));
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = Pipeline.json(pipeline.checkout.handleRequest(Pipeline.listOrders(heidi, cursor, 2), null));
            page.get("items").forEach(item -> listed.add(item.get("orderId").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(listed).containsExactlyElementsOf(placed.reversed());
        assertThat(pages).isGreaterThanOrEqualTo(3);
        APIGatewayV2HTTPResponse foreignCursor = pipeline.checkout.handleRequest(
                Pipeline.listOrders(newCustomer("ivan"), java.util.Base64.getUrlEncoder().encodeToString((heidi + "\nx\ny").getBytes()), 2), null);
        assertThat(foreignCursor.getStatusCode()).isEqualTo(400);
    }

    @Test
    void badInput_getsAProblem_andWritesAndSendsNothing() {
        String judy = newCustomer("judy");
        Map<String, Integer> cases = Map.of(
                "{\"items\":[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\",\"price\":1}", 400,
                orderBody("pm_card_visa", "NO-SUCH-SKU", 1), 422,
                orderBody("pm_card_visa", "ESPRESSO-CUP", 0), 400,
                "{\"items\":[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\"}", 400,
                "{\"items\":[", 400,
                "{\"items\":[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\",\"cardNumber\":\"4242424242424242\"}", 400);
        cases.forEach((body, status) -> {
            APIGatewayV2HTTPResponse response = pipeline.checkout.handleRequest(
                    Pipeline.postOrder(judy, judy + "@example.com", "key-" + java.util.UUID.randomUUID(), body), null);
            assertThat(response.getStatusCode()).as(body).isEqualTo(status);
            assertThat(response.getHeaders()).containsEntry("content-type", "application/problem+json");
            JsonNode problem = Pipeline.json(response);
            assertThat(problem.get("type").asText()).startsWith("https://cartwheel.dev/problems/");
            assertThat(problem.get("status").asInt()).isEqualTo(status);
            assertThat(problem.get("detail").asText()).isNotBlank();
        });
        APIGatewayV2HTTPResponse noEmail = pipeline.checkout.handleRequest(
                Pipeline.postOrder(judy, null, "key-judy-noemail", orderBody("pm_card_visa", "ESPRESSO-CUP", 1)), null);
        assertThat(noEmail.getStatusCode()).isEqualTo(400);
        assertThat(Pipeline.json(noEmail).get("field").asText()).isEqualTo("email");

        assertThat(pipeline.count("OrdersTable")).isZero();
        assertThat(pipeline.count("IdempotencyTable")).isZero();
        assertThat(pipeline.depth("InventoryQueue")).isZero();
    }
}
