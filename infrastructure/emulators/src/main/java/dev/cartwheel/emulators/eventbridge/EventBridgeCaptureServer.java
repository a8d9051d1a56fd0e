package dev.cartwheel.emulators.eventbridge;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.cartwheel.emulators.server.AwsJsonServer;
import dev.cartwheel.emulators.server.ServiceException;
import dev.cartwheel.emulators.template.SamTemplate;

/**
 * The project's own EventBridge endpoint: the JSON 1.1 protocol as {@code EventBridgeClient} speaks it
 * ({@code POST /}, {@code X-Amz-Target: AWSEvents.<Operation>}, {@code application/x-amz-json-1.1}), enough to create
 * event buses, put events on them and route them by rules to SQS queues, keeping every accepted event in memory.
 * This class is the wire protocol; the state is {@link EventBuses}', the routing {@link EventRouter}'s, the capture
 * store {@link CapturedEvents}', PutEvents' entry checks {@link PutEventsEntries}'.
 *
 * <ul>
 *   <li>{@code CreateEventBus}, {@code DescribeEventBus}; the {@code default} bus always exists.</li>
 *   <li>{@code PutEvents}, validated as EventBridge does: 1 to 10 entries and at most 256 KiB in all, else the whole
 *       request fails with {@code ValidationException}; an entry without Source, DetailType or Detail fails with
 *       {@code InvalidArgument}, one whose Detail is not a JSON object with {@code MalformedDetail}, one with an
 *       {@code aws.} source with {@code NotAuthorizedForSourceException}, one for a bus that does not exist with
 *       {@code ResourceNotFoundException}; failed entries carry ErrorCode/ErrorMessage and count in
 *       FailedEntryCount, the others get an EventId.</li>
 *   <li>{@code PutRule} (event-pattern rules, matched by EventBridge's own matcher, event-ruler: see
 *       {@link EventPattern}) and {@code PutTargets}. Each accepted event is matched against the enabled rules of its
 *       bus, and for each matching rule handed to each of its targets through {@link RuleTargets} (an
 *       {@link SqsRuleTargets} sends it to the queue), once, after the PutEvents answer is known; every delivery is
 *       kept as a {@link RuleDelivery}. Input transformers are refused when the targets are put.</li>
 *   <li>{@code GET /_captured[?bus=NAME]} the accepted events as JSON (EventBridge's event envelope plus
 *       {@code eventBusName}); {@code DELETE /_captured} forgets them.</li>
 * </ul>
 * Nothing else (no deleting or listing of buses, rules or targets): Cartwheel's template, adapters, local cloud and
 * tests create buses and rules and put events, and never take them apart.
 */
public final class EventBridgeCaptureServer extends AwsJsonServer {

    public static final String DEFAULT_BUS = EventBuses.DEFAULT_BUS;
    /** PutEvents' limits. */
    public static final int MAX_ENTRIES = PutEventsEntries.MAX_ENTRIES;
    public static final int MAX_REQUEST_BYTES = PutEventsEntries.MAX_REQUEST_BYTES;

    private static final String CAPTURED = "/_captured";
    private static final List<String> UNSUPPORTED_TARGET_PROPERTIES = List.of("Input", "InputPath", "InputTransformer",
            "SqsParameters", "DeadLetterConfig", "RetryPolicy");

    private final EventBuses buses;
    private final CapturedEvents captured = new CapturedEvents();
    private final EventRouter router;

    private EventBridgeCaptureServer(String region, String accountId, int port) {
        super("EventBridge capture server", "AWSEvents", port);
        this.buses = new EventBuses(region, accountId);
        this.router = new EventRouter(buses, captured);
        operation("PutEvents", this::putEvents);
        operation("CreateEventBus", this::createEventBus);
        operation("DescribeEventBus", this::describeEventBus);
        operation("PutRule", this::putRule);
        operation("PutTargets", this::putTargets);
    }

    /** Starts on a free port of 127.0.0.1, for the default region and account. */
    public static EventBridgeCaptureServer start() {
        return start(0);
    }

    public static EventBridgeCaptureServer start(int port) {
        return start(SamTemplate.DEFAULT_REGION, SamTemplate.DEFAULT_ACCOUNT_ID, port);
    }

    /** Starts on {@code port} of 127.0.0.1 (0: any free port); bus ARNs name {@code region} and {@code accountId}. */
    public static EventBridgeCaptureServer start(String region, String accountId, int port) {
        EventBridgeCaptureServer eventBridge = new EventBridgeCaptureServer(region, accountId, port);
        eventBridge.serve();
        return eventBridge;
    }

    // ---------------------------------------------------------------------------------------------- Java API

    /** Where matched events go from now on (e.g. an {@link SqsRuleTargets}); by default nowhere ({@link RuleTargets#NONE}). */
    public EventBridgeCaptureServer routeTargetsWith(RuleTargets ruleTargets) {
        router.deliverWith(ruleTargets);
        return this;
    }

    /** The ARN EventBridge gives the bus {@code name} in this server's region and account. */
    public String arn(String name) {
        return buses.arn(name);
    }

    /** Every accepted event, oldest first. */
    public List<BusEvent> events() {
        return captured.events();
    }

    /** The accepted events of one bus (by name or ARN), oldest first. */
    public List<BusEvent> events(String busNameOrArn) {
        return captured.events(EventBuses.nameOf(busNameOrArn));
    }

    /** Every delivery to a rule's target so far, oldest first. */
    public List<RuleDelivery> deliveries() {
        return captured.deliveries();
    }

