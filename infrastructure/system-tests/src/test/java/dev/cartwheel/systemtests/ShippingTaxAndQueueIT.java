package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Addresses, shipping methods, taxes and the fulfilment queue through the real handlers, DynamoDB and the template's
 * tables and indexes: what checkout freezes on an order, what an admin's later change leaves alone, free shipping, a
 * country the shop does not ship to, the queue's pages, and who may use which route.
 */
@ExtendWith(AwsEmulators.class)
class ShippingTaxAndQueueIT {

    static final String BOOK = "BARISTA-HANDBOOK";
    static final String CUP = "ESPRESSO-CUP";
    static final String BERLIN = "{\"name\":\"Erin Müller\",\"line1\":\"Straße des 17. Juni 135\",\"city\":\"Berlin\","
            + "\"postalCode\":\"10623\",\"country\":\"DE\",\"phone\":\"+49 30 1234567\"}";
    static final String SAN_FRANCISCO = "{\"name\":\"Ada Lovelace\",\"line1\":\"1 Market Street\",\"city\":\"San Francisco\","
            + "\"region\":\"CA\",\"postalCode\":\"94105\",\"country\":\"US\"}";
    static final String ADMIN = "inventory/admin";

    /** A pipeline with a DE/US shop: standard shipping (free from 50.00), express, German VAT with books at 7%. */
    static Pipeline shop(AwsEnvironment aws) {
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed(CUP, "Espresso cup", 1250, 100);
        APIGatewayV2HTTPResponse book = pipeline.admin.handleRequest(admin("PUT /products/{sku}", "/products/" + BOOK,
                Map.of("sku", BOOK), null, "{\"name\":\"The barista's handbook\",\"price\":{\"amount\":2900,\"currency\":\"USD\"},"
                        + "\"taxCategory\":\"books\"}", ADMIN), null);
        assertThat(book.getStatusCode()).as(book.getBody()).isEqualTo(201);
        assertThat(Pipeline.json(book).get("taxCategory").asText()).isEqualTo("books");
        APIGatewayV2HTTPEvent delivery = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-adjust-stock.json").toString());
        delivery.setRawPath("/products/" + BOOK + "/stock-adjustments");
        delivery.setPathParameters(Map.of("sku", BOOK));
        delivery.setBody("{\"delta\":100,\"reason\":\"first delivery\"}");
        APIGatewayV2HTTPResponse stocked = pipeline.admin.handleRequest(delivery, null);
        assertThat(stocked.getStatusCode()).as(stocked.getBody()).isEqualTo(201);
        ok(pipeline.admin.handleRequest(putMethod("standard", "{\"name\":\"Standard\",\"zones\":["
                + "{\"name\":\"US\",\"countries\":[\"US\"],\"price\":{\"amount\":599,\"currency\":\"USD\"}},"
                + "{\"name\":\"Europe\",\"countries\":[\"DE\",\"FR\"],\"price\":{\"amount\":1999,\"currency\":\"USD\"}}],"
                + "\"freeAbove\":{\"amount\":5000,\"currency\":\"USD\"},\"deliveryEstimate\":{\"minDays\":3,\"maxDays\":7}}", ADMIN), null));
        ok(pipeline.admin.handleRequest(putMethod("express", "{\"name\":\"Express\",\"zones\":["
                + "{\"name\":\"US\",\"countries\":[\"US\"],\"price\":{\"amount\":1999,\"currency\":\"USD\"}}],"
                + "\"deliveryEstimate\":{\"minDays\":1,\"maxDays\":2}}", ADMIN), null));
        ok(pipeline.admin.handleRequest(putRates("DE", "{\"standard\":\"19\",\"categories\":{\"books\":\"7\"}}", ADMIN), null));
        ok(pipeline.admin.handleRequest(putRates("US", "{\"standard\":\"0\",\"regions\":{\"CA\":{\"standard\":\"7.25\"}}}", ADMIN), null));
        return pipeline;
    }

