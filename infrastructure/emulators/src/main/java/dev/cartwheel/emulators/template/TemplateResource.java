package dev.cartwheel.emulators.template;

import java.util.List;
import java.util.Map;

/**
 * One resource of a template, unresolved (intrinsics still in long form, SAM Globals already merged into functions).
 * Use {@link SamTemplate#resolvedProperties(String)} for the resolved properties.
 *
 * @param condition the name of the resource's Condition, or {@code null}
 */
public record TemplateResource(String logicalId, String type, Map<String, Object> properties, List<String> dependsOn,
                               String condition) {

    public TemplateResource {
        properties = Yamls.immutableCopy(properties);
        dependsOn = List.copyOf(dependsOn);
    }

    public boolean is(String resourceType) {
        return type.equals(resourceType);
    }
}
