package dev.cartwheel.inventory;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.cartwheel.aws.AwsClientSettings;
import dev.cartwheel.aws.dynamodb.DynamoDbClients;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.aws.lambda.SqsBatch;
import dev.cartwheel.aws.lambda.StructuredLog;
import dev.cartwheel.aws.sqs.SqsClients;
import dev.cartwheel.aws.sqs.SqsStepPublisher;
import dev.cartwheel.core.inventory.InventoryService;
import dev.cartwheel.core.messaging.Step;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The inventory step, triggered by the inventory queue ({@code OrderPlaced}). */
public final class InventoryHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final InventoryService inventory;
    private final SqsBatch batch;

    public InventoryHandler() {
        this(compose(AwsClientSettings.fromEnvironment()));
    }

    public InventoryHandler(InventoryService inventory) {
        this(inventory, System.out);
    }

    /** @param logOut where the log lines go (standard output on Lambda; tests capture them) */
    public InventoryHandler(InventoryService inventory, java.io.PrintStream logOut) {
        this.inventory = inventory;
        this.batch = new SqsBatch("inventory", StructuredLog.forFunction("inventory", logOut));
    }

    public static InventoryService compose(AwsClientSettings settings) {
        DynamoDbClient dynamoDb = DynamoDbClients.create(settings);
        DynamoDbClients.primeOnCheckpoint(dynamoDb, settings.require("ORDERS_TABLE"), "orderId");
        return new InventoryService(
                new DynamoDbOrderStore(dynamoDb, settings.require("ORDERS_TABLE"), settings.require("PRODUCTS_TABLE"), null),
                new SqsStepPublisher(SqsClients.create(settings), Map.of(
                        Step.PAYMENT, settings.require("PAYMENT_QUEUE_URL"),
                        Step.EMAIL, settings.require("EMAIL_QUEUE_URL"))),
                Clock.systemUTC());
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return batch.process(event, context, inventory::handle);
    }
}
