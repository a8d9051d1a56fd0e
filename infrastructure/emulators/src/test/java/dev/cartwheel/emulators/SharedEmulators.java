package dev.cartwheel.emulators;

import java.util.UUID;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The emulators, started once for all of this module's integration tests (JUnit-free holder, stopped at exit). */
public final class SharedEmulators {

    public static final Emulators EMULATORS = Emulators.startEmbedded();
    public static final DynamoDbClient DYNAMO = EMULATORS.newDynamoDbClient();
    public static final SqsClient SQS = EMULATORS.newSqsClient();
    public static final SesV2Client SES = EMULATORS.newSesV2Client();
    public static final EventBridgeClient EVENTS = EMULATORS.newEventBridgeClient();
    public static final DynamoDbStreamsClient STREAMS = EMULATORS.newDynamoDbStreamsClient();
    public static final SecretsManagerClient SECRETS = EMULATORS.newSecretsManagerClient();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            DYNAMO.close();
            SQS.close();
            SES.close();
            EVENTS.close();
            STREAMS.close();
            SECRETS.close();
            EMULATORS.close();
        }, "emulators-shutdown"));
    }

    private SharedEmulators() {
    }

    public static String freshPrefix() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }
}
