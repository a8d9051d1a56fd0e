package dev.cartwheel.emulators.template;

import java.util.List;
import java.util.Optional;

/**
 * A template parameter as declared.
 *
 * @param defaultValue the declared Default, or {@code null} when none (see {@link #defaultIfAny()})
 */
public record TemplateParameter(String name, String type, String description, String defaultValue,
                                List<String> allowedValues) {

    public TemplateParameter {
        allowedValues = List.copyOf(allowedValues);
    }

    public Optional<String> defaultIfAny() {
        return Optional.ofNullable(defaultValue);
    }

    /** {@code List<...>} and {@code CommaDelimitedList} parameters resolve to lists. */
    public boolean isList() {
        return type != null && (type.startsWith("List<") || type.equals("CommaDelimitedList"));
    }
}
