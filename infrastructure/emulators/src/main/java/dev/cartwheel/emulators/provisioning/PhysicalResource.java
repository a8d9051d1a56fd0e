package dev.cartwheel.emulators.provisioning;

import java.util.Map;

import dev.cartwheel.emulators.template.Yamls;

/**
 * A provisioned resource.
 *
 * @param name       table name, queue name, e-mail identity, event bus name or secret name
 * @param url        the queue URL (SQS), else {@code null}
 * @param arn        the ARN ({@code null} for e-mail identities)
 * @param ref        what {@code Ref} gives (table name, queue URL, identity, event bus name, secret ARN)
 * @param attributes what {@code Fn::GetAtt} gives, by attribute name (Arn, QueueName, QueueUrl, StreamArn, ...)
 */
public record PhysicalResource(String logicalId, String type, String name, String url, String arn, String ref,
                               Map<String, String> attributes) {

    public PhysicalResource {
        attributes = Yamls.immutableCopy(attributes);
    }
}
