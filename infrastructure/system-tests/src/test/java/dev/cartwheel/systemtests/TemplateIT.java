package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.emulators.FunctionEvent;
import dev.cartwheel.emulators.SamTemplate;
import dev.cartwheel.emulators.ServerlessFunction;
import dev.cartwheel.emulators.TemplateResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** template.yaml checked against the rules of issue 4 and against the code in the jars it deploys. */
class TemplateIT {

    private static final SamTemplate TEMPLATE = SamTemplate.load(Root.path("template.yaml"));
    private static final String ALARM = "AWS::CloudWatch::Alarm";
    private static final String LOG_GROUP = "AWS::Logs::LogGroup";
    /** Actions AWS lets a policy grant only on {@code *} (they have no resource to name). */
    private static final Set<String> UNSCOPABLE = Set.of("xray:PutTraceSegments", "xray:PutTelemetryRecords",
            "cloudwatch:PutMetricData", "logs:CreateLogGroup");

    static Stream<String> functions() {
        return TEMPLATE.functions().keySet().stream();
    }

    static Stream<String> deadLetterQueues() {
        return TEMPLATE.resources(SamTemplate.SQS_QUEUE).stream().map(TemplateResource::logicalId)
                .filter(id -> !sourcesOf(id).isEmpty());
    }

    @Test
    void everyQueue_hasADlqWithLongerRetention_andEveryQueueIsEncrypted() {
        List<TemplateResource> queues = TEMPLATE.resources(SamTemplate.SQS_QUEUE);
        assertThat(queues).hasSizeGreaterThanOrEqualTo(6);
        for (TemplateResource queue : queues) {
            Map<String, Object> props = TEMPLATE.resolvedProperties(queue.logicalId());
            assertThat(Boolean.TRUE.equals(props.get("SqsManagedSseEnabled")) || props.get("KmsMasterKeyId") != null)
                    .as(queue.logicalId() + " SSE").isTrue();
            if (!sourcesOf(queue.logicalId()).isEmpty()) {
                continue;
            }
            if (onFailureDestinations().contains(queue.logicalId())) {
                assertThat(retention(queue.logicalId())).as(queue.logicalId() + " keeps failed stream batches 14 days")
                        .isEqualTo(1_209_600);
                continue;
            }
            assertThat(queue.properties()).as(queue.logicalId() + " RedrivePolicy").containsKey("RedrivePolicy");
            String dlq = deadLetterQueueOf(queue);
            assertThat(retention(dlq)).as(dlq + " retention > " + queue.logicalId()).isGreaterThan(retention(queue.logicalId()));
            Map<?, ?> redrive = (Map<?, ?>) props.get("RedrivePolicy");
            assertThat(Integer.parseInt(String.valueOf(redrive.get("maxReceiveCount")))).isBetween(3, 10);
        }
    }

    @Test
    void visibilityTimeout_isAtLeastSixTimesTheConsumersTimeout_andEverySqsEventReportsBatchItemFailures() {
        int sqsEvents = 0;
        for (ServerlessFunction function : TEMPLATE.functions().values()) {
            for (FunctionEvent event : function.events(FunctionEvent.SQS)) {
                sqsEvents++;
                assertThat(event.reportsBatchItemFailures()).as(function.logicalId() + "." + event.name()).isTrue();
                String queue = queueWithArn(event.queueArn().orElseThrow());
                int visibility = Integer.parseInt(String.valueOf(TEMPLATE.resolvedProperties(queue).get("VisibilityTimeout")));
                assertThat(visibility).as(queue + " visibility vs " + function.logicalId() + " timeout " + function.timeout())
                        .isGreaterThanOrEqualTo(6 * function.timeout());
            }
        }
        assertThat(sqsEvents).isEqualTo(3);
    }

    @Test
    void stripe_apiBaseIsAParameter_theKeyASecretsArn_neverAValue_andOnlyItsCallersMayReadIt() {
        assertThat(TEMPLATE.parameters()).containsKey("StripeApiBase");
        assertThat(TEMPLATE.resources(SamTemplate.DYNAMODB_TABLE)).extracting(TemplateResource::logicalId)
                .doesNotContain("SimulatedPaymentsTable");
        for (String caller : List.of("PaymentFunction", "CheckoutFunction")) {
            Map<String, String> env = TEMPLATE.environment(caller);
            assertThat(env.get("STRIPE_API_BASE")).as(caller).isEqualTo("https://api.stripe.com");
            assertThat(env.get("STRIPE_API_KEY_SECRET_ARN")).as(caller).startsWith("arn:");
        }
        for (ServerlessFunction function : TEMPLATE.functions().values()) {
            Map<String, String> env = TEMPLATE.environment(function.logicalId());
            assertThat(env.keySet()).as(function.logicalId()).noneMatch(name -> name.contains("SIMULATED"));
            assertThat(env.values()).as(function.logicalId()).noneMatch(v -> v.startsWith("sk_") || v.startsWith("rk_")
                    || v.startsWith("whsec_"));
            boolean readsTheKey = String.valueOf(function.properties().get("Policies")).contains("StripeApiKeySecret");
            assertThat(readsTheKey).as(function.logicalId() + " may read the Stripe key")
                    .isEqualTo(List.of("PaymentFunction", "CheckoutFunction").contains(function.logicalId()));
        }
    }

