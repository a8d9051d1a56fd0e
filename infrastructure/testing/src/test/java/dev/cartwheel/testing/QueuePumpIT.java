package dev.cartwheel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

@ExtendWith(AwsEmulators.class)
class QueuePumpIT {

    private ProvisionedStack stack;
    private SqsClient sqs;

    @BeforeEach
    void provision(AwsEnvironment env) {
        AwsEmulatorsIT.sameAsEveryOtherTest(env);
        stack = env.provision(Fixtures.pumpTemplate());
        sqs = env.sqs();
    }

    private void send(String queue, String body) {
        sqs.sendMessage(r -> r.queueUrl(stack.queueUrl(queue)).messageBody(body).messageAttributes(Map.of(
                "type", MessageAttributeValue.builder().dataType("String").stringValue("job").build())));
    }

    /** Fails every message whose body starts with "poison", counting deliveries per body. */
    static Function<SQSEvent, SQSBatchResponse> handler(Map<String, Integer> deliveries, List<SQSEvent> events) {
        return event -> {
            events.add(event);
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                deliveries.merge(m.getBody(), 1, Integer::sum);
                if (m.getBody().startsWith("poison")) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        };
    }

    @Test
    void failingMessageIsRedeliveredThenRedrivenToTheDlqWhileBatchMatesAreDeleted(QueuePump pump) {
        send("WorkQueue", "ok-1");
        send("WorkQueue", "poison-1");
        send("WorkQueue", "ok-2");
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        List<SQSEvent> events = Collections.synchronizedList(new ArrayList<>());

        List<PumpResult> results = pump.drain(stack.queueUrl("WorkQueue"), handler(deliveries, events),
                Duration.ofSeconds(30));

        assertThat(deliveries).containsEntry("ok-1", 1).containsEntry("ok-2", 1).containsEntry("poison-1", 5);
        assertThat(results.stream().mapToInt(r -> r.deleted().size()).sum()).isEqualTo(2);
        assertThat(results.stream().mapToInt(r -> r.failed().size()).sum()).isEqualTo(5);
        assertThat(pump.approximateCount(stack.queueUrl("WorkQueue"))).isZero();

        var dead = sqs.receiveMessage(r -> r.queueUrl(stack.queueUrl("WorkDeadLetterQueue")).maxNumberOfMessages(10)
                .waitTimeSeconds(1)).messages();
        assertThat(dead).extracting(m -> m.body()).containsExactly("poison-1");

        SQSEvent.SQSMessage first = events.getFirst().getRecords().getFirst();
        assertThat(first.getEventSource()).isEqualTo("aws:sqs");
        assertThat(first.getEventSourceArn()).isEqualTo(stack.arn("WorkQueue"));
        assertThat(first.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(first.getReceiptHandle()).isNotBlank();
        assertThat(first.getMessageAttributes().get("type").getStringValue()).isEqualTo("job");
        assertThat(first.getMessageAttributes().get("type").getDataType()).isEqualTo("String");
        assertThat(first.getAttributes()).containsKeys("ApproximateReceiveCount", "SentTimestamp");
        List<String> poisonReceiveCounts = events.stream().flatMap(e -> e.getRecords().stream())
                .filter(m -> m.getBody().equals("poison-1"))
                .map(m -> m.getAttributes().get("ApproximateReceiveCount")).toList();
        assertThat(poisonReceiveCounts).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void honoursTheBatchSizeOfAtMostTen(QueuePump pump) {
        for (int i = 0; i < 15; i++) {
            send("NextQueue", "m" + i);
        }
        Map<String, Integer> deliveries = new HashMap<>();
        List<SQSEvent> events = new ArrayList<>();
        PumpResult three = pump.pumpOnce(stack.queueUrl("NextQueue"), 3, handler(deliveries, events));
        assertThat(three.delivered()).hasSizeBetween(1, 3);
        List<PumpResult> rest = pump.drain(stack.queueUrl("NextQueue"), handler(deliveries, events),
                Duration.ofSeconds(30));
        assertThat(rest).allSatisfy(r -> assertThat(r.delivered()).hasSizeLessThanOrEqualTo(10));
        assertThat(events).allSatisfy(e -> assertThat(e.getRecords()).hasSizeLessThanOrEqualTo(10));
        assertThat(deliveries).hasSize(15).allSatisfy((body, count) -> assertThat(count).isEqualTo(1));
    }

    @Test
    void aThrowingHandlerFailsTheWholeBatchAndDrainChainsQueues(QueuePump pump) {
        send("WorkQueue", "a");
        send("WorkQueue", "b");
        PumpResult failed = pump.pumpOnce(stack.queueUrl("WorkQueue"), event -> {
            throw new IllegalStateException("boom");
        });
        assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).hasMessage("boom"));
        assertThat(failed.deleted()).isEmpty();
        assertThat(failed.failed()).hasSameSizeAs(failed.delivered());

        // Worker forwards to NextQueue; drain pumps both until both are empty.
        List<String> forwarded = Collections.synchronizedList(new ArrayList<>());
        Map<String, Function<SQSEvent, SQSBatchResponse>> routes = Map.of(
                stack.queueUrl("WorkQueue"), event -> {
                    event.getRecords().forEach(m -> send("NextQueue", "next-" + m.getBody()));
                    return null;
                },
                stack.queueUrl("NextQueue"), event -> {
                    event.getRecords().forEach(m -> forwarded.add(m.getBody()));
                    return new SQSBatchResponse(List.of());
                });
        pump.drain(routes, Duration.ofSeconds(30));
        assertThat(forwarded).containsExactlyInAnyOrder("next-a", "next-b");
    }
}
