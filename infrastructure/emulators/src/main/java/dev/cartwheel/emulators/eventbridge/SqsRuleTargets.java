package dev.cartwheel.emulators.eventbridge;

import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Rule targets that are SQS queues ({@code arn:aws:sqs:<region>:<account>:<name>}), reached through an SDK client:
 * the event's envelope becomes the message body, as EventBridge sends it. Other targets (a Lambda function, an SNS
 * topic) are refused with the reason, so the rule's delivery is recorded as failed rather than silently dropped.
 */
public final class SqsRuleTargets implements RuleTargets {

    private final SqsClient sqs;

    public SqsRuleTargets(SqsClient sqs) {
        this.sqs = sqs;
    }

    @Override
    public void deliver(String targetArn, String event) {
        String[] parts = targetArn.split(":", 6);
        if (parts.length != 6 || !parts[2].equals("sqs")) {
            throw new IllegalArgumentException("only SQS queue targets are delivered locally, not " + targetArn);
        }
        String queueUrl = sqs.getQueueUrl(r -> r.queueName(parts[5]).queueOwnerAWSAccountId(parts[4])).queueUrl();
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(event));
    }
}
