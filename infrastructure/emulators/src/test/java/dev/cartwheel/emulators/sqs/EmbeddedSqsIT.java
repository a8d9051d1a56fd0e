package dev.cartwheel.emulators.sqs;

import static dev.cartwheel.emulators.SharedEmulators.SQS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import dev.cartwheel.emulators.SharedEmulators;
import dev.cartwheel.emulators.provisioning.PhysicalResource;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.SamTemplateTest;

/** ElasticMQ with the SDK v2 SqsClient (JSON protocol): the calls Cartwheel and the QueuePump make. */
class EmbeddedSqsIT {

    static ProvisionedResources stack;

    @BeforeAll
    static void provision() {
        stack = new Provisioner(SharedEmulators.DYNAMO, SQS, SharedEmulators.SES, null, null)
                .provision(SamTemplate.load(SamTemplateTest.fixture()), SharedEmulators.freshPrefix());
    }

    private static List<Message> receive(String url, int max) {
        return SQS.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
    }

    @Test
    void sendReceiveDeleteBatchAndChangeVisibility() {
        String url = stack.queueUrl("WorkQueue");
        assertThat(url).startsWith("http://127.0.0.1:");
        for (int i = 0; i < 3; i++) {
            int n = i;
            SQS.sendMessage(r -> r.queueUrl(url).messageBody("m" + n).messageAttributes(Map.of("kind",
                    MessageAttributeValue.builder().dataType("String").stringValue("k" + n).build())));
        }
        List<Message> got = new java.util.ArrayList<>();
        for (int attempt = 0; attempt < 5 && got.size() < 3; attempt++) {
            got.addAll(receive(url, 10));
        }
        assertThat(got).hasSize(3);
        assertThat(got.getFirst().attributes()).containsKey(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        assertThat(got.getFirst().messageAttributes().get("kind").stringValue()).startsWith("k");

        // Make one visible again at once; delete the other two in one batch.
        Message keep = got.getFirst();
        SQS.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(keep.receiptHandle()).visibilityTimeout(0));
        var deleted = SQS.deleteMessageBatch(r -> r.queueUrl(url).entries(got.subList(1, 3).stream()
                .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                .toList()));
        assertThat(deleted.successful()).hasSize(2);
        assertThat(deleted.failed()).isEmpty();

        List<Message> again = receive(url, 10);
        assertThat(again).extracting(Message::body).containsExactly(keep.body());
        assertThat(again.getFirst().attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("2");
        SQS.deleteMessage(r -> r.queueUrl(url).receiptHandle(again.getFirst().receiptHandle()));

        var attributes = SQS.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes();
        assertThat(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("120");
        assertThat(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).isEqualTo("0");
        assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY))
                .contains(stack.arn("WorkDeadLetterQueue")).contains("5");
    }

    @Test
    void redrivesToTheDeadLetterQueueAfterMaxReceiveCount() {
        String url = stack.queueUrl("WorkQueue");
        String dlq = stack.queueUrl("WorkDeadLetterQueue");
        SQS.sendMessage(r -> r.queueUrl(url).messageBody("poison"));
        int receives = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            List<Message> got = receive(url, 1);
            if (got.isEmpty()) {
                break;
            }
            receives++;
            SQS.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(got.getFirst().receiptHandle())
                    .visibilityTimeout(0));
        }
        assertThat(receives).isEqualTo(5);
        List<Message> dead = receive(dlq, 10);
        assertThat(dead).extracting(Message::body).containsExactly("poison");
    }

    @Test
    void fifoQueueWithExplicitName() {
        PhysicalResource fifo = stack.get("NamedFifoQueue");
        assertThat(fifo.name()).isEqualTo("cartwheel-named.fifo");
        var attributes = SQS.getQueueAttributes(r -> r.queueUrl(fifo.url()).attributeNames(QueueAttributeName.ALL))
                .attributes();
        assertThat(attributes.get(QueueAttributeName.FIFO_QUEUE)).isEqualTo("true");
    }
}
