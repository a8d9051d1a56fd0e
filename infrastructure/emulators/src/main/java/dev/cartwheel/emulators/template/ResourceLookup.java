package dev.cartwheel.emulators.template;

import java.util.Optional;

/**
 * The physical side of a template's resources: what {@code Ref} and {@code Fn::GetAtt} of a logical id give once
 * the resource exists. {@code ProvisionedResources} is the implementation the {@code Provisioner} returns.
 */
public interface ResourceLookup {

    /** Nothing provisioned: references fall back to the template's placeholders. */
    ResourceLookup NONE = new ResourceLookup() {
        @Override
        public Optional<String> ref(String logicalId) {
            return Optional.empty();
        }

        @Override
        public Optional<Object> attribute(String logicalId, String attribute) {
            return Optional.empty();
        }
    };

    /** The value of {@code Ref logicalId}, when that resource is known. */
    Optional<String> ref(String logicalId);

    /** The value of {@code Fn::GetAtt logicalId.attribute}, when known. */
    Optional<Object> attribute(String logicalId, String attribute);

    /** This lookup first, then {@code fallback}. */
    default ResourceLookup orElse(ResourceLookup fallback) {
        ResourceLookup first = this;
        return new ResourceLookup() {
            @Override
            public Optional<String> ref(String logicalId) {
                return first.ref(logicalId).or(() -> fallback.ref(logicalId));
            }

            @Override
            public Optional<Object> attribute(String logicalId, String attribute) {
                return first.attribute(logicalId, attribute).or(() -> fallback.attribute(logicalId, attribute));
            }
        };
    }
}
