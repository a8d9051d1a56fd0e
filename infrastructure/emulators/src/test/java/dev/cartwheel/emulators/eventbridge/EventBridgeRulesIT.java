package dev.cartwheel.emulators.eventbridge;

import static dev.cartwheel.emulators.SharedEmulators.EVENTS;
import static dev.cartwheel.emulators.SharedEmulators.SQS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.model.InvalidEventPatternException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.Message;

import dev.cartwheel.emulators.SharedEmulators;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.provisioning.Provisioner;
import dev.cartwheel.emulators.template.SamTemplate;

/**
 * The local EventBridge routes by a template's {@code AWS::Events::Rule}s: a rule's pattern picks the events, its SQS
 * targets get them as EventBridge sends them (the envelope as the message body).
 */
class EventBridgeRulesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TEMPLATE = """
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Bus:
                Type: AWS::Events::EventBus
              WarehouseQueue:
                Type: AWS::SQS::Queue
              EverythingQueue:
                Type: AWS::SQS::Queue
              ShipRule:
                Type: AWS::Events::Rule
                Properties:
                  EventBusName: !Ref Bus
                  EventPattern:
                    source: [cartwheel.orders]
                    detail-type: [order.confirmed, order.authorized]
                    detail:
                      total:
                        amount: [{numeric: [">", 0]}]
                  Targets:
                    - Id: warehouse
                      Arn: !GetAtt WarehouseQueue.Arn
              PausedRule:
                Type: AWS::Events::Rule
                Properties:
                  EventBusName: !Ref Bus
                  State: DISABLED
                  EventPattern: {source: [cartwheel.orders]}
                  Targets:
                    - Id: everything
                      Arn: !GetAtt EverythingQueue.Arn
              Nightly:
                Type: AWS::Events::Rule
                Properties:
                  ScheduleExpression: rate(1 day)
            """;

    @Test
    void aTemplatesRule_deliversWhatItsPatternMatches_toItsQueue_asEventBridgeSendsIt() throws Exception {
        // GIVEN the template provisioned: a bus, two queues, an enabled and a disabled rule, a schedule rule
        String prefix = SharedEmulators.freshPrefix();
        ProvisionedResources stack = new Provisioner(SharedEmulators.DYNAMO, SQS, SharedEmulators.SES, EVENTS, null)
                .provision(SamTemplate.parse(TEMPLATE, "rules-fixture"), prefix);
        String bus = stack.eventBusName("Bus");

        // WHEN three events are put on the bus
        var response = EVENTS.putEvents(r -> r.entries(
                entry(bus, "order.placed", "{\"orderId\":\"ord_1\",\"total\":{\"amount\":2500,\"currency\":\"USD\"}}"),
                entry(bus, "order.confirmed", "{\"orderId\":\"ord_1\",\"total\":{\"amount\":2500,\"currency\":\"USD\"}}"),
                entry(bus, "order.authorized", "{\"orderId\":\"ord_2\",\"total\":{\"amount\":0,\"currency\":\"USD\"}}")));

        // THEN only the confirmed order with a positive total reached the warehouse queue, in EventBridge's envelope
        assertThat(response.failedEntryCount()).isZero();
        assertThat(stack.resources().keySet()).as("a schedule rule is not an event route")
                .contains("ShipRule", "PausedRule").doesNotContain("Nightly");
        assertThat(stack.arn("ShipRule")).isEqualTo("arn:aws:events:us-east-1:000000000000:rule/" + bus + "/" + prefix + "-ShipRule");
        List<Message> warehouse = SQS.receiveMessage(r -> r.queueUrl(stack.queueUrl("WarehouseQueue"))
                .maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        assertThat(warehouse).singleElement().satisfies(message -> {
            JsonNode event = JSON.readTree(message.body());
            assertThat(event.get("detail-type").asText()).isEqualTo("order.confirmed");
            assertThat(event.get("source").asText()).isEqualTo("cartwheel.orders");
            assertThat(event.get("id").asText()).isEqualTo(response.entries().get(1).eventId());
            assertThat(event.get("detail").get("orderId").asText()).isEqualTo("ord_1");
        });
        assertThat(SQS.receiveMessage(r -> r.queueUrl(stack.queueUrl("EverythingQueue")).waitTimeSeconds(0)).messages())
                .as("a disabled rule delivers nothing").isEmpty();
        assertThat(SharedEmulators.EMULATORS.eventBridge().deliveries()).filteredOn(d -> d.busName().equals(bus))
                .singleElement().satisfies(d -> {
                    assertThat(d.delivered()).isTrue();
                    assertThat(d.ruleName()).isEqualTo(prefix + "-ShipRule");
                    assertThat(d.targetArn()).isEqualTo(stack.arn("WarehouseQueue"));
                });
    }

    @Test
    void aTargetTheLocalBusCannotReach_isRecordedAsAFailedDelivery_andAnInvalidPattern_isRefused() {
        // GIVEN a rule whose target is a Lambda function
        String bus = SharedEmulators.freshPrefix() + "-bus";
        EVENTS.createEventBus(r -> r.name(bus));
        EVENTS.putRule(r -> r.name("to-lambda").eventBusName(bus).eventPattern("{\"source\":[\"cartwheel.orders\"]}"));
        EVENTS.putTargets(r -> r.rule("to-lambda").eventBusName(bus).targets(t -> t.id("fn")
                .arn("arn:aws:lambda:us-east-1:000000000000:function:warehouse")));

        // WHEN
        var response = EVENTS.putEvents(r -> r.entries(entry(bus, "order.paid", "{\"orderId\":\"ord_3\"}")));

        // THEN the event is on the bus and its delivery failed, with the reason
        assertThat(response.failedEntryCount()).isZero();
        assertThat(SharedEmulators.EMULATORS.eventBridge().deliveries()).filteredOn(d -> d.busName().equals(bus))
                .singleElement().satisfies(d -> {
                    assertThat(d.delivered()).isFalse();
                    assertThat(d.error()).contains("only SQS queue targets");
                });
        assertThatThrownBy(() -> EVENTS.putRule(r -> r.name("not-in-an-array").eventBusName(bus)
                .eventPattern("{\"source\":\"cartwheel.orders\"}")))
                .isInstanceOf(InvalidEventPatternException.class).hasMessageContaining("Event pattern is not valid");
        assertThatThrownBy(() -> EVENTS.putTargets(r -> r.rule("no-such-rule").eventBusName(bus).targets(t -> t.id("q")
                .arn("arn:aws:sqs:us-east-1:000000000000:q")))).isInstanceOf(ResourceNotFoundException.class);
    }

    private static PutEventsRequestEntry entry(String bus, String detailType, String detail) {
        return PutEventsRequestEntry.builder().eventBusName(bus).source("cartwheel.orders").detailType(detailType)
                .detail(detail).build();
    }
}
