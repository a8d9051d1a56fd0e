package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SQS event source mappings against ElasticMQ with a test function under the real runtime client: a batch with one
 * failing message deletes the others and redelivers only that one; after maxReceiveCount (5) failures it is in the DLQ,
 * and the console's redrive moves it back. The queue's own VisibilityTimeout (3 s in this test template, one execution environment: ReservedConcurrentExecutions 1) paces the
 * retries: no --fast-retry. On the event source mapping tests' cloud ({@link SharedFixtureCloud}).
 */
@ExtendWith(SharedFixtureCloud.class)
class EventSourceMappingIT {

    static LocalCloud cloud;
    static Path fixtureLog;

    @BeforeAll
    static void useTheFixtureCloud(SharedFixtureCloud.Fixture fixture) {
        cloud = fixture.cloud();
        fixtureLog = fixture.queueLog();
    }

    record Delivery(String messageId, int receiveCount, String body, String arn, int batchSize) {
    }

    static List<Delivery> deliveries() throws Exception {
        List<Delivery> out = new ArrayList<>();
        for (String line : Files.readAllLines(fixtureLog)) {
            String[] f = line.split("\t");
            out.add(new Delivery(f[0], Integer.parseInt(f[1]), f[2], f[3], Integer.parseInt(f[4])));
        }
        return out;
    }

    @Test
    void oneFailingMessageIsRedeliveredAloneUntilItLandsInTheDlq() throws Exception {
        String url = cloud.provisioned().queueUrl("WorkQueue");
        String dlqUrl = cloud.provisioned().queueUrl("WorkDeadLetterQueue");
        String arn = cloud.provisioned().arn("WorkQueue");
        assertThat(cloud.lambda().pool("FlakyFunction").maxConcurrency()).isEqualTo(1);
        var sqs = cloud.sqs();
        sqs.sendMessageBatch(b -> b.queueUrl(url).entries(
                e -> e.id("a").messageBody("ok-1").messageAttributes(Map.of("correlationId",
                        MessageAttributeValue.builder().dataType("String").stringValue("c-1").build())),
                e -> e.id("b").messageBody("fail-1"),
                e -> e.id("c").messageBody("ok-2")));

        List<Message> inDlq = await("the failing message in the DLQ").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .until(() -> sqs.receiveMessage(r -> r.queueUrl(dlqUrl).waitTimeSeconds(1).visibilityTimeout(0)).messages(),
                        messages -> !messages.isEmpty());
        assertThat(inDlq).extracting(Message::body).containsExactly("fail-1");

        List<Delivery> d = deliveries();
        // the good messages were delivered once (in the first batch, with the failing one) and deleted
        assertThat(d).filteredOn(x -> x.body().startsWith("ok")).hasSize(2).allMatch(x -> x.receiveCount() == 1);
        assertThat(d).filteredOn(x -> x.receiveCount() == 1).extracting(Delivery::batchSize).containsOnly(3);
        // the failing one alone, receive counts 1..5, then the DLQ
        assertThat(d).filteredOn(x -> x.body().equals("fail-1")).extracting(Delivery::receiveCount).containsExactly(1, 2, 3, 4, 5);
        assertThat(d).filteredOn(x -> x.receiveCount() > 1).allMatch(x -> x.batchSize() == 1 && x.body().equals("fail-1"));
        assertThat(d).allMatch(x -> x.arn().equals(arn));
        // AND the mapping counted it so: five invocations, each failing one message, the two good ones deleted
        assertThat(cloud.mappings()).singleElement().satisfies(m -> {
            assertThat(m.batches()).isEqualTo(5);
            assertThat(m.failedBatches()).isEqualTo(5);
            assertThat(m.failedMessages()).isEqualTo(5);
            assertThat(m.deletedMessages()).isEqualTo(2);
        });
        assertThat(cloud.lambda().pool("FlakyFunction").liveInstances()).isEqualTo(1);
        var attrs = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNamesWithStrings("ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
        assertThat(attrs).containsEntry("ApproximateNumberOfMessages", "0").containsEntry("ApproximateNumberOfMessagesNotVisible", "0");

        // the console shows it in the DLQ; its redrive button moves it back to the source queue
        JsonNode queues = cloud.queues();
        JsonNode dlq = null;
        for (JsonNode q : queues) {
            if (q.path("logicalId").asText().equals("WorkDeadLetterQueue")) {
                dlq = q;
            }
        }
        assertThat(dlq).isNotNull();
        assertThat(dlq.path("deadLetterQueue").asBoolean()).isTrue();
        assertThat(dlq.path("sourceQueue").asText()).isEqualTo("WorkQueue");
        assertThat(dlq.path("messages").toString()).contains("fail-1");
        int before = deliveries().size();
        assertThat(cloud.redrive(cloud.provisioned().name("WorkDeadLetterQueue"))).isEqualTo(1);
        List<Delivery> redelivered = await("the redriven message delivered again").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> deliveries().subList(before, deliveries().size()), since -> !since.isEmpty());
        assertThat(redelivered).extracting(Delivery::body).contains("fail-1");
    }
}
