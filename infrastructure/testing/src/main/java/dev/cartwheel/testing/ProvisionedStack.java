package dev.cartwheel.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.template.SamTemplate;

/**
 * A template provisioned for one test: its resources under a fresh name prefix, and each function's environment
 * variables exactly as the template gives them (resolved against those resources).
 *
 * @param template     the template resolving against {@code resources}
 * @param environments environment variables by function logical id
 */
public record ProvisionedStack(SamTemplate template, ProvisionedResources resources,
                               Map<String, Map<String, String>> environments) {

    public ProvisionedStack {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        environments.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        environments = Collections.unmodifiableMap(copy);
    }

    public String prefix() {
        return resources.prefix();
    }

    /** The environment variables of a function, e.g. {@code environment("CheckoutFunction")}. */
    public Map<String, String> environment(String functionLogicalId) {
        Map<String, String> env = environments.get(functionLogicalId);
        if (env == null) {
            throw new IllegalArgumentException("no function " + functionLogicalId + " in " + environments.keySet());
        }
        return env;
    }

    public String tableName(String logicalId) {
        return resources.tableName(logicalId);
    }

    public String queueUrl(String logicalId) {
        return resources.queueUrl(logicalId);
    }

    public String arn(String logicalId) {
        return resources.arn(logicalId);
    }

    /** The LatestStreamArn of a table with a StreamSpecification (what {@code !GetAtt Table.StreamArn} gives). */
    public String streamArn(String logicalId) {
        return resources.streamArn(logicalId);
    }

    /** The name of an {@code AWS::Events::EventBus} (what {@code !Ref Bus} gives). */
    public String eventBusName(String logicalId) {
        return resources.eventBusName(logicalId);
    }

    /** The ARN of an {@code AWS::SecretsManager::Secret} (what {@code !Ref Secret} gives, as in CloudFormation). */
    public String secretArn(String logicalId) {
        return resources.secretArn(logicalId);
    }
}