    @Test
    void checkoutFreezesPricesAndRates_aLaterPriceOrRateChangeLeavesThePlacedOrderAlone(AwsEnvironment aws) {
        // GIVEN an order to Berlin: a book (7%) and two cups (19%), standard shipping (19%)
        Pipeline pipeline = shop(aws);
        String erin = newCustomer("erin");
        String orderId = pipeline.place(erin, body(BERLIN, "standard", BOOK, 1, CUP, 1));
        JsonNode placed = pipeline.order(erin, orderId);

        // THEN net prices taxed per line and on shipping, rounded half up, parts adding up to what is authorized
        // book 29.00 * 7% = 2.03; cup 12.50 * 19% = 2.375 -> 2.38; shipping 19.99 * 19% = 3.7981 -> 3.80
        assertThat(placed.get("subtotal").get("amount").asLong()).isEqualTo(2900 + 1250);
        assertThat(placed.get("shipping").get("amount").asLong()).isEqualTo(1999);
        assertThat(placed.get("tax").get("amount").asLong()).isEqualTo(203 + 238 + 380);
        assertThat(placed.get("total").get("amount").asLong()).isEqualTo(2900 + 1250 + 1999 + 203 + 238 + 380);
        assertThat(placed.get("tax").get("breakdown")).hasSize(2);
        assertThat(placed.get("tax").get("breakdown").get(0).get("category").asText()).isEqualTo("books");
        assertThat(placed.get("tax").get("breakdown").get(0).get("rate").asText()).isEqualTo("7");
        assertThat(placed.get("tax").get("breakdown").get(1).get("rate").asText()).isEqualTo("19");
        assertThat(placed.get("tax").get("breakdown").get(1).get("taxable").get("amount").asLong()).isEqualTo(1250 + 1999);
        assertThat(placed.get("shippingMethod").get("id").asText()).isEqualTo("standard");
        assertThat(placed.get("shippingAddress").get("city").asText()).isEqualTo("Berlin");
        assertThat(placed.get("shippingAddress").get("name").asText()).isEqualTo("Erin Müller");
        long total = placed.get("total").get("amount").asLong();

        // WHEN an admin raises the book's price and Germany's rates, then the order is paid
        ok(pipeline.admin.handleRequest(ifMatch(admin("PUT /products/{sku}", "/products/" + BOOK, Map.of("sku", BOOK), null,
                "{\"name\":\"The barista's handbook\",\"price\":{\"amount\":9900,\"currency\":\"USD\"},"
                        + "\"taxCategory\":\"books\"}", ADMIN), etag(pipeline, BOOK)), null));
        ok(pipeline.admin.handleRequest(putRates("DE", "{\"standard\":\"25\",\"categories\":{\"books\":\"25\"}}", ADMIN), null));
        pipeline.drain();

        // THEN the placed order is unchanged and the provider authorized and captured its frozen total
        JsonNode after = pipeline.order(erin, orderId);
        assertThat(after.get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(after.get("total").get("amount").asLong()).isEqualTo(total);
        assertThat(after.get("tax")).isEqualTo(placed.get("tax"));
        assertThat(after.get("items")).isEqualTo(placed.get("items"));
        assertThat(pipeline.paymentAmounts(orderId).values()).isNotEmpty().allSatisfy(amount -> assertThat(amount).isEqualTo(total));
        // AND the next order pays the new price and rates
        String next = pipeline.place(erin, body(BERLIN, "standard", BOOK, 1));
        JsonNode nextOrder = pipeline.order(erin, next);
        assertThat(nextOrder.get("subtotal").get("amount").asLong()).isEqualTo(9900);
        assertThat(nextOrder.get("shipping").get("amount").asLong()).as("free from 50.00").isZero();
        assertThat(nextOrder.get("tax").get("amount").asLong()).isEqualTo(2475);
    }

    @Test
    void shippingIsFreeAtTheThreshold_regionsHaveTheirRate_andAUSAddressWithoutARegionPaysTheCountrysRate(AwsEnvironment aws) {
        Pipeline pipeline = shop(aws);
        String ada = newCustomer("ada");
        // 3 cups = 37.50 < 50.00: 5.99 shipping; 4 cups = 50.00: free
        JsonNode below = pipeline.order(ada, pipeline.place(ada, body(SAN_FRANCISCO, "standard", CUP, 3)));
        JsonNode at = pipeline.order(ada, pipeline.place(ada, body(SAN_FRANCISCO, "standard", CUP, 4)));
        JsonNode express = pipeline.order(ada, pipeline.place(ada, body(SAN_FRANCISCO, "express", CUP, 4)));
        JsonNode noRegion = pipeline.order(ada, pipeline.place(ada, body(Pipeline.ADDRESS, "standard", CUP, 1)));

        assertThat(below.get("shipping").get("amount").asLong()).isEqualTo(599);
        // California 7.25%: 37.50 -> 2.71875 -> 2.72; 5.99 -> 0.434275 -> 0.43
        assertThat(below.get("tax").get("amount").asLong()).isEqualTo(272 + 43);
        assertThat(at.get("shipping").get("amount").asLong()).isZero();
        assertThat(at.get("tax").get("amount").asLong()).isEqualTo(363); // 50.00 * 7.25% = 3.625 -> 3.63
        assertThat(at.get("tax").get("breakdown")).hasSize(1);
        assertThat(express.get("shipping").get("amount").asLong()).as("express has no threshold").isEqualTo(1999);
        assertThat(noRegion.get("tax").get("amount").asLong()).isZero();
        for (JsonNode order : List.of(below, at, express, noRegion)) {
            assertThat(order.get("subtotal").get("amount").asLong() + order.get("shipping").get("amount").asLong()
                    + order.get("tax").get("amount").asLong()).isEqualTo(order.get("total").get("amount").asLong());
        }
    }

    @Test
    void aCountryTheShopDoesNotShipTo_isA400NamingTheField_andWritesNothing(AwsEnvironment aws) {
        Pipeline pipeline = shop(aws);
        String bo = newCustomer("bo");
        String brazil = "{\"name\":\"Bo\",\"line1\":\"Av. Paulista 1000\",\"city\":\"São Paulo\",\"postalCode\":\"01310-100\",\"country\":\"BR\"}";
        APIGatewayV2HTTPResponse notShipped = pipeline.checkout.handleRequest(Pipeline.postOrder(bo, bo + "@example.com",
                "key-" + UUID.randomUUID(), body(brazil, "standard", CUP, 1)), null);
        APIGatewayV2HTTPResponse notThatWay = pipeline.checkout.handleRequest(Pipeline.postOrder(bo, bo + "@example.com",
                "key-" + UUID.randomUUID(), body(BERLIN, "express", CUP, 1)), null);

        assertThat(notShipped.getStatusCode()).isEqualTo(400);
        assertThat(notShipped.getHeaders()).containsEntry("content-type", "application/problem+json");
        assertThat(Pipeline.json(notShipped).get("field").asText()).isEqualTo("/shippingAddress/country");
        assertThat(Pipeline.json(notShipped).get("type").asText()).endsWith("/not-shipped-to");
        assertThat(notThatWay.getStatusCode()).isEqualTo(400);
        assertThat(Pipeline.json(notThatWay).get("field").asText()).isEqualTo("/shippingMethod");
        assertThat(notShipped.getBody() + notThatWay.getBody()).doesNotContain("Paulista", "Müller");
        assertThat(pipeline.count("OrdersTable")).isZero();
        assertThat(pipeline.count("ShippingAddressesTable")).isZero();
        assertThat(pipeline.count("IdempotencyTable")).isZero();
        assertThat(pipeline.depth("InventoryQueue")).isZero();
        // AND the public list says which methods do go there
        APIGatewayV2HTTPResponse toGermany = pipeline.catalog.handleRequest(listMethods("DE"), null);
        assertThat(toGermany.getStatusCode()).isEqualTo(200);
        assertThat(Pipeline.json(toGermany).get("items").findValuesAsText("id")).containsExactly("standard");
        assertThat(Pipeline.json(toGermany).get("items").get(0).get("price").get("amount").asLong()).isEqualTo(1999);
        assertThat(Pipeline.json(pipeline.catalog.handleRequest(listMethods("BR"), null)).get("items")).isEmpty();
    }

    @Test
    void theFulfilmentQueue_pagesOldestFirst_throughAnIndex_withACursorBoundToTheQuery(AwsEnvironment aws) {
        // GIVEN five confirmed orders of two customers, and one rejected
        Pipeline pipeline = shop(aws);
        String ann = newCustomer("ann");
        String ben = newCustomer("ben");
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            placed.add(pipeline.place(i % 2 == 0 ? ann : ben, body(i % 2 == 0 ? SAN_FRANCISCO : BERLIN, "standard", CUP, 1)));
            pipeline.drain();
        }
        pipeline.place(ann, body(SAN_FRANCISCO, "standard", CUP, 100));
        pipeline.drain();

        // WHEN the warehouse reads the queue two at a time
        List<JsonNode> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            APIGatewayV2HTTPResponse page = pipeline.admin.handleRequest(queue("CONFIRMED", cursor, 2, "orders/read orders/admin"), null);
            assertThat(page.getStatusCode()).as(page.getBody()).isEqualTo(200);
            JsonNode body = Pipeline.json(page);
            assertThat(body.get("items").size()).isLessThanOrEqualTo(2);
            body.get("items").forEach(seen::add);
            cursor = body.get("nextCursor").isNull() ? null : body.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);

