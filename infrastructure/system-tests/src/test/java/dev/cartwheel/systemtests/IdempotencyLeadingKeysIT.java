package dev.cartwheel.systemtests;

import static dev.cartwheel.systemtests.Pipeline.newCustomer;
import static dev.cartwheel.systemtests.Pipeline.orderBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cartwheel.emulators.template.ServerlessFunction;
import dev.cartwheel.paymentwebhook.PaymentWebhookHandler;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 item 9, from the data side: the keys the real composition roots write to the shared idempotency table
 * during a whole order (checkout's Idempotency-Key record, the e-mail claims, the webhook inbox) are each allowed by the
 * {@code dynamodb:LeadingKeys} grant of a function whose code writes that prefix, and by no other function's grant.
 * DynamoDB Local does not enforce IAM: without this, a condition that does not match the real keys would first fail in
 * production.
 */
@ExtendWith(AwsEmulators.class)
class IdempotencyLeadingKeysIT {


    @Test
    void everyKeyWrittenDuringAnOrder_isAdmittedByTheGrantOfTheFunctionWhoseCodeWritesIt_andByNoOther(AwsEnvironment aws) {
        // GIVEN a whole order: placed, reserved, paid, e-mailed; and a provider webhook for it
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed("ESPRESSO-CUP", "Espresso cup", 1250, 10);
        String customer = newCustomer("ida");
        String orderId = pipeline.place(customer, orderBody("pm_card_visa", "ESPRESSO-CUP", 1));
        pipeline.drain();
        // Stripe's own event for the order (the simulator's charge.refunded for a refund made in its dashboard: one the
        // webhook function forwards and remembers), signed as Stripe signs it
        pipeline.stripe.dashboardRefund(pipeline.paymentIntent(orderId).get("id").asText(), 100L);
        List<String> events = new ArrayList<>();
        pipeline.stripe.webhookSink((body, signature) -> {
            events.add(body);
            return 200;
        });
        pipeline.stripe.deliverWebhooks(orderId);
        String event = events.stream().filter(body -> body.contains("\"charge.refunded\"")).findFirst().orElseThrow();
        byte[] secret = pipeline.stripe.webhookSecret().getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPResponse webhook = new PaymentWebhookHandler(
                PaymentWebhookHandler.compose(pipeline.settings("PaymentWebhookFunction")), () -> secret, Clock.systemUTC(),
                System.out).handleRequest(Pipeline.stripeWebhook(event, pipeline.stripe.signatureHeader(event, Instant.now().getEpochSecond())), null);
        assertThat(webhook.getStatusCode()).as(webhook.getBody()).isEqualTo(200);

        // WHEN we read every key of the table
        List<String> keys = new ArrayList<>();
        aws.dynamoDb().scanPaginator(r -> r.tableName(pipeline.table(IdempotencyGrants.TABLE))).items()
                .forEach(item -> keys.add(item.get("pk").s()));

        // THEN each is admitted by the function(s) whose code writes its prefix, and by no other
        Map<String, Map<String, String>> prefixesByFunction = new LinkedHashMap<>();
        Map<String, List<IdempotencyGrants.Grant>> grantsByFunction = new LinkedHashMap<>();
        for (ServerlessFunction function : pipeline.stack.template().functions().values()) {
            List<IdempotencyGrants.Grant> grants = IdempotencyGrants.grants(pipeline.stack.template(), function);
            grantsByFunction.put(function.logicalId(), grants);
            prefixesByFunction.put(function.logicalId(), function.environment().containsKey(IdempotencyGrants.ENVIRONMENT_VARIABLE)
                    ? IdempotencyGrants.prefixesInCode(function) : Map.of());
        }
        assertThat(keys).as("checkout, e-mail and webhook keys").anyMatch(k -> k.startsWith("checkout#"))
                .anyMatch(k -> k.startsWith("email#")).anyMatch(k -> k.startsWith("webhook#"));
        for (String key : keys) {
            List<String> writers = prefixesByFunction.entrySet().stream()
                    .filter(e -> e.getValue().values().stream().anyMatch(key::startsWith)).map(Map.Entry::getKey).toList();
            assertThat(writers).as("a function's code writes " + key).isNotEmpty();
            grantsByFunction.forEach((function, grants) -> {
                boolean admitted = !grants.isEmpty() && grants.stream().allMatch(g -> g.conditionOperator() != null)
                        && grants.stream().anyMatch(g -> IdempotencyGrants.admits(g, key));
                assertThat(admitted).as(function + (writers.contains(function) ? " must" : " must not") + " be allowed " + key
                        + " (grants " + grants + ")").isEqualTo(writers.contains(function));
            });
        }
    }
}
