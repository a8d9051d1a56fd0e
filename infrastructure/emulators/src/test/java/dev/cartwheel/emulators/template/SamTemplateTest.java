package dev.cartwheel.emulators.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cartwheel.emulators.provisioning.PhysicalResource;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;

public class SamTemplateTest {

    public static Path fixture() {
        try {
            return Path.of(SamTemplateTest.class.getResource("/fixture-template.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private final SamTemplate template = SamTemplate.load(fixture());

    /** A real lookup of hand-made physical resources, as a provisioner would give. */
    private static final ResourceLookup PHYSICAL = new ProvisionedResources("p", Map.of(
            "OrdersTable", new PhysicalResource("OrdersTable", SamTemplate.DYNAMODB_TABLE, "p-OrdersTable", null,
                    "arn:aws:dynamodb:us-east-1:000000000000:table/p-OrdersTable", "p-OrdersTable",
                    Map.of("Arn", "arn:aws:dynamodb:us-east-1:000000000000:table/p-OrdersTable")),
            "WorkQueue", new PhysicalResource("WorkQueue", SamTemplate.SQS_QUEUE, "p-WorkQueue",
                    "http://127.0.0.1:1/000000000000/p-WorkQueue", "arn:aws:sqs:us-east-1:000000000000:p-WorkQueue",
                    "http://127.0.0.1:1/000000000000/p-WorkQueue",
                    Map.of("Arn", "arn:aws:sqs:us-east-1:000000000000:p-WorkQueue", "QueueName", "p-WorkQueue",
                            "QueueUrl", "http://127.0.0.1:1/000000000000/p-WorkQueue"))));

    @Test
    void readsParametersWithDefaultsAndOverrides() {
        assertThat(template.parameters()).containsKeys("Stage", "SenderEmail", "LogLevel", "Zones");
        assertThat(template.parameters().get("Stage").allowedValues()).containsExactly("dev", "prod");
        assertThat(template.parameterValues()).containsEntry("Stage", "dev")
                .containsEntry("Zones", List.of("a", "b", "c"));
        assertThat(template.withParameters(Map.of("Stage", "prod")).parameterValues()).containsEntry("Stage", "prod");
        assertThatThrownBy(() -> template.withParameters(Map.of("Stage", "qa")))
                .isInstanceOf(TemplateException.class).hasMessageContaining("not an allowed value");
        assertThatThrownBy(() -> template.withParameters(Map.of("Nope", "x")))
                .isInstanceOf(TemplateException.class).hasMessageContaining("no parameter Nope");
    }

    @Test
    void resolvesShortFormTagsInFunctionEnvironment() {
        Map<String, String> env = template.withResources(PHYSICAL).withStackName("teststack")
                .function("OrderFunction").environment();
        assertThat(env)
                .containsEntry("LOG_LEVEL", "INFO")
                .containsEntry("STAGE", "dev")
                .containsEntry("OVERRIDDEN", "from-function")
                .containsEntry("ORDERS_TABLE", "p-OrdersTable")
                .containsEntry("ORDERS_TABLE_ARN", "arn:aws:dynamodb:us-east-1:000000000000:table/p-OrdersTable")
                .containsEntry("WORK_QUEUE_URL", "http://127.0.0.1:1/000000000000/p-WorkQueue")
                .containsEntry("WORK_QUEUE_ARN", "arn:aws:sqs:us-east-1:000000000000:p-WorkQueue")
                .containsEntry("WORK_QUEUE_NAME", "p-WorkQueue")
                .containsEntry("SENDER", "orders@fixture.example")
                .containsEntry("REGION_AND_ACCOUNT", "us-east-1/000000000000/aws/teststack")
                .containsEntry("SUB_WITH_MAP", "p-OrdersTable|x-q|${Literal}")
                .containsEntry("SECOND_ZONE", "b")
                .containsEntry("ENCODED", Base64.getEncoder().encodeToString("hello".getBytes()))
                .containsEntry("DEV_ONLY", "yes-dev")
                .containsEntry("DEV_AND_INFO", "true")
                .containsEntry("PROD_OR_DEBUG", "false")
                .containsEntry("LONG_FORM", "dev:arn:aws:dynamodb:us-east-1:000000000000:table/p-OrdersTable")
                .doesNotContainKey("PROD_ONLY");
    }

    @Test
    void conditionsFollowParameters() {
        SamTemplate prod = template.withParameters(Map.of("Stage", "prod", "LogLevel", "DEBUG"));
        assertThat(template.condition("IsProd")).isFalse();
        assertThat(prod.condition("IsProd")).isTrue();
        assertThat(prod.condition("IsDev")).isFalse();
        assertThat(prod.condition("ProdOrDebug")).isTrue();
        assertThat(template.resources()).doesNotContainKey("ProdOnlyQueue");
        assertThat(prod.resources()).containsKey("ProdOnlyQueue");
        ServerlessFunction function = prod.function("OrderFunction");
        assertThat(function.environment()).containsEntry("PROD_ONLY", "yes-prod").doesNotContainKey("DEV_ONLY");
        assertThat(function.reservedConcurrency()).hasValue(50);
        assertThat(function.memorySize()).isEqualTo(2048);
        assertThat(template.outputs()).doesNotContainKey("ProdQueue");
        assertThat(prod.outputs()).containsEntry("ProdQueue", "ProdOnlyQueue");
    }

    @Test
    void mergesGlobalsIntoFunctionsAndTypesTheModel() {
        ServerlessFunction function = template.functions().get("OrderFunction");
        assertThat(function.handler()).isEqualTo("dev.cartwheel.order.OrderHandler::handleRequest");
        assertThat(function.codeUri()).isEqualTo("functions/order/target/order.jar");
        assertThat(function.runtime()).isEqualTo("java25");
        assertThat(function.memorySize()).isEqualTo(512);
        assertThat(function.timeout()).isEqualTo(30);
        assertThat(function.reservedConcurrentExecutions()).isNull();
        assertThat(function.reservedConcurrency()).isEmpty();

        FunctionEvent http = function.events().get("PlaceOrder");
        assertThat(http.is(FunctionEvent.HTTP_API)).isTrue();
        assertThat(http.path()).hasValue("/orders");
        assertThat(http.method()).hasValue("POST");
        assertThat(http.apiId()).hasValue("Api");
        assertThat(http.authorizer()).hasValue("Jwt");
        assertThat(http.authorizationScopes()).containsExactly("orders/write");

        FunctionEvent sqs = function.events(FunctionEvent.SQS).getFirst();
        assertThat(sqs.queueArn()).hasValue("arn:aws:sqs:us-east-1:000000000000:WorkQueue");
        assertThat(sqs.batchSize()).isEqualTo(5);
        assertThat(sqs.maximumBatchingWindowInSeconds()).isEqualTo(1);
        assertThat(sqs.reportsBatchItemFailures()).isTrue();

        assertThat(function.events().get("Nightly").scheduleExpression()).hasValue("rate(1 day)");
        assertThat(function.events().get("Hourly").scheduleExpression()).hasValue("cron(0 * * * ? *)");
    }

    @Test
    void readsDynamoDbStreamEventsWithLambdasDefaults() {
        FunctionEvent stream = template.function("StreamFunction").events().get("Changes");
        assertThat(stream.is(FunctionEvent.DYNAMODB)).isTrue();
        assertThat(stream.streamArn()).hasValue("arn:aws:dynamodb:us-east-1:000000000000:table/OrdersTable/stream/local");
        assertThat(stream.startingPosition()).hasValue("TRIM_HORIZON");
        assertThat(stream.batchSize()).isEqualTo(100);
        assertThat(stream.maximumRetryAttempts()).isEqualTo(2);
        assertThat(stream.maximumRecordAgeInSeconds()).isEqualTo(-1);
        assertThat(stream.bisectBatchOnFunctionError()).isTrue();
        assertThat(stream.reportsBatchItemFailures()).isTrue();
        assertThat(stream.enabled()).isTrue();
        assertThat(stream.onFailureDestinationArn()).hasValue("arn:aws:sqs:us-east-1:000000000000:StreamFailureQueue");
        assertThat(stream.onFailureDestinationType()).hasValue("SQS");

        FunctionEvent bare = new FunctionEvent("Bare", FunctionEvent.DYNAMODB, Map.of("Stream", "arn"));
        assertThat(bare.maximumRetryAttempts()).isEqualTo(-1);
        assertThat(bare.bisectBatchOnFunctionError()).isFalse();
        assertThat(bare.onFailureDestinationArn()).isEmpty();
        assertThat(bare.reportsBatchItemFailures()).isFalse();
        assertThat(template.environment("StreamFunction"))
                .containsEntry("EVENT_BUS_NAME", "OrderEventBus")
                .containsEntry("EVENT_BUS_ARN", "arn:aws:events:us-east-1:000000000000:event-bus/OrderEventBus");
    }

    @Test
    void importValueStaysUnresolvedAndPlaceholdersStandInForUnprovisionedResources() {
        Map<String, Object> props = template.resolvedProperties("OrderFunction");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> policies = (List<Map<String, Object>>) props.get("Policies");
        assertThat(policies.get(1).toString()).contains("Fn::ImportValue=shared-exports");
        assertThat(template.environment("OrderFunction")).containsEntry("ORDERS_TABLE", "OrdersTable");
        assertThat(template.outputs()).containsEntry("ApiUrl", "https://Api.execute-api.us-east-1.amazonaws.com");
        Map<String, Object> api = template.resolvedProperties("Api");
        assertThat(api.toString()).contains("issuer=https://issuer.amazonaws.com/dev");
    }

    @Test
    void knowsDependenciesAndTypes() {
        assertThat(template.dependencies("WorkQueue")).containsExactly("WorkDeadLetterQueue");
        assertThat(template.resources(SamTemplate.DYNAMODB_TABLE)).extracting(TemplateResource::logicalId)
                .containsExactly("OrdersTable", "IdempotencyTable");
        assertThat(template.resource("Nope")).isEqualTo(Optional.empty());
    }

    @Test
    void rejectsBrokenTemplates() {
        assertThatThrownBy(() -> SamTemplate.parse("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                + "      QueueName: !Ref Missing\n", "broken.yaml").resolvedProperties("A"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("Missing");
        assertThatThrownBy(() -> SamTemplate.parse("just: text", "x.yaml"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("no Resources");
        assertThatThrownBy(() -> SamTemplate.parse("Resources: [unclosed", "bad.yaml"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("bad.yaml");
    }

    @Test
    void readsTheProjectTemplateWhenPresent() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve("template.yaml").toFile().isFile()) {
            dir = dir.getParent();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "no project template.yaml above the working directory");
        SamTemplate project = SamTemplate.load(dir.resolve("template.yaml"));
        assertThat(project.functions()).isNotEmpty();
        project.functions().values().forEach(f -> assertThat(f.environment()).containsKey("LOG_LEVEL"));
    }
}
