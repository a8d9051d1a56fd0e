package dev.cartwheel.emulators.provisioning;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.Target;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.TemplateException;
import dev.cartwheel.emulators.template.Yamls;

/**
 * An event-pattern {@code AWS::Events::Rule} on its bus (the default bus when EventBusName is absent), then its
 * Targets (Id and Arn only). A schedule rule, one with a ScheduleExpression and no EventPattern, is not created: the
 * local cloud runs schedules itself. {@code Ref} gives the rule's name, {@code GetAtt Arn} its ARN.
 */
final class EventRuleCreator implements ResourceCreator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventBridgeClient eventBridge;

    EventRuleCreator(EventBridgeClient eventBridge) {
        this.eventBridge = eventBridge;
    }

    @Override
    public Optional<PhysicalResource> create(String logicalId, Map<String, Object> props, String prefix) {
        if (props.get("EventPattern") == null) {
            if (props.get("ScheduleExpression") == null) {
                throw new TemplateException(logicalId + ": an AWS::Events::Rule needs an EventPattern or a ScheduleExpression");
            }
            return Optional.empty();
        }
        String name = ResourceCreator.name(props, "Name", prefix, logicalId);
        String bus = ResourceCreator.optional(props, "EventBusName");
        String pattern;
        try {
            pattern = JSON.writeValueAsString(props.get("EventPattern"));
        } catch (JsonProcessingException e) {
            throw new TemplateException(logicalId + ": EventPattern is not JSON: " + e.getOriginalMessage());
        }
        String state = props.get("State") == null ? "ENABLED" : Yamls.stringify(props.get("State"));
        List<Target> targets = Yamls.mapList(props.get("Targets"), logicalId + ".Targets").stream()
                .map(target -> target(logicalId, target)).toList();
        String arn;
        try {
            arn = eventBridge.putRule(r -> r.name(name).eventBusName(bus).eventPattern(pattern).state(state)
                    .description(ResourceCreator.optional(props, "Description"))).ruleArn();
            if (!targets.isEmpty()) {
                eventBridge.putTargets(r -> r.rule(name).eventBusName(bus).targets(targets));
            }
        } catch (EventBridgeException e) {
            throw new TemplateException(logicalId + ": " + e.awsErrorDetails().errorMessage());
        }
        return Optional.of(new PhysicalResource(logicalId, SamTemplate.EVENT_RULE, name, null, arn, name, Map.of("Arn", arn)));
    }

    private static Target target(String logicalId, Map<String, Object> target) {
        for (String key : target.keySet()) {
            if (!key.equals("Id") && !key.equals("Arn")) {
                throw new TemplateException(logicalId + ": target property " + key + " is not supported locally (only Id and Arn)");
            }
        }
        return Target.builder().id(Yamls.stringify(target.get("Id"))).arn(Yamls.stringify(target.get("Arn"))).build();
    }
}
