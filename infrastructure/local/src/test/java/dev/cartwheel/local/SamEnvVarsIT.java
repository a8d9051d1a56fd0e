package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fixed emulator ports ({@code up --dynamodb-port --sqs-port --ses-port --eventbridge-port --secrets-manager-port}) and the
 * {@code sam local invoke --env-vars}
 * file: the emulators listen where they were told, resource names are the stack's deterministic ones, and
 * events/env.json is exactly what the local cloud generates for the ports it documents (so it cannot drift). On the
 * shared local cloud, which is started on five free ports chosen up front.
 */
@ExtendWith(SharedLocalCloud.class)
class SamEnvVarsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = SharedLocalCloud.ROOT;

    @Test
    void theEmulatorsListenOnTheGivenPortsAndEventsEnvJsonIsWhatTheCloudGenerates(LocalCloud cloud, SharedLocalCloud.Ports ports)
            throws Exception {
        // GIVEN the five free ports the local cloud was started on
        int dynamoDb = ports.dynamoDb();
        int sqs = ports.sqs();
        int ses = ports.ses();
        int eventBridge = ports.eventBridge();
        int secretsManager = ports.secretsManager();
        // THEN each service answers on its port
        assertThat(cloud.endpoints().dynamoDb().getPort()).isEqualTo(dynamoDb);
        assertThat(cloud.endpoints().sqs().getPort()).isEqualTo(sqs);
        assertThat(cloud.endpoints().ses().getPort()).isEqualTo(ses);
        assertThat(cloud.endpoints().eventBridge().getPort()).isEqualTo(eventBridge);
        assertThat(cloud.endpoints().secretsManager().getPort()).isEqualTo(secretsManager);
        String secretArn = cloud.provisioned().secretArn("PaymentWebhookSecret");
        assertThat(secretArn).matches("arn:aws:secretsmanager:us-east-1:000000000000:secret:cartwheel-PaymentWebhookSecret-[A-Za-z0-9]{6}");
        // the webhook secret is the Stripe simulator's, put there as one puts Stripe's whsec_ (it also runs on a documented port)
        assertThat(cloud.secretsManager().getSecretValue(r -> r.secretId(secretArn)).secretString())
                .startsWith("whsec_").isEqualTo(cloud.paymentProvider().orElseThrow().simulator().webhookSecret());
        assertThat(cloud.eventBridge().describeEventBus(r -> r.name("cartwheel-orders")).arn())
                .isEqualTo("arn:aws:events:us-east-1:000000000000:event-bus/cartwheel-orders");
        assertThat(cloud.dynamoDb().listTables().tableNames()).contains("cartwheel-OrdersTable", "cartwheel-ProductsTable",
                "cartwheel-IdempotencyTable");
        assertThat(cloud.sqs().listQueues().queueUrls())
                .contains("http://127.0.0.1:" + sqs + "/000000000000/cartwheel-InventoryQueue");
        HttpResponse<String> captured = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + ses + "/_captured")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(captured.statusCode()).isEqualTo(200);

        // AND the env-vars file names the same tables and queues, on host.docker.internal
        JsonNode generated = cloud.samEnvVars("host.docker.internal");
        JsonNode checkout = generated.path("CheckoutFunction");
        assertThat(checkout.path("ORDERS_TABLE").asText()).isEqualTo("cartwheel-OrdersTable");
        assertThat(checkout.path("INVENTORY_QUEUE_URL").asText())
                .isEqualTo("http://host.docker.internal:" + sqs + "/000000000000/cartwheel-InventoryQueue");
        assertThat(checkout.path("CARTWHEEL_ENDPOINT_URL_DYNAMODB").asText()).isEqualTo("http://host.docker.internal:" + dynamoDb);
        assertThat(checkout.path("CARTWHEEL_ENDPOINT_URL_EVENTBRIDGE").asText()).isEqualTo("http://host.docker.internal:" + eventBridge);
        assertThat(checkout.path("CARTWHEEL_ENDPOINT_URL_SECRETS_MANAGER").asText())
                .isEqualTo("http://host.docker.internal:" + secretsManager);
        // the webhook function gets the secret's ARN (Ref of a secret), the same on every start of the stack
        assertThat(generated.path("PaymentWebhookFunction").path("WEBHOOK_SECRET_ARN").asText()).isEqualTo(secretArn);
        assertThat(generated.path("OrderEventsFunction").path("ORDER_EVENT_BUS_NAME").asText()).isEqualTo("cartwheel-orders");
        assertThat(generated.toString()).doesNotContain("127.0.0.1", "localhost");
        assertThat(generated.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrderElementsOf(cloud.template().functions().keySet())
                .contains("CheckoutFunction", "CatalogFunction", "InventoryFunction", "PaymentFunction", "EmailFunction",
                        "ReconcilerFunction", "OrderEventsFunction");

        // AND SAM will pass every one of them: it passes only the variables the template declares
        String template = Files.readString(ROOT.resolve("template.yaml"));
        generated.properties().forEach(function -> function.getValue().properties().forEach(variable ->
                assertThat(template).as("%s declares %s", function.getKey(), variable.getKey())
                        .contains(variable.getKey() + ":")));

        // AND events/env.json is that file for the documented ports
        String forDocumentedPorts = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(generated)
                .replace("host.docker.internal:" + dynamoDb, "host.docker.internal:" + LocalCloudCli.SAM_DYNAMODB_PORT)
                .replace("host.docker.internal:" + sqs, "host.docker.internal:" + LocalCloudCli.SAM_SQS_PORT)
                .replace("host.docker.internal:" + ses, "host.docker.internal:" + LocalCloudCli.SAM_SES_PORT)
                .replace("host.docker.internal:" + eventBridge, "host.docker.internal:" + LocalCloudCli.SAM_EVENTBRIDGE_PORT)
                .replace("host.docker.internal:" + secretsManager, "host.docker.internal:" + LocalCloudCli.SAM_SECRETS_MANAGER_PORT)
                .replace("host.docker.internal:" + cloud.paymentProvider().orElseThrow().simulator().baseUrl().getPort(),
                        "host.docker.internal:" + dev.cartwheel.local.provider.LocalStripe.SAM_PORT) + "\n";
        Path committed = ROOT.resolve("events/env.json");
        if (Boolean.getBoolean("cartwheel.writeEnvJson")) {
            Files.writeString(committed, forDocumentedPorts);
        }
        assertThat(Files.readString(committed)).isEqualTo(forDocumentedPorts);
    }
}
