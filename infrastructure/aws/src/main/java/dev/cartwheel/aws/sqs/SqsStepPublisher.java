package dev.cartwheel.aws.sqs;

import dev.cartwheel.aws.json.StepMessageCodec;
import dev.cartwheel.core.messaging.Step;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import java.util.EnumMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Sends step messages to the queue of the consuming step, the correlation id also as a message attribute. */
public final class SqsStepPublisher implements StepPublisher {

    public static final String CORRELATION_ID = "correlationId";
    public static final String MESSAGE_TYPE = "type";

    private final SqsClient sqs;
    private final Map<Step, String> queueUrls;

    /** @param queueUrls the URL of each step's queue this publisher may send to */
    public SqsStepPublisher(SqsClient sqs, Map<Step, String> queueUrls) {
        this.sqs = sqs;
        this.queueUrls = new EnumMap<>(queueUrls);
    }

    @Override
    public void publish(StepMessage message) {
        String queueUrl = queueUrls.get(message.type().destination());
        if (queueUrl == null) {
            throw new IllegalStateException("no queue configured for step " + message.type().destination());
        }
        sqs.sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(StepMessageCodec.write(message))
                .messageAttributes(Map.of(
                        CORRELATION_ID, string(message.correlationId()),
                        MESSAGE_TYPE, string(message.type().wireName()))));
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
