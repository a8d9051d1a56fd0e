package dev.cartwheel.emulators.provisioning;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.TemplateException;
import dev.cartwheel.emulators.template.Yamls;

/**
 * {@code AWS::SQS::Queue} with its attributes and RedrivePolicy ({@code .fifo} appended to a FIFO queue's generated
 * name). {@code Ref} gives the queue URL, {@code GetAtt} Arn, QueueName and QueueUrl.
 */
final class QueueCreator implements ResourceCreator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;

    QueueCreator(SqsClient sqs) {
        this.sqs = sqs;
    }

    @Override
    public Optional<PhysicalResource> create(String logicalId, Map<String, Object> props, String prefix) {
        boolean fifo = props.get("FifoQueue") != null && Yamls.toBoolean(props.get("FifoQueue"), "FifoQueue");
        String name = physicalName(props, prefix, logicalId);
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        copy(props, "VisibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT, attributes);
        copy(props, "MessageRetentionPeriod", QueueAttributeName.MESSAGE_RETENTION_PERIOD, attributes);
        copy(props, "DelaySeconds", QueueAttributeName.DELAY_SECONDS, attributes);
        copy(props, "ReceiveMessageWaitTimeSeconds", QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, attributes);
        copy(props, "MaximumMessageSize", QueueAttributeName.MAXIMUM_MESSAGE_SIZE, attributes);
        if (fifo) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            copy(props, "ContentBasedDeduplication", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, attributes);
        }
        if (props.get("RedrivePolicy") != null) {
            attributes.put(QueueAttributeName.REDRIVE_POLICY, redrivePolicy(props.get("RedrivePolicy")));
        }
        String url = sqs.createQueue(r -> r.queueName(name).attributes(attributes)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        Map<String, String> atts = new LinkedHashMap<>();
        atts.put("Arn", arn);
        atts.put("QueueName", name);
        atts.put("QueueUrl", url);
        return Optional.of(new PhysicalResource(logicalId, SamTemplate.SQS_QUEUE, name, url, arn, url, atts));
    }

    /** The queue's name: QueueName, else {@code <prefix>-<LogicalId>}, with {@code .fifo} appended for a FIFO queue. */
    static String physicalName(Map<String, Object> props, String prefix, String logicalId) {
        boolean fifo = props.get("FifoQueue") != null && Yamls.toBoolean(props.get("FifoQueue"), "FifoQueue");
        String generated = ResourceCreator.name(props, "QueueName", prefix, logicalId);
        return fifo && !generated.endsWith(".fifo") ? generated + ".fifo" : generated;
    }

    /** A property as the queue attribute, booleans in lower case as SQS wants them. */
    private static void copy(Map<String, Object> props, String property, QueueAttributeName attribute,
                             Map<QueueAttributeName, String> attributes) {
        Object value = props.get(property);
        if (value != null) {
            String text = Yamls.stringify(value);
            boolean bool = text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
            attributes.put(attribute, bool ? text.toLowerCase(Locale.ROOT) : text);
        }
    }

    private static String redrivePolicy(Object value) {
        if (value instanceof String s) {
            return s;
        }
        Map<String, Object> policy = new LinkedHashMap<>(Yamls.asMap(value, "RedrivePolicy"));
        // SQS expects maxReceiveCount as a number; the template may give "5".
        if (policy.get("maxReceiveCount") != null) {
            policy.put("maxReceiveCount", Yamls.toInt(policy.get("maxReceiveCount"), "maxReceiveCount"));
        }
        try {
            return JSON.writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new TemplateException("RedrivePolicy is not serialisable: " + value, e);
        }
    }
}
