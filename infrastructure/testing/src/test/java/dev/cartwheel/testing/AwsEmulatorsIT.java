package dev.cartwheel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.cartwheel.emulators.Endpoints;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sqs.SqsClient;

@ExtendWith(AwsEmulators.class)
class AwsEmulatorsIT {

    /** The environment seen by the first test of any class: the emulators must be the same JVM-wide. */
    static final AtomicReference<AwsEnvironment> FIRST = new AtomicReference<>();

    static void sameAsEveryOtherTest(AwsEnvironment env) {
        FIRST.compareAndSet(null, env);
        assertThat(env).isSameAs(FIRST.get());
    }

    @Test
    void injectsOneSharedEnvironmentAndItsClients(AwsEnvironment env, DynamoDbClient dynamoDb, SqsClient sqs,
                                                  SesV2Client ses, Mailbox mailbox, Endpoints endpoints,
                                                  EventBridgeClient eventBridge, DynamoDbStreamsClient streams,
                                                  EventBus eventBus, StreamPump pump,
                                                  software.amazon.awssdk.services.secretsmanager.SecretsManagerClient secrets) {
        sameAsEveryOtherTest(env);
        assertThat(dynamoDb).isSameAs(env.dynamoDb());
        assertThat(sqs).isSameAs(env.sqs());
        assertThat(ses).isSameAs(env.sesV2());
        assertThat(mailbox).isSameAs(env.mailbox());
        assertThat(endpoints.region()).isEqualTo("us-east-1");
        assertThat(endpoints.dynamoDb().getHost()).isEqualTo("127.0.0.1");
        assertThat(eventBridge).isSameAs(env.eventBridge());
        assertThat(streams).isSameAs(env.dynamoDbStreams());
        assertThat(eventBus).isSameAs(env.eventBus());
        assertThat(pump).isNotNull();
        assertThat(secrets).isSameAs(env.secretsManager());
        assertThat(endpoints.secretsManager().getHost()).isEqualTo("127.0.0.1");
        assertThat(endpoints.eventBridge().getHost()).isEqualTo("127.0.0.1");
        assertThat(env.sdkEnvironment()).containsKeys("AWS_REGION", "AWS_ENDPOINT_URL_SQS")
                .containsEntry("AWS_ENDPOINT_URL_EVENTBRIDGE", endpoints.eventBridge().toString())
                .containsEntry("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoints.secretsManager().toString());
    }

    @Test
    void provisionsEachTimeUnderAFreshPrefix(AwsEnvironment env) {
        sameAsEveryOtherTest(env);
        ProvisionedStack first = env.provision(Fixtures.pumpTemplate());
        ProvisionedStack second = env.provision(Fixtures.pumpTemplate());
        assertThat(first.prefix()).isNotEqualTo(second.prefix());
        assertThat(first.tableName("JobsTable")).isEqualTo(first.prefix() + "-JobsTable");
        assertThat(first.tableName("JobsTable")).isNotEqualTo(second.tableName("JobsTable"));

        assertThat(first.environment("WorkerFunction"))
                .containsEntry("JOBS_TABLE", first.tableName("JobsTable"))
                .containsEntry("NEXT_QUEUE_URL", first.queueUrl("NextQueue"))
                .containsEntry("SENDER_EMAIL", "pump@testing.example")
                .containsEntry("LOG_LEVEL", "INFO");
        assertThat(env.dynamoDb().describeTable(r -> r.tableName(first.tableName("JobsTable"))).table().tableName())
                .isEqualTo(first.tableName("JobsTable"));
        assertThat(first.template().function("WorkerFunction").events().get("Work").queueArn())
                .hasValue(first.arn("WorkQueue"));
    }

    @Test
    void sesMailboxCapturesAndTheSandboxRejectsUnverifiedSenders(AwsEnvironment env, Mailbox mailbox) {
        sameAsEveryOtherTest(env);
        env.provision(Fixtures.pumpTemplate());
        String messageId = env.sesV2().sendEmail(r -> r.fromEmailAddress("pump@testing.example")
                .destination(d -> d.toAddresses("customer@buyer.example"))
                .content(c -> c.simple(m -> m.subject(s -> s.data("Order shipped"))
                        .body(b -> b.text(t -> t.data("It is on its way")))))).messageId();
        assertThat(mailbox.await(m -> m.messageId().equals(messageId), Duration.ofSeconds(5)))
                .hasValueSatisfying(m -> assertThat(m.subject()).isEqualTo("Order shipped"));
        assertThat(mailbox.messagesTo("customer@buyer.example")).isNotEmpty();
        assertThatThrownBy(() -> env.sesV2().sendEmail(r -> r.fromEmailAddress("nobody@unverified.example")
                .destination(d -> d.toAddresses("customer@buyer.example"))
                .content(c -> c.simple(m -> m.subject(s -> s.data("x")).body(b -> b.text(t -> t.data("y")))))))
                .isInstanceOf(MessageRejectedException.class);
    }

    @Test
    void provisionsTheProjectTemplate(AwsEnvironment env) {
        sameAsEveryOtherTest(env);
        Assumptions.assumeTrue(ProjectTemplate.find().isPresent(), "no project template.yaml found upwards");
        ProvisionedStack stack = env.provision();
        assertThat(stack.environments()).isNotEmpty();
        stack.template().resources(dev.cartwheel.emulators.template.SamTemplate.EVENT_BUS).forEach(bus ->
                assertThat(env.eventBridge().describeEventBus(r -> r.name(stack.eventBusName(bus.logicalId()))).arn())
                        .isEqualTo(stack.arn(bus.logicalId())));
        stack.template().resources(dev.cartwheel.emulators.template.SamTemplate.DYNAMODB_TABLE).stream()
                .filter(t -> t.properties().containsKey("StreamSpecification")).forEach(t ->
                        assertThat(stack.streamArn(t.logicalId())).isEqualTo(env.dynamoDb()
                                .describeTable(r -> r.tableName(stack.tableName(t.logicalId()))).table().latestStreamArn()));
        // every secret exists with a value, and the functions get its ARN (Ref of a secret), readable by the SDK
        stack.template().resources(dev.cartwheel.emulators.template.SamTemplate.SECRETS_MANAGER_SECRET).forEach(secret -> {
            String arn = stack.secretArn(secret.logicalId());
            assertThat(arn).startsWith("arn:aws:secretsmanager:");
            assertThat(env.secretsManager().getSecretValue(r -> r.secretId(arn)).secretString()).isNotBlank();
            assertThat(stack.environments().values()).anySatisfy(vars -> assertThat(vars).containsValue(arn));
        });
        stack.environments().values().forEach(vars -> vars.forEach((name, value) -> {
            if (name.endsWith("_QUEUE_URL")) {
                assertThat(value).startsWith("http://127.0.0.1:");
            }
            if (name.endsWith("_TABLE")) {
                assertThat(value).startsWith(stack.prefix() + "-");
            }
        }));
    }
}
