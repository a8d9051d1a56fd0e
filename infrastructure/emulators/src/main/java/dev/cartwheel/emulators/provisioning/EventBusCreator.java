package dev.cartwheel.emulators.provisioning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.TemplateException;

/**
 * {@code AWS::Events::EventBus} (not a partner bus); {@code Ref} gives its name, {@code GetAtt} Arn and Name. A bus
 * that exists already (an endpoint that outlives the stack) is kept.
 */
final class EventBusCreator implements ResourceCreator {

    private final EventBridgeClient eventBridge;

    EventBusCreator(EventBridgeClient eventBridge) {
        this.eventBridge = eventBridge;
    }

    @Override
    public Optional<PhysicalResource> create(String logicalId, Map<String, Object> props, String prefix) {
        String name = ResourceCreator.name(props, "Name", prefix, logicalId);
        if (props.get("EventSourceName") != null) {
            throw new TemplateException(logicalId + ": partner event buses (EventSourceName) are not supported locally");
        }
        String arn;
        try {
            arn = eventBridge.createEventBus(r -> r.name(name).description(ResourceCreator.optional(props, "Description")))
                    .eventBusArn();
        } catch (ResourceAlreadyExistsException alreadyThere) {
            // an endpoint that outlives the stack (e.g. a running LocalStack given to the local cloud)
            arn = eventBridge.describeEventBus(r -> r.name(name)).arn();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("Arn", arn);
        attributes.put("Name", name);
        return Optional.of(new PhysicalResource(logicalId, SamTemplate.EVENT_BUS, name, null, arn, name, attributes));
    }
}
