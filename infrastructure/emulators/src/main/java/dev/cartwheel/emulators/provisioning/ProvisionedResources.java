package dev.cartwheel.emulators.provisioning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.cartwheel.emulators.template.ResourceLookup;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.TemplateException;

/**
 * What a {@link Provisioner} created, by logical id; a {@link ResourceLookup} so that
 * {@code template.withResources(provisioned)} resolves Ref/GetAtt to the real local names, URLs and ARNs.
 *
 * @param prefix the name prefix used for resources without an explicit name
 */
public record ProvisionedResources(String prefix, Map<String, PhysicalResource> resources) implements ResourceLookup {

    public ProvisionedResources {
        resources = Collections.unmodifiableMap(new LinkedHashMap<>(resources));
    }

    @Override
    public Optional<String> ref(String logicalId) {
        return find(logicalId).map(PhysicalResource::ref);
    }

    @Override
    public Optional<Object> attribute(String logicalId, String attribute) {
        return find(logicalId).map(r -> r.attributes().get(attribute));
    }

    public Optional<PhysicalResource> find(String logicalId) {
        return Optional.ofNullable(resources.get(logicalId));
    }

    /** The resource, or a {@link TemplateException} naming what was provisioned. */
    public PhysicalResource get(String logicalId) {
        return find(logicalId).orElseThrow(() -> new TemplateException(
                "nothing provisioned for " + logicalId + "; provisioned: " + resources.keySet()));
    }

    /** The physical name: table name, queue name, e-mail identity, event bus name or secret name. */
    public String name(String logicalId) {
        return get(logicalId).name();
    }

    public String tableName(String logicalId) {
        return name(logicalId);
    }

    public String queueUrl(String logicalId) {
        PhysicalResource resource = get(logicalId);
        if (resource.url() == null) {
            throw new TemplateException(logicalId + " is a " + resource.type() + ", it has no queue URL");
        }
        return resource.url();
    }

    public String arn(String logicalId) {
        return get(logicalId).arn();
    }

    /** The LatestStreamArn of a table provisioned with a StreamSpecification. */
    public String streamArn(String logicalId) {
        String arn = get(logicalId).attributes().get("StreamArn");
        if (arn == null) {
            throw new TemplateException(logicalId + " has no stream (a table without StreamSpecification, or no table)");
        }
        return arn;
    }

    /** The ARN of a provisioned {@code AWS::SecretsManager::Secret} (what {@code Ref} of it gives). */
    public String secretArn(String logicalId) {
        PhysicalResource resource = get(logicalId);
        if (!resource.type().equals(SamTemplate.SECRETS_MANAGER_SECRET)) {
            throw new TemplateException(logicalId + " is a " + resource.type() + ", not a secret");
        }
        return resource.arn();
    }

    /** The name of a provisioned {@code AWS::Events::EventBus}. */
    public String eventBusName(String logicalId) {
        PhysicalResource resource = get(logicalId);
        if (!resource.type().equals(SamTemplate.EVENT_BUS)) {
            throw new TemplateException(logicalId + " is a " + resource.type() + ", not an event bus");
        }
        return resource.name();
    }
}
