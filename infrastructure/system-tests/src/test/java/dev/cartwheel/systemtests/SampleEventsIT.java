package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.IdempotencyRecord;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The files in events/ are what {@code sam local invoke -e} and the local cloud's {@code invoke} are given: each one,
 * fed to its handler as the Lambda runtime would deserialise it, does what its name says to the sample order
 * {@value #SAMPLE_ORDER} (which this test places first, since the files name it).
 */
@ExtendWith(AwsEmulators.class)
class SampleEventsIT {

    private static final String SAMPLE_ORDER = "ord_00000000-0000-4000-8000-000000000001";

    @Test
    void theSqsSampleEvents_takeTheSampleOrderFromPendingToConfirmed_andTheFulfilmentSampleShipsIt(AwsEnvironment aws) {
        // GIVEN the sample order, PENDING, and the catalog set up with the admin's sample PUT /products/{sku} (which
        // creates the product without stock) and sample stock adjustment (+40)
        Pipeline pipeline = new Pipeline(aws);
        APIGatewayV2HTTPResponse put = pipeline.admin.handleRequest(
                EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-put-product.json").toString()), null);
        APIGatewayV2HTTPResponse stocked = pipeline.admin.handleRequest(
                EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-adjust-stock.json").toString()), null);
        new DynamoDbOrderStore(aws.dynamoDb(), pipeline.table("OrdersTable"), null, pipeline.table("IdempotencyTable"))
                .create(Order.place(SAMPLE_ORDER, "alice", "alice@example.com", "corr-sample-0001",
                                List.of(new OrderLine("ESPRESSO-CUP", "Espresso cup", 2, new Money(1250, "USD"))),
                                "pm_card_visa", Instant.now()),
                        new IdempotencyRecord("checkout#alice#sample", "hash", SAMPLE_ORDER, Instant.now().plusSeconds(3600)));

        // WHEN each SQS sample is delivered to its step, in pipeline order
        SQSBatchResponse placed = pipeline.inventory.handleRequest(
                EventLoader.loadSQSEvent(Root.path("events", "inventory-order-placed.json").toString()), null);
        OrderStatus afterInventory = status(pipeline);
        SQSBatchResponse reserved = pipeline.payment.handleRequest(
                EventLoader.loadSQSEvent(Root.path("events", "payment-stock-reserved.json").toString()), null);
        OrderStatus afterPayment = status(pipeline);
        SQSBatchResponse paid = pipeline.email.handleRequest(
                EventLoader.loadSQSEvent(Root.path("events", "email-order-paid.json").toString()), null);
        OrderStatus afterEmail = status(pipeline);
        APIGatewayV2HTTPResponse fulfilled = pipeline.admin.handleRequest(
                EventLoader.loadApiGatewayHttpEvent(Root.path("events", "admin-fulfil-order.json").toString()), null);
        SQSBatchResponse shipped = pipeline.email.handleRequest(
                EventLoader.loadSQSEvent(Root.path("events", "email-order-fulfilled.json").toString()), null);

        // THEN
        assertThat(put.getStatusCode()).as(put.getBody()).isEqualTo(201);
        assertThat(put.getHeaders()).containsEntry("etag", "\"1\"");
        assertThat(stocked.getStatusCode()).as(stocked.getBody()).isEqualTo(201);
        assertThat(List.of(placed, reserved, paid, shipped)).allSatisfy(response ->
                assertThat(response.getBatchItemFailures()).isEmpty());
        assertThat(afterInventory).isEqualTo(OrderStatus.RESERVED);
        assertThat(afterPayment).isEqualTo(OrderStatus.PAID);
        assertThat(afterEmail).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(fulfilled.getStatusCode()).as(fulfilled.getBody()).isEqualTo(200);
        assertThat(fulfilled.getBody()).contains("\"trackingNumber\":\"1Z999AA10123456784\"");
        assertThat(status(pipeline)).isEqualTo(OrderStatus.FULFILLED);
        assertThat(pipeline.stock("ESPRESSO-CUP")).as("the sample adjustment added 40 units").containsExactly(38, 0, 2);
        assertThat(aws.mailbox().messagesTo("alice@example.com")).extracting(mail -> mail.subject())
                .filteredOn(subject -> subject.contains(SAMPLE_ORDER)).containsExactly(
                "Your order is confirmed (" + SAMPLE_ORDER + ")", "Your order is on its way (" + SAMPLE_ORDER + ")");
    }

    private static OrderStatus status(Pipeline pipeline) {
        return new DynamoDbOrderStore(pipeline.aws.dynamoDb(), pipeline.table("OrdersTable"), null, null)
                .find(SAMPLE_ORDER).orElseThrow().status();
    }
}
