package dev.cartwheel.local.esm;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartwheel.emulators.streams.DynamoDbStreamPoller.Outcome;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The DynamoDB stream event the local mapping builds, and how it reads the function's response. No I/O. */
class DynamoDbStreamEventTest {

    static final String STREAM = "arn:aws:dynamodb:us-east-1:000000000000:table/cartwheel-OrdersTable/stream/2026-01-01T00:00:00.000";

    static Record record(String eventName, String sequenceNumber, Map<String, AttributeValue> newImage,
                         Map<String, AttributeValue> oldImage) {
        return Record.builder().eventID("e-" + sequenceNumber).eventName(eventName).eventVersion("1.1")
                .eventSource("aws:dynamodb").awsRegion("ddblocal")
                .dynamodb(d -> {
                    d.approximateCreationDateTime(Instant.ofEpochSecond(1_767_225_600L)).keys(Map.of("orderId", AttributeValue.fromS("o-1")))
                            .sequenceNumber(sequenceNumber).sizeBytes(42L).streamViewType("NEW_AND_OLD_IMAGES");
                    if (newImage != null) {
                        d.newImage(newImage);
                    }
                    if (oldImage != null) {
                        d.oldImage(oldImage);
                    }
                }).build();
    }

    @Test
    void theEventIsLambdasDynamoDbEvent_andTheRuntimeReadsItAsADynamodbEvent() throws Exception {
        // GIVEN a modify with every attribute type and a remove
        Map<String, AttributeValue> image = Map.of("orderId", AttributeValue.fromS("o-1"), "version", AttributeValue.fromN("4"),
                "blob", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")), "tags", AttributeValue.fromSs(List.of("a")),
                "counts", AttributeValue.fromNs(List.of("1", "2")), "paid", AttributeValue.fromBool(true),
                "nothing", AttributeValue.fromNul(true),
                "history", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of("status", AttributeValue.fromS("PAID"))))));
        List<Record> batch = List.of(record("MODIFY", "100", image, Map.of("orderId", AttributeValue.fromS("o-1"))),
                record("REMOVE", "101", null, image));

        // WHEN the mapping builds the event
        JsonNode event = DynamoDbStreamEventSourceMapping.event(batch, STREAM, "us-east-1");

        // THEN it is what Lambda sends
        JsonNode r = event.path("Records").get(0);
        assertThat(r.path("eventID").asText()).isEqualTo("e-100");
        assertThat(r.path("eventName").asText()).isEqualTo("MODIFY");
        assertThat(r.path("eventVersion").asText()).isEqualTo("1.1");
        assertThat(r.path("eventSource").asText()).isEqualTo("aws:dynamodb");
        assertThat(r.path("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(r.path("eventSourceARN").asText()).isEqualTo(STREAM);
        JsonNode d = r.path("dynamodb");
        assertThat(d.path("ApproximateCreationDateTime").isIntegralNumber()).isTrue();
        assertThat(d.path("ApproximateCreationDateTime").asLong()).isEqualTo(1_767_225_600L);
        assertThat(d.path("Keys").toString()).isEqualTo("{\"orderId\":{\"S\":\"o-1\"}}");
        assertThat(d.path("NewImage").path("version").toString()).isEqualTo("{\"N\":\"4\"}");
        assertThat(d.path("NewImage").path("blob").path("B").asText()).isEqualTo("aGk=");
        assertThat(d.path("NewImage").path("nothing").toString()).isEqualTo("{\"NULL\":true}");
        assertThat(d.path("NewImage").path("history").toString()).isEqualTo("{\"L\":[{\"M\":{\"status\":{\"S\":\"PAID\"}}}]}");
        assertThat(d.path("SequenceNumber").asText()).isEqualTo("100");
        assertThat(d.path("SizeBytes").asLong()).isEqualTo(42);
        assertThat(d.path("StreamViewType").asText()).isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(event.path("Records").get(1).path("dynamodb").has("NewImage")).isFalse();

        // AND the Lambda runtime's serializer reads it as a DynamodbEvent, every value intact
        DynamodbEvent typed = LambdaEventSerializers.serializerFor(DynamodbEvent.class, getClass().getClassLoader())
                .fromJson(new ObjectMapper().writeValueAsString(event));
        DynamodbEvent.DynamodbStreamRecord modify = typed.getRecords().getFirst();
        assertThat(modify.getEventName()).isEqualTo("MODIFY");
        assertThat(modify.getEventSourceARN()).isEqualTo(STREAM);
        assertThat(modify.getDynamodb().getApproximateCreationDateTime().toInstant()).isEqualTo(Instant.ofEpochSecond(1_767_225_600L));
        assertThat(modify.getDynamodb().getSequenceNumber()).isEqualTo("100");
        assertThat(modify.getDynamodb().getSizeBytes()).isEqualTo(42L);
        assertThat(modify.getDynamodb().getStreamViewType()).isEqualTo("NEW_AND_OLD_IMAGES");
        var newImage = modify.getDynamodb().getNewImage();
        assertThat(newImage.get("version").getN()).isEqualTo("4");
        assertThat(StandardCharsets.UTF_8.decode(newImage.get("blob").getB()).toString()).isEqualTo("hi");
        assertThat(newImage.get("tags").getSS()).containsExactly("a");
        assertThat(newImage.get("counts").getNS()).containsExactly("1", "2");
        assertThat(newImage.get("paid").getBOOL()).isTrue();
        assertThat(newImage.get("nothing").getNULL()).isTrue();
        assertThat(newImage.get("history").getL().getFirst().getM().get("status").getS()).isEqualTo("PAID");
        assertThat(modify.getDynamodb().getOldImage()).containsOnlyKeys("orderId");
        assertThat(typed.getRecords().get(1).getDynamodb().getNewImage()).isNull();
    }

    @Test
    void readsBatchItemFailuresFromTheResponse() {
        assertThat(DynamoDbStreamEventSourceMapping.outcome("{\"batchItemFailures\":[{\"itemIdentifier\":\"101\"}]}"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo(new Outcome.ItemFailures(List.of("101")));
        assertThat(DynamoDbStreamEventSourceMapping.outcome("{\"batchItemFailures\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Outcome.ItemFailures(List.of()));
        Outcome invalid = DynamoDbStreamEventSourceMapping.outcome("{\"batchItemFailures\":[{\"id\":\"101\"}]}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(((Outcome.ItemFailures) invalid).itemIdentifiers()).containsExactly((String) null);
        assertThat(DynamoDbStreamEventSourceMapping.outcome("null".getBytes(StandardCharsets.UTF_8))).isInstanceOf(Outcome.Success.class);
        assertThat(DynamoDbStreamEventSourceMapping.outcome("not json".getBytes(StandardCharsets.UTF_8))).isInstanceOf(Outcome.Success.class);
        assertThat(DynamoDbStreamEventSourceMapping.outcome(new byte[0])).isInstanceOf(Outcome.Success.class);
    }
}
