package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 12, items 8 and 11, through the real handlers and adapters on the emulators: a customer holds at most
 * MaxOpenOrdersPerCustomer unpaid orders and at most a product's maxPerOrder units of it per order; a customer sees
 * their order without admins' idempotency keys or provider decline codes; the customer index holds no e-mail address
 * or payment token; a token that says its e-mail address is unverified places no order.
 */
@ExtendWith(AwsEmulators.class)
class CustomerLimitsIT {

    private static final String CUP = "ESPRESSO-CUP";

    @Test
    void beyondMaxOpenOrdersPerCustomer_aNewOrderIs429AndWritesNothing_aRetryReplays_andPaidOrdersFreeTheSlots(AwsEnvironment aws) {
        // GIVEN a limit of 2 and a customer with two unpaid (not yet processed) orders
        Pipeline pipeline = new Pipeline(aws, Map.of("MaxOpenOrdersPerCustomer", "2"), Pipeline::composed);
        pipeline.seed(CUP, "Espresso cup", 1250, 100);
        String hoarder = newCustomer("hoarder");
        String secondKey = "key-" + UUID.randomUUID();
        pipeline.place(hoarder, orderBody("pm_card_visa", CUP, 1));
        APIGatewayV2HTTPResponse second = post(pipeline, hoarder, secondKey, orderBody("pm_card_visa", CUP, 1));
        int ordersBefore = pipeline.count("OrdersTable");
        int inventoryBefore = pipeline.depth("InventoryQueue");

        // WHEN a third is placed, the second is retried, and another customer orders
        APIGatewayV2HTTPResponse third = post(pipeline, hoarder, "key-" + UUID.randomUUID(), orderBody("pm_card_visa", CUP, 1));
        APIGatewayV2HTTPResponse retry = post(pipeline, hoarder, secondKey, orderBody("pm_card_visa", CUP, 1));
        String other = newCustomer("other");
        APIGatewayV2HTTPResponse others = post(pipeline, other, "key-" + UUID.randomUUID(), orderBody("pm_card_visa", CUP, 1));

        // THEN
        assertThat(second.getStatusCode()).isEqualTo(202);
        assertThat(third.getStatusCode()).as(third.getBody()).isEqualTo(429);
        assertThat(third.getHeaders()).containsEntry("content-type", "application/problem+json");
        assertThat(Pipeline.json(third).get("type").asText()).endsWith("/too-many-open-orders");
        assertThat(retry.getStatusCode()).as("a retry of an order already placed replays").isEqualTo(202);
        assertThat(retry.getHeaders()).containsEntry("idempotent-replayed", "true");
        assertThat(others.getStatusCode()).as("the limit is per customer").isEqualTo(202);
        assertThat(pipeline.count("OrdersTable")).as("the refused order wrote nothing").isEqualTo(ordersBefore + 1);
        assertThat(pipeline.depth("InventoryQueue")).as("only the retry and the other customer's order were sent")
                .isEqualTo(inventoryBefore + 2);

        // AND once the open orders are paid, the customer may order again
        pipeline.drain();
        assertThat(post(pipeline, hoarder, "key-" + UUID.randomUUID(), orderBody("pm_card_visa", CUP, 1)).getStatusCode())
                .isEqualTo(202);
    }

    @Test
    void aLineAboveTheProductsMaxPerOrder_is400NamingTheLine_andWritesNothing(AwsEnvironment aws) {
        // GIVEN a limited grinder (max 2 per order), set by an admin at the seeded product's ETag "0"
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed(CUP, "Espresso cup", 1250, 100);
        pipeline.seed("GRINDER", "Grinder", 20000, 100);
        APIGatewayV2HTTPResponse limited = pipeline.admin.handleRequest(putProduct("GRINDER", "\"0\"",
                "{\"name\":\"Grinder\",\"price\":{\"amount\":20000,\"currency\":\"USD\"},\"maxPerOrder\":2}"), null);
        int ordersBefore = pipeline.count("OrdersTable");

        // WHEN
        APIGatewayV2HTTPResponse three = post(pipeline, newCustomer("greedy"), "key-" + UUID.randomUUID(),
                orderBody("pm_card_visa", CUP, 5, "GRINDER", 3));
        APIGatewayV2HTTPResponse two = post(pipeline, newCustomer("fair"), "key-" + UUID.randomUUID(),
                orderBody("pm_card_visa", CUP, 5, "GRINDER", 2));

        // THEN
        assertThat(limited.getStatusCode()).as(limited.getBody()).isEqualTo(200);
        assertThat(limited.getHeaders()).containsEntry("etag", "\"1\"");
        assertThat(three.getStatusCode()).as(three.getBody()).isEqualTo(400);
        assertThat(Pipeline.json(three).get("field").asText()).isEqualTo("/items/1/quantity");
        assertThat(Pipeline.json(three).get("detail").asText()).contains("at most 2");
        assertThat(two.getStatusCode()).isEqualTo(202);
        assertThat(pipeline.count("OrdersTable")).isEqualTo(ordersBefore + 1);
        assertThat(pipeline.stock("GRINDER")).as("the edit kept the stock").containsExactly(100, 0, 0);
    }

