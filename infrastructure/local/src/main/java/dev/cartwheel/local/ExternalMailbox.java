package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The e-mails Cartwheel sent, as far as an external AWS-compatible endpoint ({@code --aws-endpoint}) lets the local
 * cloud see them, in the shape of the embedded SES capture ({@code messageId, from, to, subject, text, html,
 * timestamp}) plus {@code source}, which says where each came from:
 * <ol>
 *   <li>{@code ses-capture}: the endpoint's {@code GET /_captured}, when it is Cartwheel's own SES capture;</li>
 *   <li>{@code localstack-mailbox}: LocalStack's {@code GET /_aws/ses}, the messages its SES accepted;</li>
 *   <li>{@code email-records}: otherwise the e-mail records Cartwheel writes itself, one per e-mail sent, in the
 *   idempotency table ({@code pk = email#ORDER#TYPE[#OCCURRENCE]}, {@code state = SENT}, the SES message id), read
 *   with a Scan. The subject names the type and the order, so that the demo can match them; a body is not kept.</li>
 * </ol>
 * The first source that answers wins; none answering is an empty list, never an error.
 */
final class ExternalMailbox {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORD_PREFIX = "email#";

    private final URI ses;
    private final DynamoDbClient dynamoDb;
    private final String idempotencyTable;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ExternalMailbox(URI ses, DynamoDbClient dynamoDb, String idempotencyTable) {
        this.ses = ses;
        this.dynamoDb = dynamoDb;
        this.idempotencyTable = idempotencyTable;
    }

    JsonNode messages() {
        JsonNode captured = get("/_captured");
        if (captured != null && captured.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            captured.forEach(m -> out.add(((ObjectNode) m.deepCopy()).put("source", "ses-capture")));
            return out;
        }
        JsonNode localStack = get("/_aws/ses");
        if (localStack != null && localStack.path("messages").isArray()) {
            return fromLocalStack(localStack.path("messages"));
        }
        return fromRecords();
    }

    /** LocalStack's mailbox: {@code {"messages":[{Id, Source, Destination:{ToAddresses}, Subject, Body:{text_part, html_part}, Timestamp}]}}. */
    static ArrayNode fromLocalStack(JsonNode messages) {
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode m : messages) {
            ObjectNode n = out.addObject();
            n.put("messageId", m.path("Id").asText());
            n.put("from", m.path("Source").asText());
            ArrayNode to = n.putArray("to");
            m.path("Destination").path("ToAddresses").forEach(a -> to.add(a.asText()));
            n.put("subject", m.path("Subject").asText());
            n.put("text", m.path("Body").path("text_part").asText(""));
            n.put("html", m.path("Body").path("html_part").asText(""));
            n.put("timestamp", m.path("Timestamp").asText());
            n.put("source", "localstack-mailbox");
        }
        return out;
    }

    private ArrayNode fromRecords() {
        ArrayNode out = JSON.createArrayNode();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamoDb.scan(b -> b.tableName(idempotencyTable).consistentRead(true)
                    .filterExpression("begins_with(pk, :prefix) AND #state = :sent")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(RECORD_PREFIX), ":sent", AttributeValue.fromS("SENT")))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> out.add(fromRecord(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? new HashMap<>(page.lastEvaluatedKey()) : null;
        } while (start != null);
        return out;
    }

    /** One e-mail record: {@code pk = email#ORDER#TYPE[#OCCURRENCE]}, {@code messageId}, {@code sentAt} (epoch ms). */
    static ObjectNode fromRecord(Map<String, AttributeValue> item) {
        String[] parts = item.get("pk").s().substring(RECORD_PREFIX.length()).split("#", 3);
        String orderId = parts[0];
        String type = parts.length > 1 ? parts[1] : "?";
        ObjectNode n = JSON.createObjectNode();
        n.put("messageId", item.containsKey("messageId") ? item.get("messageId").s() : "");
        n.put("from", "");
        n.putArray("to");
        n.put("subject", type + " e-mail for order " + orderId + (parts.length > 2 ? " (" + parts[2] + ")" : "")
                + ", as Cartwheel recorded it");
        n.put("text", "");
        n.put("html", "");
        n.put("timestamp", item.containsKey("sentAt") ? Instant.ofEpochMilli(Long.parseLong(item.get("sentAt").n())).toString() : "");
        n.put("source", "email-records");
        return n;
    }

    /** A JSON answer of the endpoint, or null when it has no such route (or does not answer). */
    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(ses.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
