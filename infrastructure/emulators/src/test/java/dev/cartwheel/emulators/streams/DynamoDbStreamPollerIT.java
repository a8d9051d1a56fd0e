package dev.cartwheel.emulators.streams;

import static dev.cartwheel.emulators.SharedEmulators.DYNAMO;
import static dev.cartwheel.emulators.SharedEmulators.SQS;
import static dev.cartwheel.emulators.SharedEmulators.STREAMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cartwheel.emulators.streams.DynamoDbStreamPoller.Batch;
import dev.cartwheel.emulators.streams.DynamoDbStreamPoller.Outcome;
import dev.cartwheel.emulators.streams.DynamoDbStreamPoller.Settings;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import dev.cartwheel.emulators.SharedEmulators;
import dev.cartwheel.emulators.server.EmulatorException;

/** The stream poller against DynamoDB Local's stream: batches, checkpoints, partial failures, bisection, discards. */
class DynamoDbStreamPollerIT {

    private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:StreamFunction";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private String table;
    private String streamArn;
    private String dlqUrl;
    private String dlqArn;
    private final List<Batch> batches = new ArrayList<>();

    @BeforeEach
    void createTableAndQueue() {
        String prefix = SharedEmulators.freshPrefix();
        table = prefix + "-orders";
        streamArn = DYNAMO.createTable(r -> r.tableName(table).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("orderId").attributeType("S"))
                .keySchema(k -> k.attributeName("orderId").keyType("HASH"))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_AND_OLD_IMAGES")))
                .tableDescription().latestStreamArn();
        dlqUrl = SQS.createQueue(r -> r.queueName(prefix + "-stream-dlq")).queueUrl();
        dlqArn = SQS.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private void put(String orderId, String status) {
        DYNAMO.putItem(r -> r.tableName(table).item(Map.of("orderId", AttributeValue.fromS(orderId),
                "status", AttributeValue.fromS(status))));
    }

    private DynamoDbStreamPoller poller(Settings settings) {
        return DynamoDbStreamPoller.open(STREAMS, SQS, streamArn, FUNCTION_ARN, settings, Duration.ZERO, line -> { });
    }

    private static String orderId(Record r) {
        return r.dynamodb().keys().get("orderId").s();
    }

    private List<List<String>> deliveredOrderIds() {
        return batches.stream().map(b -> b.records().stream().map(DynamoDbStreamPollerIT::orderId).toList()).toList();
    }

    /** Records the batch and fails the records of {@code poison} (reported as batch item failures). */
    private DynamoDbStreamPoller.Invoker failing(String poison) {
        return batch -> {
            batches.add(batch);
            return new Outcome.ItemFailures(batch.records().stream().filter(r -> orderId(r).equals(poison))
                    .map(r -> r.dynamodb().sequenceNumber()).toList());
        };
    }

    @Test
    void deliversInsertsModifiesAndRemovesInOrder_thenOnlyWhatIsNew() {
        // GIVEN an insert, a modify and a remove
        put("o-1", "PENDING");
        put("o-1", "RESERVED");
        DYNAMO.deleteItem(r -> r.tableName(table).key(Map.of("orderId", AttributeValue.fromS("o-1"))));
        DynamoDbStreamPoller poller = poller(Settings.defaults());

        // WHEN the stream is drained
        int delivered = poller.drain(batch -> {
            batches.add(batch);
            return new Outcome.Success();
        }, TIMEOUT);

        // THEN one batch of the three records, oldest first, with their images
        assertThat(delivered).isEqualTo(3);
        assertThat(batches).singleElement().satisfies(b -> {
            assertThat(b.streamArn()).isEqualTo(streamArn);
            assertThat(b.shardId()).isNotBlank();
            assertThat(b.attempt()).isEqualTo(1);
            assertThat(b.records()).extracting(Record::eventNameAsString).containsExactly("INSERT", "MODIFY", "REMOVE");
            Record modify = b.records().get(1);
            assertThat(modify.dynamodb().newImage().get("status").s()).isEqualTo("RESERVED");
            assertThat(modify.dynamodb().oldImage().get("status").s()).isEqualTo("PENDING");
            assertThat(modify.dynamodb().sizeBytes()).isPositive();
            assertThat(modify.dynamodb().approximateCreationDateTime()).isNotNull();
        });

        // AND a second drain finds nothing, a third only the new write
        assertThat(poller.drain(batch -> new Outcome.Success(), TIMEOUT)).isZero();
        put("o-2", "PENDING");
        batches.clear();
        assertThat(poller.drain(batch -> {
            batches.add(batch);
            return new Outcome.Success();
        }, TIMEOUT)).isEqualTo(1);
        assertThat(deliveredOrderIds()).containsExactly(List.of("o-2"));
    }

    @Test
    void aReportedItemFailureCheckpointsTheRecordsBeforeItAndRetriesFromIt() {
        // GIVEN three writes, the second failing once
        put("o-1", "PENDING");
        put("o-2", "PENDING");
        put("o-3", "PENDING");
        List<String> failedOnce = new ArrayList<>();
        DynamoDbStreamPoller poller = poller(Settings.defaults());

        // WHEN drained
        int delivered = poller.drain(batch -> {
            batches.add(batch);
            if (failedOnce.isEmpty()) {
                failedOnce.add("o-2");
                return new Outcome.ItemFailures(List.of(batch.records().get(1).dynamodb().sequenceNumber()));
            }
            return new Outcome.Success();
        }, TIMEOUT);

        // THEN the retry starts at the failed record
        assertThat(deliveredOrderIds()).containsExactly(List.of("o-1", "o-2", "o-3"), List.of("o-2", "o-3"));
        assertThat(batches).extracting(Batch::attempt).containsExactly(1, 2);
        assertThat(delivered).isEqualTo(5);
        assertThat(poller.discarded()).isZero();
    }

    @Test
    void afterMaximumRetryAttemptsTheFailingRecordsGoToTheOnFailureQueueAndTheShardMovesOn() throws Exception {
        // GIVEN three writes, the second always failing, two retries allowed, an OnFailure queue
        put("o-1", "PENDING");
        put("o-2", "POISON");
        put("o-3", "PENDING");
        DynamoDbStreamPoller poller = poller(Settings.defaults().withMaximumRetryAttempts(2).withOnFailureDestinationArn(dlqArn));

        // WHEN drained, then a new write
        poller.drain(failing("o-2"), TIMEOUT);
        put("o-4", "PENDING");
        poller.drain(failing("o-2"), TIMEOUT);

        // THEN the failing suffix was tried three times in all, then discarded, and the shard moved on
        assertThat(deliveredOrderIds()).containsExactly(List.of("o-1", "o-2", "o-3"), List.of("o-2", "o-3"),
                List.of("o-2", "o-3"), List.of("o-4"));
        assertThat(poller.discarded()).isEqualTo(2);

        // AND the OnFailure queue holds Lambda's invocation record of the discarded records
        List<Message> messages = SQS.receiveMessage(r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        assertThat(messages).hasSize(1);
        JsonNode record = new ObjectMapper().readTree(messages.getFirst().body());
        Batch first = batches.getFirst();
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(record.path("requestContext").path("functionArn").asText()).isEqualTo(FUNCTION_ARN);
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
        assertThat(record.path("responseContext").has("functionError")).isFalse();
        assertThat(record.path("version").asText()).isEqualTo("1.0");
        JsonNode info = record.path("DDBStreamBatchInfo");
        assertThat(info.path("shardId").asText()).isEqualTo(first.shardId());
        assertThat(info.path("startSequenceNumber").asText()).isEqualTo(first.records().get(1).dynamodb().sequenceNumber());
        assertThat(info.path("endSequenceNumber").asText()).isEqualTo(first.records().get(2).dynamodb().sequenceNumber());
        assertThat(info.path("batchSize").asInt()).isEqualTo(2);
        assertThat(info.path("streamArn").asText()).isEqualTo(streamArn);
        assertThat(info.path("approximateArrivalOfFirstRecord").asText()).endsWith("Z");
    }

    @Test
    void aFunctionErrorBisectsTheBatchUntilTheBadRecordIsAloneAndOnlyItIsDiscarded() throws Exception {
        // GIVEN four writes, the function throwing whenever the third is in its batch
        for (int i = 1; i <= 4; i++) {
            put("o-" + i, i == 3 ? "POISON" : "PENDING");
        }
        DynamoDbStreamPoller poller = poller(Settings.defaults().withBisectBatchOnFunctionError(true)
                .withMaximumRetryAttempts(1).withOnFailureDestinationArn(dlqArn));

        // WHEN drained
        poller.drain(batch -> {
            batches.add(batch);
            if (batch.records().stream().anyMatch(r -> orderId(r).equals("o-3"))) {
                throw new IllegalStateException("boom");
            }
            return new Outcome.Success();
        }, TIMEOUT);

        // THEN halves until the bad record is alone, retried once, discarded, then the rest
        assertThat(deliveredOrderIds()).containsExactly(List.of("o-1", "o-2", "o-3", "o-4"), List.of("o-1", "o-2"),
                List.of("o-3", "o-4"), List.of("o-3"), List.of("o-3"), List.of("o-4"));
        assertThat(poller.discarded()).isEqualTo(1);
        JsonNode record = new ObjectMapper().readTree(SQS.receiveMessage(r -> r.queueUrl(dlqUrl).waitTimeSeconds(1))
                .messages().getFirst().body());
        assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.path("DDBStreamBatchInfo").path("batchSize").asInt()).isEqualTo(1);
    }

    @Test
    void anUnknownItemIdentifierFailsTheWholeBatch_andWithoutReportBatchItemFailuresTheResponseIsIgnored() {
        put("o-1", "PENDING");
        put("o-2", "PENDING");
        List<Integer> calls = new ArrayList<>();
        poller(Settings.defaults()).drain(batch -> {
            batches.add(batch);
            calls.add(batch.records().size());
            return calls.size() == 1 ? new Outcome.ItemFailures(List.of("not-a-sequence-number")) : new Outcome.Success();
        }, TIMEOUT);
        assertThat(deliveredOrderIds()).containsExactly(List.of("o-1", "o-2"), List.of("o-1", "o-2"));

        batches.clear();
        poller(Settings.defaults().withReportBatchItemFailures(false)).drain(failing("o-1"), TIMEOUT);
        assertThat(deliveredOrderIds()).containsExactly(List.of("o-1", "o-2"));
    }

    @Test
    void latestSkipsWhatWasWrittenBeforeTheMappingAndBatchSizeLimitsABatch() {
        put("old-1", "PENDING");
        DynamoDbStreamPoller poller = poller(new Settings(2, DynamoDbStreamPoller.LATEST, -1, -1, false, true, null));
        put("o-1", "PENDING");
        put("o-2", "PENDING");
        put("o-3", "PENDING");
        assertThat(poller.drain(failing("none"), TIMEOUT)).isEqualTo(3);
        assertThat(deliveredOrderIds()).containsExactly(List.of("o-1", "o-2"), List.of("o-3"));
    }

    @Test
    void drainGivesUpAfterItsTimeoutWhenARecordIsRetriedForever() {
        put("o-1", "POISON");
        DynamoDbStreamPoller poller = poller(Settings.defaults());
        assertThatThrownBy(() -> poller.drain(failing("o-1"), Duration.ofMillis(500)))
                .isInstanceOf(EmulatorException.class).hasMessageContaining("not drained");
    }
}
