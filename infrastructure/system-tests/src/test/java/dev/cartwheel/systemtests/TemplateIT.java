package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.emulators.template.FunctionEvent;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.ServerlessFunction;
import dev.cartwheel.emulators.template.TemplateResource;
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
        for (String caller : List.of("PaymentFunction", "AdminFunction")) {
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
                    .isEqualTo(List.of("PaymentFunction", "AdminFunction").contains(function.logicalId()));
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

    /**
     * Issue 12: a definitive refusal of a capture or refund, and a held payment near or past its lapse, each raise an
     * EMF metric (namespace Cartwheel, dimension function = the function that emits it) that an alarm watches.
     */
    @Test
    void paymentRefusalsAndLapsingHolds_eachHaveAnAlarmOnTheMetricTheirFunctionEmits() {
        Map<String, String> emittedBy = new HashMap<>();
        for (dev.cartwheel.core.events.OrderAlert alert : dev.cartwheel.core.events.OrderAlert.values()) {
            emittedBy.put(alert.metric(), "order-events");
        }
        emittedBy.put("AuthorizationsNearLapse", "reconciler");
        assertThat(emittedBy).containsKeys("CapturesFailed", "RefundsFailed", "AuthorizationHoldsLapsed");
        emittedBy.forEach((metric, function) -> {
            List<TemplateResource> alarms = TEMPLATE.resources(ALARM).stream().filter(alarm -> {
                Map<String, Object> p = TEMPLATE.resolvedProperties(alarm.logicalId());
                return "Cartwheel".equals(p.get("Namespace")) && metric.equals(p.get("MetricName"));
            }).toList();
            assertThat(alarms).as(metric).singleElement().satisfies(alarm -> {
                Map<String, Object> p = TEMPLATE.resolvedProperties(alarm.logicalId());
                assertThat(String.valueOf(p.get("Dimensions"))).as(metric).contains("function").contains(function);
                assertThat(p.get("ComparisonOperator")).isEqualTo("GreaterThanThreshold");
                assertThat(Double.parseDouble(String.valueOf(p.get("Threshold")))).isZero();
                assertThat(TEMPLATE.dependencies(alarm.logicalId())).as(metric + " notifies").contains("AlarmTopic");
            });
        });
        assertThat(String.valueOf(TEMPLATE.parameterValues().get("AuthorizationHoldDays"))).isEqualTo("7");
        assertThat(TEMPLATE.environment("PaymentFunction")).containsEntry("AUTHORIZATION_HOLD_DAYS", "7");
        assertThat(TEMPLATE.environment("ReconcilerFunction")).containsEntry("AUTHORIZATION_HOLD_DAYS", "7");
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

    // ------------------------------------------------------------------ issue 12: security and payments review

    /** The template with the one parameter a deployment must name (no Default) set. */
    private static final SamTemplate DEPLOYED = TEMPLATE.withParameters(Map.of("JwtIssuer", "https://issuer.example"));
    private static final String API = "AWS::Serverless::HttpApi";

    /** Item 2: an alarm that cannot be published is never delivered. */
    @Test
    void everyAlarmTopic_isEncryptedWithARotatedKeyOfItsOwn_thatCloudWatchMayUse_andCloudWatchMayPublishToIt() {
        Set<String> topics = new java.util.TreeSet<>();
        for (TemplateResource alarm : TEMPLATE.resources(ALARM)) {
            for (String action : strings(TEMPLATE.resolvedProperties(alarm.logicalId()).get("AlarmActions"))) {
                topics.add(action);
            }
        }
        assertThat(topics).as("alarm actions").isNotEmpty();
        for (String topic : topics) {
            TemplateResource resource = TEMPLATE.resource(topic).orElseThrow(() -> new AssertionError("no topic " + topic));
            assertThat(resource.type()).isEqualTo("AWS::SNS::Topic");
            Object keyId = resource.properties().get("KmsMasterKeyId");
            assertThat(keyId).as(topic + " KmsMasterKeyId: a key of the template, not an AWS-managed alias").isInstanceOf(Map.class);
            String key = TEMPLATE.dependencies(topic).stream()
                    .filter(id -> TEMPLATE.resource(id).map(r -> r.is("AWS::KMS::Key")).orElse(false))
                    .findFirst().orElseThrow(() -> new AssertionError(topic + " is not encrypted with a key of the template"));
            Map<String, Object> keyProps = TEMPLATE.resolvedProperties(key);
            assertThat(String.valueOf(keyProps.get("EnableKeyRotation"))).as(key + " rotation").isEqualTo("true");
            List<Map<?, ?>> keyStatements = statements(keyProps.get("KeyPolicy"));
            assertThat(keyStatements).as(key + ": CloudWatch may use the key to publish encrypted alarms").anySatisfy(st -> {
                assertThat(st.get("Effect")).isEqualTo("Allow");
                assertThat(servicePrincipals(st)).contains("cloudwatch.amazonaws.com");
                assertThat(strings(st.get("Action"))).contains("kms:Decrypt").anyMatch(a -> a.startsWith("kms:GenerateDataKey"));
                assertThat(st.get("Condition")).isNull();
            });
            String root = "arn:aws:iam::" + SamTemplate.DEFAULT_ACCOUNT_ID + ":root";
            assertThat(keyStatements).as(key + ": the account administers it (no key nobody can manage)").anySatisfy(st -> {
                assertThat(st.get("Effect")).isEqualTo("Allow");
                assertThat(st.get("Principal")).isInstanceOf(Map.class);
                assertThat(strings(((Map<?, ?>) st.get("Principal")).get("AWS"))).contains(root);
                assertThat(strings(st.get("Action"))).contains("kms:*");
            });
            assertThat(keyStatements).as(key + ": nothing denied").noneMatch(st -> "Deny".equals(st.get("Effect")));

            List<TemplateResource> topicPolicies = TEMPLATE.resources("AWS::SNS::TopicPolicy").stream()
                    .filter(p -> TEMPLATE.dependencies(p.logicalId()).contains(topic)).toList();
            assertThat(topicPolicies).as(topic + " topic policy").singleElement().satisfies(policy -> {
                List<Map<?, ?>> st = statements(TEMPLATE.resolvedProperties(policy.logicalId()).get("PolicyDocument"));
                assertThat(st).anySatisfy(s -> {
                    assertThat(s.get("Effect")).isEqualTo("Allow");
                    assertThat(servicePrincipals(s)).contains("cloudwatch.amazonaws.com");
                    assertThat(strings(s.get("Action"))).contains("sns:Publish");
                });
            });
        }
    }

    /**
     * Item 3: the stage throttles every route, the public catalog tighter, Stripe's webhook route at least twice the
     * API's (each paid order brings two webhooks), all from parameters.
     */
    @Test
    void theApi_throttlesEveryRoute_thePublicCatalogTighter_andStripesWebhooksWider_fromTemplateParameters() {
        TemplateResource api = TEMPLATE.resources(API).getFirst();
        Map<?, ?> defaults = (Map<?, ?>) api.properties().get("DefaultRouteSettings");
        assertThat(defaults).as("DefaultRouteSettings").isNotNull();
        double defaultBurst = parameterNumber(defaults.get("ThrottlingBurstLimit"));
        double defaultRate = parameterNumber(defaults.get("ThrottlingRateLimit"));
        int publicRoutes = 0;
        for (ServerlessFunction function : TEMPLATE.functions().values()) {
            for (FunctionEvent event : function.events(FunctionEvent.HTTP_API)) {
                if (!"NONE".equals(event.authorizer().orElse(null))) {
                    continue;
                }
                publicRoutes++;
                Map<?, ?> own = (Map<?, ?>) TEMPLATE.resource(function.logicalId()).orElseThrow().properties().get("Events");
                Map<?, ?> raw = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) own.get(event.name())).get("Properties")).get("RouteSettings");
                assertThat(raw).as(function.logicalId() + "." + event.name() + " (public) RouteSettings").isNotNull();
                double burst = parameterNumber(raw.get("ThrottlingBurstLimit"));
                double rate = parameterNumber(raw.get("ThrottlingRateLimit"));
                if (event.path().orElseThrow().equals("/webhooks/payments")) {
                    // Stripe's webhooks, two per paid order, retried only later: never the route that binds first
                    assertThat(burst).as("webhook burst at least twice the default").isGreaterThanOrEqualTo(2 * defaultBurst);
                    assertThat(rate).as("webhook rate at least twice the default").isGreaterThanOrEqualTo(2 * defaultRate);
                } else {
                    assertThat(burst).as("burst tighter than the default").isLessThan(defaultBurst);
                    assertThat(rate).as("rate tighter than the default").isLessThan(defaultRate);
                }
            }
        }
        assertThat(publicRoutes).as("GET /products and POST /webhooks/payments").isGreaterThanOrEqualTo(2);
    }

    /** Item 3: a flood on the API cannot take the concurrency the order pipeline needs. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void everyApiFunction_hasReservedConcurrencyFromAParameter_andEverySqsSourceAMaximumConcurrency(String logicalId) {
        ServerlessFunction function = TEMPLATE.function(logicalId);
        Map<String, Object> raw = TEMPLATE.resource(logicalId).orElseThrow().properties();
        if (!function.events(FunctionEvent.HTTP_API).isEmpty()) {
            assertThat(raw.get("ReservedConcurrentExecutions")).as(logicalId + " ReservedConcurrentExecutions")
                    .isInstanceOf(Map.class);
            parameterNumber(raw.get("ReservedConcurrentExecutions"));
            assertThat(function.reservedConcurrentExecutions()).isPositive();
        }
        for (FunctionEvent event : function.events(FunctionEvent.SQS)) {
            Object scaling = event.properties().get("ScalingConfig");
            assertThat(scaling).as(logicalId + "." + event.name() + " ScalingConfig").isInstanceOf(Map.class);
            int maximum = Integer.parseInt(String.valueOf(((Map<?, ?>) scaling).get("MaximumConcurrency")));
            assertThat(maximum).as("Lambda accepts 2 to 1000").isBetween(2, 1000);
            if (function.reservedConcurrentExecutions() != null) {
                assertThat(maximum).isLessThanOrEqualTo(function.reservedConcurrentExecutions());
            }
        }
    }

    /** Item 3: access logs with a retention, and never a credential in them. */
    @Test
    void theApi_writesAccessLogsToALogGroupWithRetention_withoutAnyRequestHeader() {
        TemplateResource api = DEPLOYED.resources(API).getFirst();
        Map<String, Object> props = DEPLOYED.resolvedProperties(api.logicalId());
        Map<?, ?> settings = (Map<?, ?>) props.get("AccessLogSettings");
        assertThat(settings).as("AccessLogSettings").isNotNull();
        String format = String.valueOf(settings.get("Format"));
        assertThat(format).contains("$context.requestId", "$context.status", "$context.routeKey");
        assertThat(format.toLowerCase(java.util.Locale.ROOT)).as("no header, no token, no e-mail in the access log")
                .doesNotContain("authorization").doesNotContain("$request").doesNotContain("header")
                .doesNotContain("claims.email").doesNotContain("$input");
        String destination = String.valueOf(settings.get("DestinationArn"));
        String group = DEPLOYED.resources(LOG_GROUP).stream().map(TemplateResource::logicalId)
                .filter(id -> destination.equals(String.valueOf(DEPLOYED.resolve(Map.of("Fn::GetAtt", List.of(id, "Arn"))))))
                .findFirst().orElseThrow(() -> new AssertionError("no log group of the template is " + destination));
        assertThat(Integer.parseInt(String.valueOf(DEPLOYED.resolvedProperties(group).get("RetentionInDays")))).isBetween(1, 3653);
    }

    /** Item 9: orders, money and idempotency records survive a stack deletion, a replacement or a slip of the console. */
    @Test
    void everyTable_isRetainedOnDeletionAndReplacement_andDeletionProtected() {
        List<TemplateResource> tables = TEMPLATE.resources(SamTemplate.DYNAMODB_TABLE);
        assertThat(tables).extracting(TemplateResource::logicalId).contains("OrdersTable", "IdempotencyTable");
        Map<String, Object> resources = rawResources();
        for (TemplateResource table : tables) {
            Map<?, ?> declaration = (Map<?, ?>) resources.get(table.logicalId());
            assertThat(declaration.get("DeletionPolicy")).as(table.logicalId() + " DeletionPolicy").isEqualTo("Retain");
            assertThat(declaration.get("UpdateReplacePolicy")).as(table.logicalId() + " UpdateReplacePolicy").isEqualTo("Retain");
            assertThat(String.valueOf(TEMPLATE.resolvedProperties(table.logicalId()).get("DeletionProtectionEnabled")))
                    .as(table.logicalId() + " DeletionProtectionEnabled").isEqualTo("true");
        }
    }

    /** Item 9: a grant no code uses is a grant an attacker gets for free. */
    @Test
    void noFunction_isGrantedConditionCheckItem_forNoAdapterSendsAConditionCheck() throws Exception {
        try (Stream<Path> sources = java.nio.file.Files.walk(Root.path("infrastructure/aws/src/main/java"))) {
            List<Path> checking = sources.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return java.nio.file.Files.readString(p).contains("ConditionCheck.builder()")
                            || java.nio.file.Files.readString(p).contains(".conditionCheck(");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertThat(checking).as("adapters sending a ConditionCheck (grant dynamodb:ConditionCheckItem to their function then)")
                    .isEmpty();
        }
        for (ServerlessFunction function : TEMPLATE.functions().values()) {
            for (Object policy : (List<?>) function.properties().get("Policies")) {
                for (Map<?, ?> statement : statements(policy)) {
                    assertThat(strings(statement.get("Action"))).as(function.logicalId()).doesNotContain("dynamodb:ConditionCheckItem");
                }
            }
        }
    }

    /**
     * Item 9: each function reads and writes only its own key prefixes of the shared idempotency table, and exactly
     * the ones its code uses (a prefix the code writes but the role does not allow fails in production only: no
     * emulator enforces IAM).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void eachFunction_mayTouchOnlyItsOwnKeyPrefixesOfTheIdempotencyTable_exactlyThoseItsCodeWrites(String logicalId) {
        ServerlessFunction function = TEMPLATE.function(logicalId);
        List<IdempotencyGrants.Grant> grants = IdempotencyGrants.grants(TEMPLATE, function);
        boolean usesTable = function.environment().containsKey(IdempotencyGrants.ENVIRONMENT_VARIABLE);
        if (!usesTable) {
            assertThat(grants).as(logicalId + " has no IDEMPOTENCY_TABLE, so no grant on it").isEmpty();
            return;
        }
        Map<String, String> prefixes = IdempotencyGrants.prefixesInCode(function);
        assertThat(prefixes).as(logicalId + ": the adapters its handler builds with IDEMPOTENCY_TABLE").isNotEmpty();
        assertThat(grants).as(logicalId + " grants on the idempotency table").isNotEmpty();
        Set<String> patterns = new java.util.TreeSet<>();
        for (IdempotencyGrants.Grant grant : grants) {
            assertThat(grant.conditionOperator()).as(logicalId + " " + grant.actions() + ": a dynamodb:LeadingKeys condition")
                    .isIn("ForAllValues:StringLike", "ForAllValues:StringEquals");
            assertThat(grant.actions()).as("no Scan or Query: they name no leading key").noneMatch(a -> a.contains("Scan") || a.contains("Query"));
            patterns.addAll(grant.leadingKeys());
        }
        Set<String> expected = new java.util.TreeSet<>();
        prefixes.values().forEach(prefix -> expected.add(prefix + "*"));
        assertThat(patterns).as(logicalId + ": exactly the prefixes of " + prefixes).isEqualTo(expected);
        // and every pattern admits only keys of its prefix: no wildcard before the prefix ends
        for (String pattern : patterns) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            assertThat(prefix).doesNotContain("*").doesNotContain("?").isNotEmpty();
        }
    }

    /** Item 9: API Gateway fetches the issuer's keys; an http issuer lets a network attacker mint tokens. */
    @Test
    void theJwtIssuer_mustBeAnHttpsUrl_andADeploymentMustNameIt() {
        Map<?, ?> declaration = (Map<?, ?>) ((Map<?, ?>) rawDocument().get("Parameters")).get("JwtIssuer");
        assertThat(declaration.get("Default")).as("no default issuer: a deployment names its own").isNull();
        String pattern = String.valueOf(declaration.get("AllowedPattern"));
        assertThat("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc").matches(pattern);
        assertThat("http://127.0.0.1:3000/_local/issuer").doesNotMatch(pattern);
        assertThat("http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc").doesNotMatch(pattern);
        assertThat("").doesNotMatch(pattern);
    }

    private static Map<String, Object> rawDocument() {
        try {
            Object root = dev.cartwheel.emulators.template.CfnYaml.load(java.nio.file.Files.readString(Root.path("template.yaml")), "template.yaml");
            @SuppressWarnings("unchecked")
            Map<String, Object> document = (Map<String, Object>) root;
            return document;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rawResources() {
        return (Map<String, Object>) rawDocument().get("Resources");
    }

    /** A value that must be a Ref to a Number parameter: its Default. */
    private static double parameterNumber(Object value) {
        assertThat(value).as("a template parameter (Ref), so that a deployment can tune it").isInstanceOf(Map.class);
        Object ref = ((Map<?, ?>) value).get("Ref");
        assertThat(ref).as("Ref in " + value).isNotNull();
        dev.cartwheel.emulators.template.TemplateParameter parameter = TEMPLATE.parameters().get(String.valueOf(ref));
        assertThat(parameter).as("parameter " + ref).isNotNull();
        assertThat(parameter.type()).isEqualTo("Number");
        return Double.parseDouble(parameter.defaultValue());
    }

    private static List<Map<?, ?>> statements(Object policyDocument) {
        assertThat(policyDocument).isInstanceOf(Map.class);
        Object statements = ((Map<?, ?>) policyDocument).get("Statement");
        assertThat(statements).isInstanceOf(List.class);
        List<Map<?, ?>> out = new ArrayList<>();
        ((List<?>) statements).forEach(s -> out.add((Map<?, ?>) s));
        return out;
    }

    private static List<String> servicePrincipals(Map<?, ?> statement) {
        return statement.get("Principal") instanceof Map<?, ?> principal ? strings(principal.get("Service")) : List.of();
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
