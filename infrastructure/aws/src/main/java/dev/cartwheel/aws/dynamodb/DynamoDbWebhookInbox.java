package dev.cartwheel.aws.dynamodb;

import static dev.cartwheel.aws.dynamodb.Attributes.n;
import static dev.cartwheel.aws.dynamodb.Attributes.s;
import static dev.cartwheel.aws.dynamodb.Attributes.time;

import dev.cartwheel.core.webhook.WebhookInbox;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The provider event ids already forwarded, in the idempotency table: {@code pk = webhook#EVENT_ID}, kept 30 days
 * (providers retry for up to three) and then removed by the table's TTL.
 */
public final class DynamoDbWebhookInbox implements WebhookInbox {

    /**
     * The prefix of every key of the inbox in the shared idempotency table; template.yaml limits the webhook role to
     * it ({@code dynamodb:LeadingKeys}), and TemplateIT checks the two agree.
     */
    public static final String IDEMPOTENCY_KEY_PREFIX = "webhook#";

    private static final Duration RETENTION = Duration.ofDays(30);

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbWebhookInbox(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public boolean contains(String eventId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).key(key(eventId))
                .consistentRead(true)).item();
        return item != null && !item.isEmpty();
    }

    @Override
    public void remember(String eventId, Instant receivedAt) {
        dynamoDb.putItem(b -> b.tableName(table).item(Map.of(
                "pk", key(eventId).get("pk"),
                "receivedAt", time(receivedAt),
                "expiresAt", n(receivedAt.plus(RETENTION).getEpochSecond()))));
    }

    private static Map<String, AttributeValue> key(String eventId) {
        return Map.of("pk", s(IDEMPOTENCY_KEY_PREFIX + eventId));
    }
}