    @Test
    void noIamStatement_grantsStarActions_orStarResourcesWhereAResourceCanBeNamed() {
        int statements = 0;
        for (ServerlessFunction function : TEMPLATE.functions().values()) {
            Object policies = function.properties().get("Policies");
            assertThat(policies).as(function.logicalId() + " has its own policies").isInstanceOf(List.class);
            for (Object policy : (List<?>) policies) {
                assertThat(policy).as(function.logicalId() + ": explicit statements, no managed or wide policy")
                        .isInstanceOf(Map.class);
                Object statementList = ((Map<?, ?>) policy).get("Statement");
                assertThat(statementList).as(function.logicalId() + " policy " + policy).isInstanceOf(List.class);
                for (Object s : (List<?>) statementList) {
                    Map<?, ?> statement = (Map<?, ?>) s;
                    statements++;
                    List<String> actions = strings(statement.get("Action"));
                    List<String> resources = strings(statement.get("Resource"));
                    assertThat(statement.get("NotAction")).as("NotAction").isNull();
                    assertThat(statement.get("NotResource")).as("NotResource").isNull();
                    assertThat(actions).as(function.logicalId() + " actions").isNotEmpty().noneMatch(a -> a.contains("*"));
                    boolean unscopable = UNSCOPABLE.containsAll(actions);
                    assertThat(resources).as(function.logicalId() + " resources of " + actions).isNotEmpty()
                            .allSatisfy(r -> assertThat(unscopable || !(r.equals("*") || r.endsWith(":*") || r.endsWith("/*")))
                                    .as(r).isTrue());
                }
            }
        }
        assertThat(statements).isGreaterThan(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void everyFunction_hasALogGroupWithRetention(String function) {
        List<TemplateResource> groups = TEMPLATE.resources(LOG_GROUP).stream()
                .filter(group -> ("/aws/lambda/" + function).equals(TEMPLATE.resolvedProperties(group.logicalId()).get("LogGroupName")))
                .toList();
        assertThat(groups).singleElement().satisfies(group ->
                assertThat(Integer.parseInt(String.valueOf(TEMPLATE.resolvedProperties(group.logicalId()).get("RetentionInDays"))))
                        .isBetween(1, 3653));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadLetterQueues")
    void everyDlq_hasAnAlarmOnItsFirstMessage(String dlq) {
        List<TemplateResource> alarms = TEMPLATE.resources(ALARM).stream().filter(alarm -> {
            Map<String, Object> p = TEMPLATE.resolvedProperties(alarm.logicalId());
            return "AWS/SQS".equals(p.get("Namespace")) && "ApproximateNumberOfMessagesVisible".equals(p.get("MetricName"))
                    && TEMPLATE.dependencies(alarm.logicalId()).contains(dlq);
        }).toList();
        assertThat(alarms).as(dlq).singleElement().satisfies(alarm -> {
            Map<String, Object> p = TEMPLATE.resolvedProperties(alarm.logicalId());
            assertThat(p.get("ComparisonOperator")).isEqualTo("GreaterThanThreshold");
            assertThat(Double.parseDouble(String.valueOf(p.get("Threshold")))).isZero();
        });
    }

    @Test
    void everyTable_hasPointInTimeRecovery() {
        List<TemplateResource> tables = TEMPLATE.resources(SamTemplate.DYNAMODB_TABLE);
        assertThat(tables).hasSizeGreaterThanOrEqualTo(3);
        for (TemplateResource table : tables) {
            Object pitr = TEMPLATE.resolvedProperties(table.logicalId()).get("PointInTimeRecoverySpecification");
            assertThat(pitr).as(table.logicalId()).isInstanceOf(Map.class);
            assertThat(String.valueOf(((Map<?, ?>) pitr).get("PointInTimeRecoveryEnabled"))).as(table.logicalId()).isEqualTo("true");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void handler_existsInItsJar_withTheRightEventType_andComposesFromTheTemplatesEnvironment(String logicalId) throws Exception {
        ServerlessFunction function = TEMPLATE.function(logicalId);
        Path jar = Root.path(function.codeUri());
        assertThat(jar).as("run mvn package first").exists();
        String handlerClass = function.handler().split("::")[0];
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            // the class comes from the jar alone: nothing of the test classpath is visible
            Class<?> handler = Class.forName(handlerClass, false, loader);
            Type[] types = requestHandlerTypes(handler);
            assertThat(types).as(handlerClass + " implements RequestHandler").isNotNull();
            assertThat(types[0].getTypeName()).as(handlerClass + " event type").isEqualTo(expectedEventType(function));
            assertThat(function.handler()).endsWith("::handleRequest");

            Map<String, String> env = new HashMap<>(sdkEnvironment());
            env.putAll(function.environment());
            Object composed = compose(loader, handler, env);
            assertThat(composed).as(logicalId + " composes from the template's environment").isNotNull();

            Map<String, String> withoutTemplate = sdkEnvironment();
            assertThatThrownBy(() -> compose(loader, handler, withoutTemplate)).as("compose reads the template's variables")
                    .hasMessageContaining("environment variable").hasMessageContaining("template.yaml");
        }
    }

    // ----------------------------------------------------------------------------------------------------------------

    private static Object compose(ClassLoader loader, Class<?> handler, Map<String, String> env) throws Exception {
        Class<?> settingsType = Class.forName("dev.cartwheel.aws.AwsClientSettings", true, loader);
        Object settings = settingsType.getConstructor(Map.class).newInstance(env);
        Method compose = handler.getMethod("compose", settingsType);
        try {
            return compose.invoke(null, settings);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static Map<String, String> sdkEnvironment() {
        return new HashMap<>(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:9"));
    }

    /** The queues a stream event source sends the batches it gave up on to (its dead-letter queues). */
    private static List<String> onFailureDestinations() {
        return TEMPLATE.functions().values().stream().flatMap(f -> f.events(FunctionEvent.DYNAMODB).stream())
                .map(event -> event.onFailureDestinationArn().orElseThrow(() -> new AssertionError(event.name()
                        + ": a stream event source needs an OnFailure destination")))
                .map(TemplateIT::queueWithArn).toList();
    }

    private static String expectedEventType(ServerlessFunction function) {
        if (!function.events(FunctionEvent.DYNAMODB).isEmpty()) {
            return "com.amazonaws.services.lambda.runtime.events.DynamodbEvent";
        }
        if (!function.events(FunctionEvent.SQS).isEmpty()) {
            return "com.amazonaws.services.lambda.runtime.events.SQSEvent";
        }
        if (!function.events(FunctionEvent.HTTP_API).isEmpty()) {
            return "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent";
        }
        assertThat(function.events(FunctionEvent.SCHEDULE)).as(function.logicalId() + " events").isNotEmpty();
        return "java.util.Map<java.lang.String, java.lang.Object>";
    }

    private static Type[] requestHandlerTypes(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Type candidate : c.getGenericInterfaces()) {
                if (candidate instanceof ParameterizedType p
                        && p.getRawType().getTypeName().equals("com.amazonaws.services.lambda.runtime.RequestHandler")) {
                    return p.getActualTypeArguments();
                }
            }
        }
        return null;
    }

    /** The logical ids of the queues whose RedrivePolicy names {@code dlq}. */
    private static List<String> sourcesOf(String dlq) {
        List<String> sources = new ArrayList<>();
        for (TemplateResource queue : TEMPLATE.resources(SamTemplate.SQS_QUEUE)) {
            if (queue.properties().containsKey("RedrivePolicy") && deadLetterQueueOf(queue).equals(dlq)) {
                sources.add(queue.logicalId());
            }
        }
        return sources;
    }

    private static String deadLetterQueueOf(TemplateResource queue) {
        Object target = ((Map<?, ?>) queue.properties().get("RedrivePolicy")).get("deadLetterTargetArn");
        return queueWithArn(String.valueOf(TEMPLATE.resolve(target)));
    }

    private static String queueWithArn(String arn) {
        return TEMPLATE.resources(SamTemplate.SQS_QUEUE).stream().map(TemplateResource::logicalId)
                .filter(id -> arn.equals(String.valueOf(TEMPLATE.resolve(Map.of("Fn::GetAtt", List.of(id, "Arn"))))))
                .findFirst().orElseThrow(() -> new AssertionError("no queue with ARN " + arn));
    }

    private static int retention(String queue) {
        Object value = TEMPLATE.resolvedProperties(queue).get("MessageRetentionPeriod");
        return value == null ? 345_600 : Integer.parseInt(String.valueOf(value));
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }
}