    @Test
    void aCustomerSeesNoAdminKeysOrDeclineCodes_andTheCustomerIndexHoldsNoEmailOrPaymentToken(AwsEnvironment aws) {
        // GIVEN a refunded order and a declined one
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed(CUP, "Espresso cup", 1250, 100);
        String ida = newCustomer("ida");
        String refunded = pipeline.place(ida, orderBody("pm_card_visa", CUP, 2));
        String declined = pipeline.place(ida, orderBody("pm_card_chargeDeclined", CUP, 1));
        pipeline.drain();
        String adminKey = "refund-key-" + UUID.randomUUID();
        assertThat(pipeline.refund(refunded, adminKey, 500, "one cup arrived chipped").getStatusCode()).isEqualTo(201);

        // WHEN
        JsonNode view = pipeline.order(ida, refunded);
        JsonNode declinedView = pipeline.order(ida, declined);
        List<Map<String, AttributeValue>> indexed = aws.dynamoDb().query(b -> b.tableName(pipeline.table("OrdersTable"))
                .indexName("byCustomer").keyConditionExpression("customerId = :c")
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(ida)))).items();
        APIGatewayV2HTTPResponse list = pipeline.checkout.handleRequest(Pipeline.listOrders(ida, null, 10), null);

        // THEN the customer's view
        assertThat(view.get("refunds")).singleElement().satisfies(refund -> {
            assertThat(refund.has("idempotencyKey")).isFalse();
            assertThat(refund.get("amount").get("amount").asLong()).isEqualTo(500);
        });
        assertThat(view.toString()).doesNotContain(adminKey).doesNotContain("pm_card_visa").doesNotContain(ida + "@example.com");
        assertThat(declinedView.get("status").asText()).isEqualTo("PAYMENT_FAILED");
        assertThat(declinedView.toString()).doesNotContain("card_declined").doesNotContain("pm_card_chargeDeclined");
        // AND the index
        assertThat(indexed).hasSize(2).allSatisfy(item -> assertThat(item.keySet())
                .containsExactlyInAnyOrder("orderId", "customerId", "createdAt", "status", "total"));
        assertThat(list.getStatusCode()).isEqualTo(200);
        assertThat(Pipeline.json(list).get("items")).hasSize(2).allSatisfy(item ->
                assertThat(item.get("total").get("amount").asLong()).isPositive());
    }

    @Test
    void aTokenSayingTheEmailIsUnverified_placesNoOrder_oneSayingVerifiedOrNothing_does(AwsEnvironment aws) {
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed(CUP, "Espresso cup", 1250, 100);
        int ordersBefore = pipeline.count("OrdersTable");
        Map<String, APIGatewayV2HTTPResponse> responses = new LinkedHashMap<>();
        for (String verified : new String[] {"false", "true", null}) {
            String customer = newCustomer("v" + verified);
            APIGatewayV2HTTPEvent event = Pipeline.postOrder(customer, customer + "@example.com", "key-" + UUID.randomUUID(),
                    orderBody("pm_card_visa", CUP, 1));
            Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
            if (verified == null) {
                claims.remove("email_verified");
            } else {
                claims.put("email_verified", verified);
            }
            event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
            responses.put(String.valueOf(verified), pipeline.checkout.handleRequest(event, null));
        }

        assertThat(responses.get("false").getStatusCode()).as(responses.get("false").getBody()).isEqualTo(403);
        assertThat(Pipeline.json(responses.get("false")).get("type").asText()).endsWith("/email-unverified");
        assertThat(responses.get("true").getStatusCode()).isEqualTo(202);
        assertThat(responses.get("null").getStatusCode()).isEqualTo(202);
        assertThat(pipeline.count("OrdersTable")).isEqualTo(ordersBefore + 2);
    }

    private static APIGatewayV2HTTPResponse post(Pipeline pipeline, String customer, String key, String body) {
        return pipeline.checkout.handleRequest(Pipeline.postOrder(customer, customer + "@example.com", key, body), null);
    }

    /** A {@code PUT /products/{sku}} event from events/admin-put-product.json, with {@code If-Match}. */
    static APIGatewayV2HTTPEvent putProduct(String sku, String ifMatch, String body) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-put-product.json").toString());
        event.setPathParameters(Map.of("sku", sku));
        event.setRawPath("/products/" + sku);
        event.getRequestContext().getHttp().setPath("/products/" + sku);
        Map<String, String> headers = new LinkedHashMap<>(event.getHeaders());
        headers.remove("if-none-match");
        headers.put("if-match", ifMatch);
        event.setHeaders(headers);
        event.setBody(body);
        return event;
    }

    /** A {@code POST /products/{sku}/stock-adjustments} event from events/admin-adjust-stock.json. */
    static APIGatewayV2HTTPEvent adjustStock(String sku, String key, long delta, String reason) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-adjust-stock.json").toString());
        event.setPathParameters(Map.of("sku", sku));
        event.setRawPath("/products/" + sku + "/stock-adjustments");
        event.getRequestContext().getHttp().setPath("/products/" + sku + "/stock-adjustments");
        event.getRequestContext().setRequestId(UUID.randomUUID().toString());
        Map<String, String> headers = new LinkedHashMap<>(event.getHeaders());
        headers.put("idempotency-key", key);
        event.setHeaders(headers);
        event.setBody("{\"delta\":" + delta + ",\"reason\":\"" + reason + "\"}");
        return event;
    }

}
