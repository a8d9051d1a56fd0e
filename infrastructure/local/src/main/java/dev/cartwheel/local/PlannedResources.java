package dev.cartwheel.local;

import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.sqs.EmbeddedSqs;
import dev.cartwheel.emulators.template.ResourceLookup;
import dev.cartwheel.emulators.template.SamTemplate;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code Ref} of the template's resources will give once the embedded emulators have provisioned them, known
 * before they exist: a table's and an event bus's name, a queue's URL on the planned ElasticMQ endpoint. Anything else
 * a provisioner creates (a secret's ARN has a random suffix, every {@code Fn::GetAtt}) resolves to
 * {@link #UNPLANNED}, so that a function whose environment needs it is not started ahead.
 */
final class PlannedResources implements ResourceLookup {

    /** What a reference to a resource not known ahead resolves to. */
    static final String UNPLANNED = "\u0001unplanned\u0001";

    private final SamTemplate template;
    private final Map<String, String> names;
    private final URI sqsEndpoint;

    PlannedResources(SamTemplate template, String prefix, URI sqsEndpoint) {
        this.template = template;
        this.names = Provisioner.plannedNames(template, prefix);
        this.sqsEndpoint = sqsEndpoint;
    }

    @Override
    public Optional<String> ref(String logicalId) {
        String type = template.resource(logicalId).map(r -> r.type()).orElse("");
        if (!Provisioner.provisions(type)) {
            return Optional.empty();
        }
        String name = names.get(logicalId);
        if (name == null) {
            return Optional.of(UNPLANNED);
        }
        return Optional.of(type.equals(SamTemplate.SQS_QUEUE)
                ? EmbeddedSqs.queueUrl(sqsEndpoint, SamTemplate.DEFAULT_ACCOUNT_ID, name) : name);
    }

    @Override
    public Optional<Object> attribute(String logicalId, String attribute) {
        String type = template.resource(logicalId).map(r -> r.type()).orElse("");
        return Provisioner.provisions(type) ? Optional.of(UNPLANNED) : Optional.empty();
    }
}
