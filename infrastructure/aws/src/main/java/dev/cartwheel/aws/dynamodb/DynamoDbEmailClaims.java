package dev.cartwheel.aws.dynamodb;

import static dev.cartwheel.aws.dynamodb.Attributes.n;
import static dev.cartwheel.aws.dynamodb.Attributes.s;
import static dev.cartwheel.aws.dynamodb.Attributes.string;

import dev.cartwheel.core.email.EmailClaims;
import dev.cartwheel.core.email.EmailType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * E-mail claims in the idempotency table, one item per (order, e-mail type): {@code pk = email#ORDER#TYPE}
 * (plus {@code #OCCURRENCE} for the e-mails sent once per refund),
 * {@code state} SENDING or SENT, {@code leaseUntil} (epoch ms). Claiming is one conditional update that
 * succeeds on a new item or an expired SENDING lease.
 */
public final class DynamoDbEmailClaims implements EmailClaims {

    /**
     * The prefix of every key of the e-mail claims in the shared idempotency table; template.yaml limits the e-mail
     * role to it ({@code dynamodb:LeadingKeys}), and TemplateIT checks the two agree.
     */
    public static final String IDEMPOTENCY_KEY_PREFIX = "email#";

    /** Claims outlive every redelivery and redrive by far, then expire through the table's TTL. */
    private static final Duration RETENTION = Duration.ofDays(30);

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbEmailClaims(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Outcome claim(String orderId, EmailType type, String occurrence, Instant now, Instant leaseUntil) {
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key(orderId, type, occurrence))
                    .updateExpression("SET #state = :sending, leaseUntil = :lease, expiresAt = :expires")
                    .conditionExpression("attribute_not_exists(pk) OR (#state = :sending AND leaseUntil < :now)")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(
                            ":sending", s("SENDING"),
                            ":lease", n(leaseUntil.toEpochMilli()),
                            ":now", n(now.toEpochMilli()),
                            ":expires", n(now.plus(RETENTION).getEpochSecond())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Outcome.CLAIMED;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = e.hasItem() ? e.item() : dynamoDb.getItem(b -> b.tableName(table)
                    .key(key(orderId, type, occurrence)).consistentRead(true)).item();
            return "SENT".equals(string(existing, "state")) ? Outcome.ALREADY_SENT : Outcome.HELD_BY_ANOTHER;
        }
    }

    @Override
    public void markSent(String orderId, EmailType type, String occurrence, String messageId, Instant at) {
        dynamoDb.updateItem(b -> b.tableName(table).key(key(orderId, type, occurrence))
                .updateExpression("SET #state = :sent, messageId = :messageId, sentAt = :at")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(
                        ":sent", s("SENT"), ":messageId", s(messageId), ":at", n(at.toEpochMilli()))));
    }

    private static Map<String, AttributeValue> key(String orderId, EmailType type, String occurrence) {
        String suffix = occurrence == null || occurrence.isEmpty() ? "" : "#" + occurrence;
        return Map.of("pk", s(IDEMPOTENCY_KEY_PREFIX + orderId + "#" + type.name() + suffix));
    }
}
