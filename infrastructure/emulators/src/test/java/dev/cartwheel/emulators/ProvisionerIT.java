package dev.cartwheel.emulators;

import static dev.cartwheel.emulators.SharedEmulators.DYNAMO;
import static dev.cartwheel.emulators.SharedEmulators.EVENTS;
import static dev.cartwheel.emulators.SharedEmulators.SES;
import static dev.cartwheel.emulators.SharedEmulators.SQS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class ProvisionerIT {

    @Test
    void provisionsTablesQueuesAndIdentitiesAndResolvesTheFunctionEnvironment() {
        SamTemplate template = SamTemplate.load(SamTemplateTest.fixture()).withParameters(
                Map.of("SenderEmail", "provisioner-it@fixture.example"));
        String prefix = SharedEmulators.freshPrefix();
        ProvisionedResources stack = new Provisioner(DYNAMO, SQS, SES, EVENTS).provision(template, prefix);

        assertThat(stack.resources().keySet()).containsExactlyInAnyOrder("WorkQueue", "WorkDeadLetterQueue",
                "NamedFifoQueue", "OrdersTable", "IdempotencyTable", "SenderIdentity", "OrderEventBus",
                "StreamFailureQueue");
        // The dead-letter queue is created before the queue that redrives to it.
        assertThat(stack.resources().keySet()).containsSubsequence("WorkDeadLetterQueue", "WorkQueue");

        var table = DYNAMO.describeTable(r -> r.tableName(prefix + "-OrdersTable")).table();
        assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(table.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.globalSecondaryIndexes()).singleElement().satisfies(gsi -> {
            assertThat(gsi.indexName()).isEqualTo("byCustomer");
            assertThat(gsi.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
            assertThat(gsi.projection().projectionType()).isEqualTo(ProjectionType.ALL);
        });
        assertThat(table.streamSpecification().streamEnabled()).isTrue();
        assertThat(table.streamSpecification().streamViewTypeAsString()).isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(stack.streamArn("OrdersTable")).isEqualTo(table.latestStreamArn());
        assertThat(SharedEmulators.STREAMS.describeStream(r -> r.streamArn(table.latestStreamArn())).streamDescription()
                .tableName()).isEqualTo(prefix + "-OrdersTable");
        assertThat(template.withResources(stack).function("StreamFunction").events().get("Changes").streamArn())
                .hasValue(table.latestStreamArn());
        assertThat(template.withResources(stack).function("StreamFunction").events().get("Changes")
                .onFailureDestinationArn()).hasValue(stack.arn("StreamFailureQueue"));

        // the event bus: Name resolved (Sub of the stack name), Ref gives the name, GetAtt Arn its ARN
        var bus = EVENTS.describeEventBus(r -> r.name("cartwheel-orders"));
        assertThat(stack.eventBusName("OrderEventBus")).isEqualTo("cartwheel-orders");
        assertThat(stack.arn("OrderEventBus")).isEqualTo(bus.arn())
                .isEqualTo("arn:aws:events:us-east-1:000000000000:event-bus/cartwheel-orders");
        assertThat(template.withResources(stack).environment("StreamFunction"))
                .containsEntry("EVENT_BUS_NAME", "cartwheel-orders")
                .containsEntry("EVENT_BUS_ARN", bus.arn());

        String dlqArn = stack.arn("WorkDeadLetterQueue");
        var queue = SQS.getQueueAttributes(r -> r.queueUrl(stack.queueUrl("WorkQueue"))
                .attributeNames(QueueAttributeName.ALL)).attributes();
        assertThat(queue.get(QueueAttributeName.REDRIVE_POLICY)).contains(dlqArn);
        assertThat(queue.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("120");

        assertThat(SES.getEmailIdentity(r -> r.emailIdentity("provisioner-it@fixture.example"))
                .verifiedForSendingStatus()).isTrue();

        Map<String, String> env = template.withResources(stack).environment("OrderFunction");
        assertThat(env).containsEntry("ORDERS_TABLE", prefix + "-OrdersTable")
                .containsEntry("WORK_QUEUE_URL", stack.queueUrl("WorkQueue"))
                .containsEntry("WORK_QUEUE_ARN", stack.arn("WorkQueue"))
                .containsEntry("WORK_QUEUE_NAME", prefix + "-WorkQueue")
                .containsEntry("ORDERS_TABLE_ARN", table.tableArn())
                .containsEntry("SENDER", "provisioner-it@fixture.example");
        assertThat(template.withResources(stack).functions().get("OrderFunction").events().get("Work").queueArn())
                .hasValue(stack.arn("WorkQueue"));
    }
}
