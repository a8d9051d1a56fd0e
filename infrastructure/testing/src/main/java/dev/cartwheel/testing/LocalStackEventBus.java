package dev.cartwheel.testing;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cartwheel.emulators.eventbridge.BusEvent;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * LocalStack keeps no record of the events put on a bus, so each provisioned bus gets what one would use on AWS: a
 * rule matching every event with an SQS queue as its target. {@link #events(String)} drains that queue into the
 * events seen so far.
 */
final class LocalStackEventBus implements EventBus {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MATCH_ALL = "{\"source\":[{\"prefix\":\"\"}]}";

    private final EventBridgeClient eventBridge;
    private final SqsClient sqs;
    private final Map<String, String> captureQueues = new LinkedHashMap<>();
    private final Map<String, List<BusEvent>> seen = new LinkedHashMap<>();

    LocalStackEventBus(EventBridgeClient eventBridge, SqsClient sqs) {
        this.eventBridge = eventBridge;
        this.sqs = sqs;
    }

    /** Starts capturing the events of a bus (a rule on it sending every event to a queue of its own). */
    synchronized void capture(String busName) {
        if (captureQueues.containsKey(busName)) {
            return;
        }
        String queueName = (busName.replaceAll("[^A-Za-z0-9_-]", "-") + "-capture");
        queueName = queueName.substring(Math.max(0, queueName.length() - 80));
        String name = queueName;
        String url = sqs.createQueue(r -> r.queueName(name)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        eventBridge.putRule(r -> r.name("capture-all").eventBusName(busName).eventPattern(MATCH_ALL));
        eventBridge.putTargets(r -> r.rule("capture-all").eventBusName(busName).targets(t -> t.id("capture").arn(arn)));
        captureQueues.put(busName, url);
    }

    @Override
    public synchronized List<BusEvent> events(String busName) {
        String name = busName.contains(":event-bus/") ? busName.substring(busName.indexOf(":event-bus/") + 11) : busName;
        String url = captureQueues.get(name);
        if (url == null) {
            throw new IllegalArgumentException("no provisioned event bus " + name + " (capturing " + captureQueues.keySet() + ")");
        }
        List<BusEvent> events = seen.computeIfAbsent(name, n -> new ArrayList<>());
        while (true) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return List.copyOf(events);
            }
            for (Message m : batch) {
                events.add(parse(name, m.body()));
                sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
    }

    @Override
    public synchronized void clear() {
        captureQueues.keySet().forEach(this::events);
        seen.clear();
    }

    private static BusEvent parse(String busName, String body) {
        try {
            JsonNode e = JSON.readTree(body);
            List<String> resources = new ArrayList<>();
            e.path("resources").forEach(r -> resources.add(r.asText()));
            String account = e.path("account").asText();
            String region = e.path("region").asText();
            return new BusEvent(e.path("id").asText(), busName,
                    "arn:aws:events:" + region + ":" + account + ":event-bus/" + busName, e.path("source").asText(),
                    e.path("detail-type").asText(), JSON.writeValueAsString(e.path("detail")), resources,
                    Instant.parse(e.path("time").asText()), account, region);
        } catch (IOException | RuntimeException ex) {
            throw new IllegalStateException("not an EventBridge event: " + body, ex);
        }
    }
}
