package dev.cartwheel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;

/**
 * The same smoke checks against LocalStack ({@value AwsEmulators#LOCALSTACK_IMAGE}). Without a Docker engine every
 * test here is aborted, i.e. reported as skipped with the reason.
 */
class LocalStackIT {

    @RegisterExtension
    static final AwsEmulators AWS = AwsEmulators.localStack();

    @Test
    void provisionsTheFixtureTemplate(AwsEnvironment env) {
        assertThat(env.mode()).isEqualTo(AwsEnvironment.Mode.LOCALSTACK);
        ProvisionedStack stack = env.provision(Fixtures.pumpTemplate());
        assertThat(env.dynamoDb().describeTable(r -> r.tableName(stack.tableName("JobsTable"))).table().tableName())
                .isEqualTo(stack.tableName("JobsTable"));
        assertThat(stack.environment("WorkerFunction")).containsEntry("NEXT_QUEUE_URL", stack.queueUrl("NextQueue"));
    }

    @Test
    void pumpsAndRedrivesToTheDlq(AwsEnvironment env, QueuePump pump) {
        ProvisionedStack stack = env.provision(Fixtures.pumpTemplate());
        env.sqs().sendMessage(r -> r.queueUrl(stack.queueUrl("WorkQueue")).messageBody("poison"));
        List<String> seen = new ArrayList<>();
        pump.drain(Map.of(stack.queueUrl("WorkQueue"), event -> {
            event.getRecords().forEach(m -> seen.add(m.getBody()));
            return new SQSBatchResponse(event.getRecords().stream()
                    .map(m -> new SQSBatchResponse.BatchItemFailure(m.getMessageId())).toList());
        }), Duration.ofSeconds(60));
        assertThat(seen).hasSize(5);
        assertThat(env.sqs().receiveMessage(r -> r.queueUrl(stack.queueUrl("WorkDeadLetterQueue")).waitTimeSeconds(2))
                .messages()).hasSize(1);
    }

    @Test
    void pumpsTheTablesStreamAndCapturesTheBusesEvents(AwsEnvironment env, StreamPump pump) {
        ProvisionedStack stack = env.provision(Fixtures.pumpTemplate());
        env.dynamoDb().putItem(r -> r.tableName(stack.tableName("JobsTable")).item(java.util.Map.of("pk",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("job-1"))));
        String bus = stack.eventBusName("JobEventBus");
        int delivered = pump.drain(stack.streamArn("JobsTable"), event -> {
            env.eventBridge().putEvents(p -> p.entries(e -> e.eventBusName(bus).source("cartwheel.jobs")
                    .detailType("job.insert").detail("{\"pk\":\"job-1\"}")));
            return null;
        });
        assertThat(delivered).isEqualTo(1);
        assertThat(env.eventBus().await(bus, e -> "job-1".equals(e.detailText("pk")), Duration.ofSeconds(10))).isPresent();
    }

    @Test
    void sendsMailThroughSes(AwsEnvironment env) {
        env.provision(Fixtures.pumpTemplate());
        String id = env.sesV2().sendEmail(r -> r.fromEmailAddress("pump@testing.example")
                .destination(d -> d.toAddresses("customer@buyer.example"))
                .content(c -> c.simple(m -> m.subject(s -> s.data("Hello")).body(b -> b.text(t -> t.data("Hi")))))).messageId();
        assertThat(env.mailbox().await(m -> m.messageId().equals(id), Duration.ofSeconds(10))).isPresent();
    }
}
