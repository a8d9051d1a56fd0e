package dev.cartwheel.emulators.template;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * An {@code AWS::Serverless::Function} with Globals merged and everything resolved.
 *
 * @param reservedConcurrentExecutions ReservedConcurrentExecutions, or {@code null} when not set (see
 *                                     {@link #reservedConcurrency()})
 * @param environment                  the resolved Environment.Variables
 * @param events                       the events by name, in template order
 * @param properties                   all resolved properties
 */
public record ServerlessFunction(String logicalId, String handler, String codeUri, String runtime, int memorySize,
                                 int timeout, Integer reservedConcurrentExecutions, Map<String, String> environment,
                                 Map<String, FunctionEvent> events, Map<String, Object> properties) {

    /** Lambda's defaults when the template says nothing. */
    public static final int DEFAULT_MEMORY_SIZE = 128;
    public static final int DEFAULT_TIMEOUT = 3;

    public ServerlessFunction {
        environment = Yamls.immutableCopy(environment);
        events = Yamls.immutableCopy(events);
        properties = Yamls.immutableCopy(properties);
    }

    public OptionalInt reservedConcurrency() {
        return reservedConcurrentExecutions == null ? OptionalInt.empty() : OptionalInt.of(reservedConcurrentExecutions);
    }

    public List<FunctionEvent> events(String type) {
        return events.values().stream().filter(e -> e.is(type)).toList();
    }
}
