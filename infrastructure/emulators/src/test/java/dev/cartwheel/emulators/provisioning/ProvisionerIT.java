package dev.cartwheel.emulators.provisioning;

import static dev.cartwheel.emulators.SharedEmulators.DYNAMO;
import static dev.cartwheel.emulators.SharedEmulators.EVENTS;
import static dev.cartwheel.emulators.SharedEmulators.SECRETS;
import static dev.cartwheel.emulators.SharedEmulators.SES;
import static dev.cartwheel.emulators.SharedEmulators.SQS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import dev.cartwheel.emulators.SharedEmulators;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.SamTemplateTest;
import dev.cartwheel.emulators.template.TemplateException;

class ProvisionerIT {

    @Test
    void provisionsTablesQueuesAndIdentitiesAndResolvesTheFunctionEnvironment() {
        SamTemplate template = SamTemplate.load(SamTemplateTest.fixture()).withParameters(
                Map.of("SenderEmail", "provisioner-it@fixture.example"));
        String prefix = SharedEmulators.freshPrefix();
        ProvisionedResources stack = new Provisioner(DYNAMO, SQS, SES, EVENTS, null).provision(template, prefix);

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

    static final String SECRETS_TEMPLATE = """
            Resources:
              GivenSecret:
                Type: AWS::SecretsManager::Secret
                Properties:
                  Name: !Sub "${AWS::StackName}/given"
                  Description: a value given in the template
                  SecretString: whsec_given
              WebhookSecret:
                Type: AWS::SecretsManager::Secret
                Properties:
                  GenerateSecretString:
                    PasswordLength: 48
                    ExcludePunctuation: true
                    ExcludeCharacters: "aeiouAEIOU"
              DatabaseSecret:
                Type: AWS::SecretsManager::Secret
                Properties:
                  GenerateSecretString:
                    SecretStringTemplate: '{"username": "cartwheel"}'
                    GenerateStringKey: password
                    PasswordLength: 20
                    ExcludeCharacters: '"@/\\'
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: x::y
                  CodeUri: x.jar
                  Environment:
                    Variables:
                      WEBHOOK_SECRET_ARN: !Ref WebhookSecret
                      WEBHOOK_SECRET_ID: !GetAtt WebhookSecret.Id
                      GIVEN_SECRET_ARN: !Ref GivenSecret
            """;

    @Test
    void provisionsSecretsWithTheirGivenOrGeneratedValuesAndRefGivesTheirArn() throws Exception {
        // GIVEN a template with a secret given, a generated one and a generated JSON one
        String prefix = SharedEmulators.freshPrefix();
        SamTemplate template = SamTemplate.parse(SECRETS_TEMPLATE, "secrets.yaml").withStackName(prefix);

        // WHEN it is provisioned with a Secrets Manager client
        ProvisionedResources stack = new Provisioner(DYNAMO, SQS, SES, EVENTS, SECRETS).provision(template, prefix);

        // THEN each exists under its name, with its value
        assertThat(stack.name("GivenSecret")).isEqualTo(prefix + "/given");
        assertThat(SECRETS.getSecretValue(r -> r.secretId(prefix + "/given")).secretString()).isEqualTo("whsec_given");
        assertThat(SECRETS.describeSecret(r -> r.secretId(prefix + "/given")).description()).isEqualTo("a value given in the template");
        String generated = SECRETS.getSecretValue(r -> r.secretId(stack.secretArn("WebhookSecret"))).secretString();
        assertThat(stack.name("WebhookSecret")).isEqualTo(prefix + "-WebhookSecret");
        assertThat(generated).hasSize(48).matches("[A-Za-z0-9]+").doesNotContainPattern("[aeiouAEIOU]");
        JsonNode database = new ObjectMapper().readTree(
                SECRETS.getSecretValue(r -> r.secretId(stack.secretArn("DatabaseSecret"))).secretString());
        assertThat(database.path("username").asText()).isEqualTo("cartwheel");
        assertThat(database.path("password").asText()).hasSize(20).doesNotContain("\"", "@", "/", "\\");

        // AND Ref (and GetAtt Id) of a secret is its ARN, as in CloudFormation
        String arn = stack.secretArn("WebhookSecret");
        assertThat(arn).startsWith("arn:aws:secretsmanager:us-east-1:000000000000:secret:" + prefix + "-WebhookSecret-");
        assertThat(stack.arn("WebhookSecret")).isEqualTo(arn);
        assertThat(template.withResources(stack).environment("Fn"))
                .containsEntry("WEBHOOK_SECRET_ARN", arn)
                .containsEntry("WEBHOOK_SECRET_ID", arn)
                .containsEntry("GIVEN_SECRET_ARN", stack.secretArn("GivenSecret"));
        assertThatThrownBy(() -> stack.secretArn("Fn")).isInstanceOf(TemplateException.class);

        // AND unprovisioned, the template's placeholder for Ref of a secret is an ARN too
        assertThat(template.environment("Fn")).containsEntry("WEBHOOK_SECRET_ARN",
                "arn:aws:secretsmanager:us-east-1:000000000000:secret:WebhookSecret");
        // AND a provisioner without a Secrets Manager client leaves them out
        assertThat(new Provisioner(DYNAMO, SQS, SES, EVENTS, null).provision(template, SharedEmulators.freshPrefix())
                .resources()).isEmpty();
    }

    @Test
    void aSecretNeedsExactlyOneOfSecretStringAndGenerateSecretString() {
        for (String properties : java.util.List.of("{}", "{SecretString: x, GenerateSecretString: {PasswordLength: 8}}",
                "{GenerateSecretString: {GenerateStringKey: password}}")) {
            SamTemplate template = SamTemplate.parse("Resources:\n  S:\n    Type: AWS::SecretsManager::Secret\n"
                    + "    Properties: " + properties + "\n", "bad.yaml");
            assertThatThrownBy(() -> new Provisioner(DYNAMO, SQS, SES, EVENTS, SECRETS)
                    .provision(template, SharedEmulators.freshPrefix())).as(properties).isInstanceOf(TemplateException.class);
        }
    }

    @Test
    void plannedNames_areTheNamesTheProvisionerGives() {
        // GIVEN the fixture's tables, queues (a FIFO one named) and event bus
        SamTemplate template = SamTemplate.load(SamTemplateTest.fixture()).withParameters(
                Map.of("SenderEmail", "provisioner-it@fixture.example"));
        String prefix = SharedEmulators.freshPrefix();
        // WHEN planned, then provisioned
        Map<String, String> planned = Provisioner.plannedNames(template, prefix);
        ProvisionedResources stack = new Provisioner(DYNAMO, SQS, SES, EVENTS, null).provision(template, prefix);
        // THEN each planned name is the one provisioned
        assertThat(planned).containsOnlyKeys("WorkQueue", "WorkDeadLetterQueue", "NamedFifoQueue", "OrdersTable",
                "IdempotencyTable", "OrderEventBus", "StreamFailureQueue");
        planned.forEach((logicalId, name) -> assertThat(stack.name(logicalId)).as(logicalId).isEqualTo(name));
        assertThat(stack.queueUrl("WorkQueue")).isEqualTo(dev.cartwheel.emulators.sqs.EmbeddedSqs.queueUrl(
                SharedEmulators.EMULATORS.endpoints().sqs(), SamTemplate.DEFAULT_ACCOUNT_ID, planned.get("WorkQueue")));
    }

    @Test
    void provision_shouldFail_whenTheServiceOfAResourceTypeDoesNotComeUp() {
        // GIVEN the queues' service, which fails to start, and the tables' service, which is up
        SamTemplate template = SamTemplate.load(SamTemplateTest.fixture()).withParameters(
                Map.of("SenderEmail", "provisioner-it@fixture.example"));
        String prefix = SharedEmulators.freshPrefix();
        java.util.concurrent.CompletableFuture<Object> sqsUp = new java.util.concurrent.CompletableFuture<>();
        sqsUp.completeExceptionally(new IllegalStateException("ElasticMQ did not start"));
        // WHEN provisioned with that readiness
        // THEN it fails with that cause, and the tables were created all the same
        assertThatThrownBy(() -> new Provisioner(DYNAMO, SQS, SES, EVENTS, null).provision(template, prefix, Map.of(
                SamTemplate.DYNAMODB_TABLE, java.util.concurrent.CompletableFuture.completedFuture(null),
                SamTemplate.SQS_QUEUE, sqsUp)))
                .isInstanceOf(IllegalStateException.class).hasMessage("ElasticMQ did not start");
        assertThat(DYNAMO.describeTable(r -> r.tableName(prefix + "-OrdersTable")).table().tableStatus())
                .isEqualTo(TableStatus.ACTIVE);
    }
}