        // THEN every confirmed order once, oldest first, each with its lines, method and address
        assertThat(seen).extracting(item -> item.get("orderId").asText()).containsExactlyElementsOf(placed);
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(seen.getFirst().get("shippingAddress").get("city").asText()).isEqualTo("San Francisco");
        assertThat(seen.get(1).get("shippingAddress").get("postalCode").asText()).isEqualTo("10623");
        assertThat(seen.get(1).get("shippingMethod").get("id").asText()).isEqualTo("standard");
        assertThat(seen.get(1).get("items").get(0).get("sku").asText()).isEqualTo(CUP);
        // AND a cursor of CONFIRMED does not page another status, and a forged one is refused
        String first = Pipeline.json(pipeline.admin.handleRequest(queue("CONFIRMED", null, 2, "orders/admin"), null))
                .get("nextCursor").asText();
        APIGatewayV2HTTPResponse otherQuery = pipeline.admin.handleRequest(queue("AUTHORIZED", first, 2, "orders/admin"), null);
        assertThat(otherQuery.getStatusCode()).isEqualTo(400);
        assertThat(Pipeline.json(otherQuery).get("type").asText()).endsWith("/invalid-cursor");
        assertThat(pipeline.admin.handleRequest(queue("CONFIRMED", "bm90IGEgY3Vyc29y", 2, "orders/admin"), null).getStatusCode())
                .isEqualTo(400);
        assertThat(pipeline.admin.handleRequest(queue("SHIPPED-ISH", null, 2, "orders/admin"), null).getStatusCode()).isEqualTo(400);
        assertThat(pipeline.admin.handleRequest(queue("REJECTED", null, 2, "orders/admin"), null).getStatusCode())
                .as("only orders awaiting shipment are queued").isEqualTo(400);
        assertThat(Pipeline.json(pipeline.admin.handleRequest(queue("AUTHORIZED", null, 10, "orders/admin"), null)).get("items"))
                .as("captured on authorization: nothing waits authorized").isEmpty();
        // AND a shipped order leaves the queue
        pipeline.fulfil(placed.getFirst(), null);
        pipeline.drain();
        assertThat(Pipeline.json(pipeline.admin.handleRequest(queue("CONFIRMED", null, 10, "orders/admin"), null)).get("items")
                .findValuesAsText("orderId")).containsExactlyElementsOf(placed.subList(1, placed.size()));
    }

    @Test
    void everyNewRoute_refusesACustomer_andNoCustomerSeesAnothersAddress(AwsEnvironment aws) {
        Pipeline pipeline = shop(aws);
        String ann = newCustomer("ann");
        String mallory = newCustomer("mallory");
        String orderId = pipeline.place(ann, body(BERLIN, "standard", CUP, 1));
        pipeline.drain();
        String customer = "orders/read orders/write";

        // the admin routes, with a customer's token: 403, and nothing changed
        APIGatewayV2HTTPResponse queue = pipeline.admin.handleRequest(Pipeline.withGroups(queue("CONFIRMED", null, 10, customer)), null);
        APIGatewayV2HTTPResponse method = pipeline.admin.handleRequest(Pipeline.withGroups(putMethod("standard", "{\"name\":\"Free\",\"zones\":["
                + "{\"name\":\"all\",\"countries\":[\"US\",\"BR\"],\"price\":{\"amount\":0,\"currency\":\"USD\"}}],"
                + "\"deliveryEstimate\":{\"minDays\":1,\"maxDays\":1}}", customer)), null);
        APIGatewayV2HTTPResponse rates = pipeline.admin.handleRequest(Pipeline.withGroups(putRates("DE", "{\"standard\":\"0\"}", customer)), null);
        APIGatewayV2HTTPResponse ratesAsOrdersAdmin = pipeline.admin.handleRequest(putRates("DE", "{\"standard\":\"0\"}", "orders/admin"), null);
        APIGatewayV2HTTPResponse queueAsInventoryAdmin = pipeline.admin.handleRequest(queue("CONFIRMED", null, 10, ADMIN), null);
        // the right scope but not in the admin group: 403 as well (AdminFunction checks both on every route)
        APIGatewayV2HTTPResponse ratesOutsideGroup = pipeline.admin.handleRequest(Pipeline.withGroups(
                putRates("DE", "{\"standard\":\"0\"}", ADMIN), "support"), null);
        APIGatewayV2HTTPResponse methodOutsideGroup = pipeline.admin.handleRequest(Pipeline.withGroups(putMethod("standard",
                "{\"name\":\"Free\",\"zones\":[{\"name\":\"all\",\"countries\":[\"US\",\"BR\"],\"price\":{\"amount\":0,"
                        + "\"currency\":\"USD\"}}],\"deliveryEstimate\":{\"minDays\":1,\"maxDays\":1}}", ADMIN)), null);
        APIGatewayV2HTTPResponse queueOutsideGroup = pipeline.admin.handleRequest(Pipeline.withGroups(
                queue("CONFIRMED", null, 10, "orders/read orders/admin")), null);
        // and the functions that held these routes before no longer answer them
        APIGatewayV2HTTPResponse catalogPut = pipeline.catalog.handleRequest(putRates("DE", "{\"standard\":\"0\"}", ADMIN), null);
        APIGatewayV2HTTPResponse checkoutQueue = pipeline.checkout.handleRequest(queue("CONFIRMED", null, 10, "orders/admin"), null);
        assertThat(List.of(catalogPut.getStatusCode(), checkoutQueue.getStatusCode())).containsOnly(404);
        for (APIGatewayV2HTTPResponse r : List.of(queue, method, rates, ratesAsOrdersAdmin, queueAsInventoryAdmin,
                ratesOutsideGroup, methodOutsideGroup, queueOutsideGroup)) {
            assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(403);
            assertThat(r.getBody()).doesNotContain("Müller", "10623");
        }
        assertThat(Pipeline.json(pipeline.catalog.handleRequest(listMethods("DE"), null)).get("items").get(0).get("price")
                .get("amount").asLong()).isEqualTo(1999);
        String next = pipeline.place(ann, body(BERLIN, "standard", CUP, 1));
        assertThat(pipeline.order(ann, next).get("tax").get("amount").asLong()).as("19% still").isEqualTo(238 + 380);

        // another customer's order: 404, exactly like one that does not exist, and never its address
        APIGatewayV2HTTPResponse stolen = pipeline.checkout.handleRequest(Pipeline.getOrder(mallory, orderId), null);
        assertThat(stolen.getStatusCode()).isEqualTo(404);
        assertThat(stolen.getBody()).doesNotContain("Müller", "Berlin", "10623");
        // the owner's list (read from the byCustomer index) carries no address either
        APIGatewayV2HTTPResponse list = pipeline.checkout.handleRequest(Pipeline.listOrders(ann, null, 10), null);
        assertThat(list.getBody()).contains(orderId).doesNotContain("Müller", "Berlin", "10623", "shippingAddress");
        // and the address is in no order item, so in no index projection and no stream image
        Map<String, AttributeValue> item = aws.dynamoDb().getItem(g -> g.tableName(pipeline.table("OrdersTable"))
                .key(Map.of("orderId", AttributeValue.fromS(orderId)))).item();
        assertThat(item.toString()).contains("DE").doesNotContain("Müller", "Straße", "10623", "+49");
        assertThat(pipeline.count("ShippingAddressesTable")).isEqualTo(2);
        // the shipping notice does carry it, to its owner
        pipeline.fulfil(orderId, "1Z999AA10123456784");
        pipeline.drain();
        assertThat(pipeline.mailTo(ann)).anySatisfy(mail -> assertThat(mail.text()).contains("Erin Müller", "Straße des 17. Juni 135",
                "10623 Berlin", "Standard"));
    }

    // ------------------------------------------------------------------ requests

    static void ok(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    }

    static String body(String address, String method, Object... skuQuantityPairs) {
        String items = Pipeline.orderBody("pm_card_visa", skuQuantityPairs);
        return items.substring(0, items.indexOf(",\"shippingAddress\"")) + ",\"shippingAddress\":" + address
                + ",\"shippingMethod\":\"" + method + "\"}";
    }

    /**
     * An HTTP API event from events/admin-put-product.json (a caller in the admin group), as {@code routeKey} on
     * {@code path} by a caller with {@code scopes}.
     */
    static APIGatewayV2HTTPEvent admin(String routeKey, String path, Map<String, String> pathParameters, Map<String, String> query,
                                       String body, String scopes) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-put-product.json").toString());
        event.setRouteKey(routeKey);
        event.setRawPath(path);
        event.getRequestContext().setRouteKey(routeKey);
        event.getRequestContext().getHttp().setMethod(routeKey.substring(0, routeKey.indexOf(' ')));
        event.getRequestContext().getHttp().setPath(path);
        event.getRequestContext().setRequestId(UUID.randomUUID().toString());
        event.setPathParameters(pathParameters);
        event.setQueryStringParameters(query);
        event.setBody(body);
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.put("scope", scopes);
        claims.put("sub", "caller-" + scopes.hashCode());
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        return event;
    }

    static APIGatewayV2HTTPEvent putMethod(String id, String body, String scopes) {
        return admin("PUT /shipping-methods/{id}", "/shipping-methods/" + id, Map.of("id", id), null, body, scopes);
    }

    static APIGatewayV2HTTPEvent putRates(String country, String body, String scopes) {
        return admin("PUT /tax-rates/{country}", "/tax-rates/" + country, Map.of("country", country), null, body, scopes);
    }

    static APIGatewayV2HTTPEvent listMethods(String country) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(
                Root.path("events", "catalog-list-shipping-methods.json").toString());
        event.setQueryStringParameters(Map.of("country", country));
        return event;
    }

    static APIGatewayV2HTTPEvent queue(String status, String cursor, int limit, String scopes) {
        Map<String, String> query = new HashMap<>(Map.of("status", status, "limit", Integer.toString(limit)));
        if (cursor != null) {
            query.put("cursor", cursor);
        }
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-list-orders.json").toString());
        event.setQueryStringParameters(query);
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.put("scope", scopes);
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        return event;
    }

    /** The event with {@code If-Match: etag} instead of {@code If-None-Match: *}: an update at that version. */
    static APIGatewayV2HTTPEvent ifMatch(APIGatewayV2HTTPEvent event, String etag) {
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.remove("if-none-match");
        headers.put("if-match", etag);
        event.setHeaders(headers);
        return event;
    }

    /** The product's current {@code ETag}, as {@code GET /products/{sku}} answers it. */
    static String etag(Pipeline pipeline, String sku) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Root.path("events", "catalog-list-products.json").toString());
        event.setRouteKey("GET /products/{sku}");
        event.setRawPath("/products/" + sku);
        event.getRequestContext().setRouteKey("GET /products/{sku}");
        event.getRequestContext().getHttp().setPath("/products/" + sku);
        event.setQueryStringParameters(null);
        event.setPathParameters(Map.of("sku", sku));
        APIGatewayV2HTTPResponse response = pipeline.catalog.handleRequest(event, null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return response.getHeaders().get("etag");
    }
}
