package dev.cartwheel.emulators.provisioning;

import java.util.Map;
import java.util.Optional;

import dev.cartwheel.emulators.template.Yamls;

/** Creates the resources of one CloudFormation type through its service's SDK client. */
interface ResourceCreator {

    /**
     * Creates the resource from its resolved Properties.
     *
     * @param prefix the prefix of a generated name ({@code <prefix>-<LogicalId>})
     * @return what was created; empty for a resource of this type that is not created locally (a schedule rule)
     */
    Optional<PhysicalResource> create(String logicalId, Map<String, Object> props, String prefix);

    /** The physical name: the named property when given, else {@code <prefix>-<LogicalId>}. */
    static String name(Map<String, Object> props, String property, String prefix, String logicalId) {
        Object given = props.get(property);
        return given != null ? Yamls.stringify(given) : prefix + "-" + logicalId;
    }

    /** An optional string property, or {@code null}. */
    static String optional(Map<String, Object> props, String property) {
        Object value = props.get(property);
        return value == null ? null : Yamls.stringify(value);
    }
}
