package dev.cartwheel.emulators.eventbridge;

import static dev.cartwheel.emulators.SharedEmulators.EVENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

import dev.cartwheel.emulators.SharedEmulators;

/** The EventBridge capture server with the real EventBridgeClient (JSON 1.1 protocol). */
class EventBridgeCaptureServerIT {

    private final EventBridgeCaptureServer server = SharedEmulators.EMULATORS.eventBridge();

    private static String freshBus() {
        String name = SharedEmulators.freshPrefix() + "-orders";
        EVENTS.createEventBus(r -> r.name(name));
        return name;
    }

    private static PutEventsRequestEntry entry(String bus, String detailType, String detail) {
        return PutEventsRequestEntry.builder().eventBusName(bus).source("cartwheel.orders").detailType(detailType)
                .detail(detail).build();
    }

    @Test
    void busesCanBeCreatedAndDescribedAndAreUnique() {
        // GIVEN a new bus
        String name = SharedEmulators.freshPrefix() + "-bus";
        String arn = EVENTS.createEventBus(r -> r.name(name).description("orders")).eventBusArn();

        // THEN it has EventBridge's ARN and can be described by name or ARN
        assertThat(arn).isEqualTo("arn:aws:events:us-east-1:000000000000:event-bus/" + name);
        var described = EVENTS.describeEventBus(r -> r.name(name));
        assertThat(described.name()).isEqualTo(name);
        assertThat(described.arn()).isEqualTo(arn);
        assertThat(described.description()).isEqualTo("orders");
        assertThat(described.creationTime()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        assertThat(EVENTS.describeEventBus(r -> r.name(arn)).name()).isEqualTo(name);
        assertThat(EVENTS.describeEventBus(r -> { }).name()).isEqualTo("default");

        // AND a second bus of that name, a bad name or an unknown bus is refused as EventBridge refuses them
        assertThatThrownBy(() -> EVENTS.createEventBus(r -> r.name(name))).isInstanceOf(ResourceAlreadyExistsException.class);
        assertThatThrownBy(() -> EVENTS.createEventBus(r -> r.name("no spaces")))
                .isInstanceOfSatisfying(EventBridgeException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        assertThatThrownBy(() -> EVENTS.describeEventBus(r -> r.name("nobody-" + name)))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("does not exist");
    }

    @Test
    void operationsCartwheelDoesNotUse_areUnknownOperations() {
        String bus = freshBus();
        for (Runnable unimplemented : List.<Runnable>of(() -> EVENTS.listEventBuses(r -> { }),
                () -> EVENTS.deleteEventBus(r -> r.name(bus)), () -> EVENTS.listRules(r -> r.eventBusName(bus)),
                () -> EVENTS.describeRule(r -> r.name("x").eventBusName(bus)),
                () -> EVENTS.deleteRule(r -> r.name("x").eventBusName(bus)),
                () -> EVENTS.removeTargets(r -> r.rule("x").eventBusName(bus).ids("t")),
                () -> EVENTS.listTargetsByRule(r -> r.rule("x").eventBusName(bus)))) {
            assertThatThrownBy(unimplemented::run).isInstanceOfSatisfying(EventBridgeException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException"));
        }
        assertThat(EVENTS.describeEventBus(r -> r.name(bus)).name()).as("the bus is still there").isEqualTo(bus);
    }

    @Test
    void putEventsAnswersEventIdsAndKeepsTheEventsOfEachBus() throws Exception {
        // GIVEN a bus
        String bus = freshBus();
        Instant time = Instant.parse("2026-03-01T10:15:30Z");

        // WHEN two events are put on it, one by the bus's ARN, with a time and resources
        PutEventsResponse response = EVENTS.putEvents(r -> r.entries(
                entry(bus, "order.placed", "{\"orderId\":\"o-1\",\"version\":1}"),
                PutEventsRequestEntry.builder().eventBusName(server.arn(bus)).source("cartwheel.orders")
                        .detailType("order.paid").detail("{\"orderId\":\"o-1\",\"version\":4}").time(time)
                        .resources("arn:aws:dynamodb:us-east-1:000000000000:table/orders").build()));

        // THEN both get an EventId and none failed
        assertThat(response.failedEntryCount()).isZero();
        assertThat(response.entries()).hasSize(2).allSatisfy(e -> {
            assertThat(e.eventId()).isNotBlank();
            assertThat(e.errorCode()).isNull();
        });

        // AND the server kept them, in order, with everything EventBridge would deliver
        List<BusEvent> events = server.events(bus);
        assertThat(events).extracting(BusEvent::id).containsExactly(response.entries().get(0).eventId(),
                response.entries().get(1).eventId());
        BusEvent placed = events.get(0);
        assertThat(placed.busName()).isEqualTo(bus);
        assertThat(placed.busArn()).isEqualTo(server.arn(bus));
        assertThat(placed.source()).isEqualTo("cartwheel.orders");
        assertThat(placed.detailType()).isEqualTo("order.placed");
        assertThat(placed.detailText("orderId")).isEqualTo("o-1");
        assertThat(placed.detailJson().path("version").asInt()).isEqualTo(1);
        assertThat(placed.time()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        BusEvent paid = events.get(1);
        assertThat(paid.busName()).isEqualTo(bus);
        assertThat(paid.time()).isEqualTo(time);
        assertThat(paid.resources()).containsExactly("arn:aws:dynamodb:us-east-1:000000000000:table/orders");
        assertThat(paid.envelope().path("detail-type").asText()).isEqualTo("order.paid");
        assertThat(paid.envelope().path("time").asText()).isEqualTo("2026-03-01T10:15:30Z");
        assertThat(paid.envelope().path("account").asText()).isEqualTo("000000000000");
        assertThat(server.events(server.arn(bus))).as("by the bus's ARN too").isEqualTo(events);
        assertThat(server.events()).containsAll(events);

        // AND they can be read over HTTP as EventBridge's envelopes
        HttpResponse<String> json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.endpoint() + "/_captured?bus=" + bus)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(200);
        JsonNode captured = new ObjectMapper().readTree(json.body());
        assertThat(captured).hasSize(2);
        assertThat(captured.get(0).path("eventBusName").asText()).isEqualTo(bus);
        assertThat(captured.get(0).path("detail").path("orderId").asText()).isEqualTo("o-1");
    }

    @Test
    void invalidEntriesFailOneByOneWithEventBridgesErrorCodes() {
        // GIVEN a bus
        String bus = freshBus();

        // WHEN a request mixes a good entry with one bad one of each kind
        PutEventsResponse response = EVENTS.putEvents(r -> r.entries(
                entry(bus, "order.placed", "{\"orderId\":\"good\"}"),
                PutEventsRequestEntry.builder().eventBusName(bus).detailType("order.placed").detail("{}").build(),
                PutEventsRequestEntry.builder().eventBusName(bus).source("cartwheel.orders").detail("{}").build(),
                PutEventsRequestEntry.builder().eventBusName(bus).source("cartwheel.orders").detailType("x").build(),
                entry(bus, "order.placed", "not json"),
                entry(bus, "order.placed", "[1, 2]"),
                entry("nobody-" + bus, "order.placed", "{}"),
                PutEventsRequestEntry.builder().eventBusName(bus).source("aws.dynamodb").detailType("x").detail("{}").build()));

        // THEN each bad entry failed with its code, the good one was accepted, and only it was kept
        assertThat(response.failedEntryCount()).isEqualTo(7);
        List<PutEventsResultEntry> results = response.entries();
        assertThat(results).hasSize(8);
        assertThat(results.get(0).eventId()).isNotBlank();
        assertThat(results.get(1).errorCode()).isEqualTo("InvalidArgument");
        assertThat(results.get(1).errorMessage()).contains("Source is a required argument");
        assertThat(results.get(2).errorCode()).isEqualTo("InvalidArgument");
        assertThat(results.get(2).errorMessage()).contains("DetailType");
        assertThat(results.get(3).errorCode()).isEqualTo("InvalidArgument");
        assertThat(results.get(3).errorMessage()).contains("Detail is a required argument");
        assertThat(results.get(4).errorCode()).isEqualTo("MalformedDetail");
        assertThat(results.get(5).errorCode()).isEqualTo("MalformedDetail");
        assertThat(results.get(6).errorCode()).isEqualTo("ResourceNotFoundException");
        assertThat(results.get(6).errorMessage()).isEqualTo("Event bus nobody-" + bus + " does not exist.");
        assertThat(results.get(7).errorCode()).isEqualTo("NotAuthorizedForSourceException");
        assertThat(results.subList(1, 8)).allSatisfy(e -> assertThat(e.eventId()).isNull());
        assertThat(server.events(bus)).singleElement().satisfies(e -> assertThat(e.detailText("orderId")).isEqualTo("good"));
    }

    @Test
    void requestsOutsideTheLimitsFailAsAWhole() {
        String bus = freshBus();
        List<PutEventsRequestEntry> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(entry(bus, "order.placed", "{\"n\":" + i + "}"));
        }
        assertThatThrownBy(() -> EVENTS.putEvents(r -> r.entries(eleven)))
                .isInstanceOfSatisfying(EventBridgeException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"))
                .hasMessageContaining("less than or equal to 10");
        assertThatThrownBy(() -> EVENTS.putEvents(r -> r.entries(List.of())))
                .isInstanceOf(EventBridgeException.class).hasMessageContaining("greater than or equal to 1");

        // 256 KiB in all, counted as EventBridge counts: Source + DetailType + Detail (+ 14 bytes for a Time)
        String source = "cartwheel.orders";
        String detailType = "order.placed";
        int detailBytes = (EventBridgeCaptureServer.MAX_REQUEST_BYTES - 2 * (source.length() + detailType.length())) / 2;
        String fits = "{\"pad\":\"" + "x".repeat(detailBytes - 10) + "\"}";
        assertThat(fits).hasSize(detailBytes);
        assertThat(EVENTS.putEvents(r -> r.entries(entry(bus, detailType, fits), entry(bus, detailType, fits)))
                .failedEntryCount()).isZero();
        String tooBig = fits.replace("{\"pad\":\"", "{\"pad\":\"yy");
        assertThatThrownBy(() -> EVENTS.putEvents(r -> r.entries(entry(bus, detailType, fits), entry(bus, detailType, tooBig))))
                .isInstanceOf(EventBridgeException.class).hasMessageContaining("over the limit");
        assertThat(server.events(bus)).hasSize(2);
    }

    @Test
    void entriesWithoutABusGoToTheDefaultBus() {
        String marker = SharedEmulators.freshPrefix();
        EVENTS.putEvents(r -> r.entries(PutEventsRequestEntry.builder().source("cartwheel.orders").detailType("ping")
                .detail("{\"marker\":\"" + marker + "\"}").build()));
        assertThat(server.events("default")).anySatisfy(e -> assertThat(e.detailText("marker")).isEqualTo(marker));
    }
}
