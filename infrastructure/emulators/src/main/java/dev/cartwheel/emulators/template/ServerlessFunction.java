package dev.cartwheel.emulators.template;

import java.util.LinkedHashMap;
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

    /** The function from its resolved Properties (Globals merged), with Lambda's defaults for what they leave out. */
    static ServerlessFunction of(String logicalId, Map<String, Object> props) {
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, Object> variables = Yamls.asMap(
                Yamls.asMap(props.get("Environment"), logicalId + ".Environment").get("Variables"),
                logicalId + ".Environment.Variables");
        variables.forEach((k, v) -> environment.put(k, Yamls.stringify(v)));
        Map<String, FunctionEvent> events = new LinkedHashMap<>();
        Yamls.asMap(props.get("Events"), logicalId + ".Events").forEach((name, event) -> {
            Map<String, Object> e = Yamls.asMap(event, logicalId + ".Events." + name);
            events.put(name, new FunctionEvent(name, Yamls.stringify(e.get("Type")),
                    Yamls.asMap(e.get("Properties"), logicalId + ".Events." + name + ".Properties")));
        });
        Object codeUri = props.get("CodeUri");
        return new ServerlessFunction(logicalId,
                props.get("Handler") == null ? null : Yamls.stringify(props.get("Handler")),
                codeUri == null ? null : codeUri instanceof Map<?, ?> ? codeUri.toString() : Yamls.stringify(codeUri),
                props.get("Runtime") == null ? null : Yamls.stringify(props.get("Runtime")),
                props.get("MemorySize") == null ? DEFAULT_MEMORY_SIZE
                        : Yamls.toInt(props.get("MemorySize"), logicalId + ".MemorySize"),
                props.get("Timeout") == null ? DEFAULT_TIMEOUT
                        : Yamls.toInt(props.get("Timeout"), logicalId + ".Timeout"),
                props.get("ReservedConcurrentExecutions") == null ? null
                        : Yamls.toInt(props.get("ReservedConcurrentExecutions"), logicalId + ".ReservedConcurrentExecutions"),
                environment, events, props);
    }

    public OptionalInt reservedConcurrency() {
        return reservedConcurrentExecutions == null ? OptionalInt.empty() : OptionalInt.of(reservedConcurrentExecutions);
    }

    public List<FunctionEvent> events(String type) {
        return events.values().stream().filter(e -> e.is(type)).toList();
    }
}
