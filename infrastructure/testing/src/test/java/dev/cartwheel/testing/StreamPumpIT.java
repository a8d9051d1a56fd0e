package dev.cartwheel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cartwheel.emulators.eventbridge.BusEvent;
import dev.cartwheel.emulators.streams.DynamoDbStreamPoller.Settings;
import dev.cartwheel.emulators.template.FunctionEvent;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/** StreamPump over DynamoDB Local's streams, with a handler that publishes to the emulated EventBridge. */
@ExtendWith(AwsEmulators.class)
class StreamPumpIT {

    private AwsEnvironment env;
    private ProvisionedStack stack;
    private String table;
    private FunctionEvent jobChanges;
    private final List<DynamodbEvent> events = new ArrayList<>();

    @BeforeEach
    void provision(AwsEnvironment environment) {
        AwsEmulatorsIT.sameAsEveryOtherTest(environment);
        env = environment;
        stack = env.provision(Fixtures.pumpTemplate());
        table = stack.tableName("JobsTable");
        jobChanges = stack.template().function("PublisherFunction").events().get("JobChanges");
    }

    private void put(String pk, String state) {
        env.dynamoDb().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk),
                "state", AttributeValue.fromS(state))));
    }

    /** What an order-events-like handler does: one bus event per record, failing the records in state POISON. */
    private StreamsEventResponse publish(DynamodbEvent event) {
        events.add(event);
        String bus = stack.environment("PublisherFunction").get("EVENT_BUS_NAME");
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord r : event.getRecords()) {
            var image = r.getDynamodb().getNewImage();
            if (image != null && "POISON".equals(image.get("state").getS())) {
                failures.add(new StreamsEventResponse.BatchItemFailure(r.getDynamodb().getSequenceNumber()));
                continue;
            }
            String pk = r.getDynamodb().getKeys().get("pk").getS();
            env.eventBridge().putEvents(p -> p.entries(PutEventsRequestEntry.builder().eventBusName(bus)
                    .source("cartwheel.jobs").detailType("job." + r.getEventName().toLowerCase(java.util.Locale.ROOT))
                    .detail("{\"pk\":\"" + pk + "\",\"seq\":\"" + r.getDynamodb().getSequenceNumber() + "\"}").build()));
        }
        return new StreamsEventResponse(failures);
    }

    @Test
    void handsTheStreamToTheHandlerAsARealDynamodbEvent_andTheHandlersEventsReachTheBus(StreamPump pump, EventBus bus) {
        // GIVEN an insert, a modify of every attribute type and a remove
        put("job-1", "NEW");
        env.dynamoDb().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS("job-1"),
                "state", AttributeValue.fromS("DONE"), "count", AttributeValue.fromN("3"),
                "blob", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")), "tags", AttributeValue.fromSs(List.of("a", "b")),
                "flag", AttributeValue.fromBool(true), "none", AttributeValue.fromNul(true),
                "nested", AttributeValue.fromM(Map.of("list", AttributeValue.fromL(List.of(AttributeValue.fromN("1"))))))));
        env.dynamoDb().deleteItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("job-1"))));

        // WHEN the stream is pumped with the template's event settings
        int delivered = pump.drain(jobChanges, this::publish);

        // THEN the three records came in one DynamodbEvent as Lambda builds it
        assertThat(delivered).isEqualTo(3);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getRecords()).extracting(DynamodbEvent.DynamodbStreamRecord::getEventName)
                    .containsExactly("INSERT", "MODIFY", "REMOVE");
            DynamodbEvent.DynamodbStreamRecord modify = e.getRecords().get(1);
            assertThat(modify.getEventSource()).isEqualTo("aws:dynamodb");
            assertThat(modify.getEventVersion()).isEqualTo("1.1");
            assertThat(modify.getAwsRegion()).isEqualTo("us-east-1");
            assertThat(modify.getEventSourceARN()).isEqualTo(stack.streamArn("JobsTable"));
            assertThat(modify.getEventID()).isNotBlank();
            var d = modify.getDynamodb();
            assertThat(d.getStreamViewType()).isEqualTo("NEW_AND_OLD_IMAGES");
            assertThat(d.getSizeBytes()).isPositive();
            assertThat(d.getApproximateCreationDateTime().toInstant()).isBetween(Instant.now().minusSeconds(60), Instant.now());
            assertThat(d.getKeys()).containsOnlyKeys("pk");
            assertThat(d.getOldImage().get("state").getS()).isEqualTo("NEW");
            assertThat(d.getNewImage().get("state").getS()).isEqualTo("DONE");
            assertThat(d.getNewImage().get("count").getN()).isEqualTo("3");
            assertThat(d.getNewImage().get("blob").getB().array()).isEqualTo("hi".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(d.getNewImage().get("tags").getSS()).containsExactlyInAnyOrder("a", "b");
            assertThat(d.getNewImage().get("flag").getBOOL()).isTrue();
            assertThat(d.getNewImage().get("none").getNULL()).isTrue();
            assertThat(d.getNewImage().get("nested").getM().get("list").getL().getFirst().getN()).isEqualTo("1");
            assertThat(e.getRecords().get(2).getDynamodb().getNewImage()).isNull();
            assertThat(e.getRecords().get(2).getDynamodb().getOldImage()).isNotNull();
        });

        // AND the handler's events are on the stack's own bus, in order
        String busName = stack.eventBusName("JobEventBus");
        assertThat(busName).isEqualTo(stack.prefix() + "-jobs");
        assertThat(bus.events(busName)).extracting(BusEvent::detailType).containsExactly("job.insert", "job.modify", "job.remove");
        assertThat(bus.events(busName, "job.modify")).singleElement()
                .satisfies(ev -> assertThat(ev.detailText("pk")).isEqualTo("job-1"));
        assertThat(env.eventBus()).isSameAs(bus);

        // AND the next drain starts where this one stopped
        events.clear();
        put("job-2", "NEW");
        assertThat(pump.drain(stack.streamArn("JobsTable"), this::publish)).isEqualTo(1);
        assertThat(events.getFirst().getRecords()).extracting(r -> r.getDynamodb().getKeys().get("pk").getS())
                .containsExactly("job-2");
    }

    @Test
    void aReportedFailureIsRetriedFromItsSequenceNumber_thenDiscardedToTheOnFailureQueue(StreamPump pump) throws Exception {
        // GIVEN three writes, the middle one always failing (MaximumRetryAttempts 2 in the template)
        put("job-1", "NEW");
        put("job-2", "POISON");
        put("job-3", "NEW");

        // WHEN pumped with the template's settings
        int delivered = pump.drain(jobChanges, this::publish);

        // THEN the first invocation had all three, the two retries started at the failing one
        assertThat(events).extracting(e -> e.getRecords().stream().map(r -> r.getDynamodb().getKeys().get("pk").getS()).toList())
                .containsExactly(List.of("job-1", "job-2", "job-3"), List.of("job-2", "job-3"), List.of("job-2", "job-3"));
        assertThat(delivered).isEqualTo(7);
        assertThat(pump.discarded(stack.streamArn("JobsTable"))).isEqualTo(2);
        // job-1 published once; job-3 published on each of the three invocations (a handler must be idempotent)
        assertThat(env.eventBus().events(stack.eventBusName("JobEventBus"))).extracting(e -> e.detailText("pk"))
                .containsExactly("job-1", "job-3", "job-3", "job-3");

        // AND the OnFailure queue names the discarded records
        List<Message> dlq = env.sqs().receiveMessage(r -> r.queueUrl(stack.queueUrl("PublisherDeadLetterQueue"))
                .waitTimeSeconds(1)).messages();
        assertThat(dlq).hasSize(1);
        JsonNode info = new ObjectMapper().readTree(dlq.getFirst().body()).path("DDBStreamBatchInfo");
        assertThat(info.path("batchSize").asInt()).isEqualTo(2);
        assertThat(info.path("startSequenceNumber").asText())
                .isEqualTo(events.getFirst().getRecords().get(1).getDynamodb().getSequenceNumber());
        assertThat(info.path("streamArn").asText()).isEqualTo(stack.streamArn("JobsTable"));
    }

    @Test
    void aThrowingHandlerFailsTheWholeBatch_andUnlimitedRetriesTimeOut(StreamPump pump) {
        put("job-1", "NEW");
        List<Integer> sizes = new ArrayList<>();
        assertThatThrownBy(() -> pump.drain(stack.streamArn("JobsTable"), Settings.defaults(), e -> {
            sizes.add(e.getRecords().size());
            throw new IllegalStateException("boom");
        }, Duration.ofMillis(500))).isInstanceOf(StreamPumpTimeoutException.class);
        assertThat(sizes).hasSizeGreaterThan(1).containsOnly(1);

        // a handler returning null succeeds for all, from the record that kept failing
        List<DynamodbEvent> seen = new ArrayList<>();
        assertThat(pump.drain(stack.streamArn("JobsTable"), e -> {
            seen.add(e);
            return null;
        })).isEqualTo(1);
        assertThat(seen).hasSize(1);
    }
}