    /** Forgets the accepted events (the buses stay). */
    public void clear() {
        captured.clearEvents();
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    @Override
    protected String internalErrorType() {
        return "InternalException";
    }

    /** {@code GET /_captured[?bus=NAME]} and {@code DELETE /_captured}. */
    @Override
    protected boolean handleOther(HttpExchange exchange, String method, String path) throws IOException {
        if (path.equals(CAPTURED) && method.equals("GET")) {
            respond(exchange, 200, "application/json", capturedJson(exchange.getRequestURI().getRawQuery()));
            return true;
        }
        if (path.equals(CAPTURED) && method.equals("DELETE")) {
            clear();
            respond(exchange, 200, "application/json", JSON.createObjectNode());
            return true;
        }
        return false;
    }

    private ArrayNode capturedJson(String rawQuery) {
        String bus = null;
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (pair.startsWith("bus=")) {
                    bus = URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8);
                }
            }
        }
        ArrayNode array = JSON.createArrayNode();
        for (BusEvent event : bus == null ? events() : events(bus)) {
            ObjectNode node = event.envelope();
            node.put("eventBusName", event.busName());
            array.add(node);
        }
        return array;
    }

    // ---------------------------------------------------------------------------------------------- operations

    private JsonNode putEvents(JsonNode request) {
        JsonNode entries = PutEventsEntries.checked(request);
        List<PutEventsEntries.Result> results = new ArrayList<>();
        for (JsonNode entry : entries) {
            results.add(PutEventsEntries.accept(entry, buses));
        }
        List<BusEvent> accepted = results.stream().filter(r -> r.event() != null).map(PutEventsEntries.Result::event).toList();
        captured.accepted(accepted);
        accepted.forEach(router::route);
        ObjectNode response = JSON.createObjectNode();
        response.put("FailedEntryCount", results.size() - accepted.size());
        ArrayNode answers = response.putArray("Entries");
        for (PutEventsEntries.Result result : results) {
            ObjectNode answer = answers.addObject();
            if (result.event() != null) {
                answer.put("EventId", result.event().id());
            } else {
                answer.put("ErrorCode", result.errorCode());
                answer.put("ErrorMessage", result.errorMessage());
            }
        }
        return response;
    }

    private JsonNode createEventBus(JsonNode request) {
        EventBuses.Bus bus = buses.create(text(request, "Name"), text(request, "Description"));
        ObjectNode response = JSON.createObjectNode();
        response.put("EventBusArn", bus.arn());
        if (bus.description() != null) {
            response.put("Description", bus.description());
        }
        return response;
    }

    private JsonNode describeEventBus(JsonNode request) {
        EventBuses.Bus bus = buses.bus(text(request, "Name"));
        ObjectNode node = JSON.createObjectNode();
        node.put("Name", bus.name());
        node.put("Arn", bus.arn());
        if (bus.description() != null) {
            node.put("Description", bus.description());
        }
        BigDecimal created = epochSeconds(bus.created());
        node.put("CreationTime", created);
        node.put("LastModifiedTime", created);
        return node;
    }

    private JsonNode putRule(JsonNode request) {
        String name = text(request, "Name");
        EventBuses.checkRuleName(name);
        if (request.hasNonNull("ScheduleExpression")) {
            throw validation("Rule " + name + ": schedule rules are not run by the local EventBridge (the local cloud "
                    + "runs the template's Schedule events itself)");
        }
        String patternJson = text(request, "EventPattern");
        if (patternJson == null) {
            throw validation("Parameter(s) EventPattern must be specified.");
        }
        EventPattern pattern;
        try {
            pattern = EventPattern.parse(patternJson);
        } catch (IllegalArgumentException e) {
            throw new ServiceException(400, "InvalidEventPatternException", e.getMessage());
        }
        String state = request.hasNonNull("State") ? request.get("State").asText() : "ENABLED";
        if (!state.equals("ENABLED") && !state.equals("DISABLED")) {
            throw validation("State must be ENABLED or DISABLED, not " + state);
        }
        EventBuses.Rule rule = buses.putRule(name, text(request, "EventBusName"), pattern, state.equals("ENABLED"),
                text(request, "Description"));
        ObjectNode response = JSON.createObjectNode();
        response.put("RuleArn", rule.arn());
        return response;
    }

    private JsonNode putTargets(JsonNode request) {
        JsonNode given = request.path("Targets");
        if (!given.isArray() || given.isEmpty() || given.size() > 10) {
            throw validation("Targets must be a list of 1 to 10 targets");
        }
        List<EventBuses.Target> targets = new ArrayList<>();
        for (JsonNode target : given) {
            String id = text(target, "Id");
            String arn = text(target, "Arn");
            if (id == null || arn == null) {
                throw validation("A target needs an Id and an Arn");
            }
            for (String unsupported : UNSUPPORTED_TARGET_PROPERTIES) {
                if (target.has(unsupported)) {
                    throw validation("Target " + id + ": " + unsupported + " is not supported by the local EventBridge");
                }
            }
            targets.add(new EventBuses.Target(id, arn));
        }
        buses.putTargets(text(request, "Rule"), text(request, "EventBusName"), targets);
        ObjectNode response = JSON.createObjectNode();
        response.put("FailedEntryCount", 0);
        response.putArray("FailedEntries");
        return response;
    }

    @Override
    public String toString() {
        return "EventBridgeCaptureServer[" + endpoint() + ", buses " + buses.names() + ", " + captured.size() + " events]";
    }
}
