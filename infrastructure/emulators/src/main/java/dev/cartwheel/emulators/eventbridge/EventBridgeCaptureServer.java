package dev.cartwheel.emulators.eventbridge;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import dev.cartwheel.emulators.server.AwsJsonServer;
import dev.cartwheel.emulators.template.SamTemplate;

/**
 * The project's own EventBridge endpoint: the JSON 1.1 protocol as {@code EventBridgeClient} speaks it
 * ({@code POST /}, {@code X-Amz-Target: AWSEvents.<Operation>}, {@code application/x-amz-json-1.1}), enough to create
 * event buses, put events on them and route them by rules to SQS queues, keeping every accepted event in memory.
 *
 * <ul>
 *   <li>{@code CreateEventBus}, {@code DescribeEventBus}, {@code ListEventBuses}, {@code DeleteEventBus}; the
 *       {@code default} bus always exists.</li>
 *   <li>{@code PutEvents}, validated as EventBridge does: 1 to 10 entries and at most 256 KiB in all (computed as
 *       EventBridge computes an entry's size), else the whole request fails with {@code ValidationException}; an
 *       entry without Source, DetailType or Detail fails with {@code InvalidArgument}, one whose Detail is not a
 *       JSON object with {@code MalformedDetail}, one with an {@code aws.} source with
 *       {@code NotAuthorizedForSourceException}, one for a bus that does not exist with
 *       {@code ResourceNotFoundException}; failed entries carry ErrorCode/ErrorMessage and count in
 *       FailedEntryCount, the others get an EventId.</li>
 *   <li>{@code PutRule} (event-pattern rules; a pattern is parsed by {@link EventPattern}, which refuses what it cannot
 *       match exactly), {@code DescribeRule}, {@code ListRules}, {@code DeleteRule}, {@code PutTargets},
 *       {@code RemoveTargets}, {@code ListTargetsByRule}. Each accepted event is matched against the enabled rules of
 *       its bus, and for each matching rule handed to each of its targets through {@link RuleTargets} (an
 *       {@link SqsRuleTargets} sends it to the queue), once, after the PutEvents answer is known; every delivery is
 *       kept as a {@link RuleDelivery}. Input transformers are refused when the targets are put.</li>
 *   <li>{@code GET /_captured[?bus=NAME]} the accepted events as JSON (EventBridge's event envelope plus
 *       {@code eventBusName}); {@code DELETE /_captured} forgets them.</li>
 * </ul>
 * The HTTP server, X-Amz-Target dispatch, request parsing and error responses are {@link AwsJsonServer}'s.
 */
public final class EventBridgeCaptureServer extends AwsJsonServer {

    public static final String DEFAULT_BUS = "default";
    /** PutEvents' limits. */
    public static final int MAX_ENTRIES = 10;
    public static final int MAX_REQUEST_BYTES = 256 * 1024;

    private static final String CAPTURED = "/_captured";
    private static final Pattern BUS_NAME = Pattern.compile("[/.\\-_A-Za-z0-9]{1,256}");
    /** What a set Time adds to an entry's size (EventBridge's PutEvents size calculation). */
    private static final int TIME_BYTES = 14;

    private final String region;
    private final String accountId;
    private final Map<String, Bus> buses = new LinkedHashMap<>();
    private final List<BusEvent> events = new ArrayList<>();
    /** Rules by bus name, then rule name. */
    private final Map<String, Map<String, Rule>> rules = new LinkedHashMap<>();
    private final List<RuleDelivery> deliveries = new ArrayList<>();
    private final Object monitor = new Object();
    private volatile RuleTargets targets = RuleTargets.NONE;

    private record Bus(String name, String arn, String description, Instant created) {
    }

    private record Target(String id, String arn) {
    }

    private record Rule(String name, String busName, String arn, String patternJson, EventPattern pattern,
                        boolean enabled, String description, Map<String, Target> targets) {

        Rule withTargets(Map<String, Target> newTargets) {
            return new Rule(name, busName, arn, patternJson, pattern, enabled, description, Map.copyOf(newTargets));
        }
    }

    private EventBridgeCaptureServer(String region, String accountId, int port) {
        super("EventBridge capture server", "AWSEvents", port);
        this.region = region;
        this.accountId = accountId;
        buses.put(DEFAULT_BUS, new Bus(DEFAULT_BUS, arn(DEFAULT_BUS), null, Instant.now()));
        operation("PutEvents", this::putEvents);
        operation("CreateEventBus", this::createEventBus);
        operation("DescribeEventBus", this::describeEventBus);
        operation("ListEventBuses", this::listEventBuses);
        operation("DeleteEventBus", this::deleteEventBus);
        operation("PutRule", this::putRule);
        operation("DescribeRule", this::describeRule);
        operation("ListRules", this::listRules);
        operation("DeleteRule", this::deleteRule);
        operation("PutTargets", this::putTargets);
        operation("RemoveTargets", this::removeTargets);
        operation("ListTargetsByRule", this::listTargetsByRule);
    }

    /** Where matched events go from now on (e.g. an {@link SqsRuleTargets}); by default nowhere ({@link RuleTargets#NONE}). */
    public EventBridgeCaptureServer routeTargetsWith(RuleTargets ruleTargets) {
        this.targets = java.util.Objects.requireNonNull(ruleTargets, "ruleTargets");
        return this;
    }

    /** Every delivery to a rule's target so far, oldest first. */
    public List<RuleDelivery> deliveries() {
        synchronized (monitor) {
            return List.copyOf(deliveries);
        }
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

    /** The ARN EventBridge gives the bus {@code name} in this server's region and account. */
    public String arn(String name) {
        return "arn:aws:events:" + region + ":" + accountId + ":event-bus/" + name;
    }

    /** The names of the event buses, {@code default} included. */
    public List<String> busNames() {
        synchronized (monitor) {
            return List.copyOf(buses.keySet());
        }
    }

    public boolean hasBus(String nameOrArn) {
        synchronized (monitor) {
            return buses.containsKey(busName(nameOrArn));
        }
    }

    /** Every accepted event, oldest first. */
    public List<BusEvent> events() {
        synchronized (monitor) {
            return List.copyOf(events);
        }
    }

    /** The accepted events of one bus (by name or ARN), oldest first. */
    public List<BusEvent> events(String busNameOrArn) {
        String name = busName(busNameOrArn);
        synchronized (monitor) {
            return events.stream().filter(e -> e.busName().equals(name)).toList();
        }
    }

    /** Forgets the accepted events (the buses stay). */
    public void clear() {
        synchronized (monitor) {
            events.clear();
        }
    }

    /** Waits until an accepted event matches {@code condition}; empty when none did within the timeout. */
    public Optional<BusEvent> await(Predicate<BusEvent> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (true) {
                for (BusEvent event : events) {
                    if (condition.test(event)) {
                        return Optional.of(event);
                    }
                }
                if (!waitUntil(deadline)) {
                    return Optional.empty();
                }
            }
        }
    }

    /** Waits until the bus holds at least {@code count} events; returns them all (possibly fewer on timeout). */
    public List<BusEvent> awaitCount(String busNameOrArn, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (events(busNameOrArn).size() < count && waitUntil(deadline)) {
                // waiting for more
            }
            return events(busNameOrArn);
        }
    }

    /** Waits on the monitor (held by the caller) until notified or the deadline; false once the deadline passed. */
    private boolean waitUntil(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(monitor, left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

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

    // ---------------------------------------------------------------------------------------------- PutEvents

    private JsonNode putEvents(JsonNode request) {
        JsonNode entries = request.get("Entries");
        if (entries == null || entries.isNull()) {
            throw validation("1 validation error detected: Value null at 'entries' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        if (!entries.isArray()) {
            throw new ServiceException(400, "SerializationException", "Entries must be a list");
        }
        if (entries.isEmpty()) {
            throw validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: "
                    + "Member must have length greater than or equal to 1");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: "
                    + "Member must have length less than or equal to " + MAX_ENTRIES);
        }
        long size = 0;
        for (JsonNode entry : entries) {
            size += entrySize(entry);
        }
        if (size > MAX_REQUEST_BYTES) {
            throw validation("Total size of the entries in the request is over the limit.");
        }
        ObjectNode response = JSON.createObjectNode();
        ArrayNode results = JSON.createArrayNode();
        int failed = 0;
        List<BusEvent> accepted = new ArrayList<>();
        synchronized (monitor) {
            for (JsonNode entry : entries) {
                ObjectNode result = results.addObject();
                String error = validate(entry);
                if (error != null) {
                    failed++;
                    int colon = error.indexOf(':');
                    result.put("ErrorCode", error.substring(0, colon));
                    result.put("ErrorMessage", error.substring(colon + 1));
                    continue;
                }
                Bus bus = buses.get(busName(text(entry, "EventBusName")));
                String id = UUID.randomUUID().toString();
                List<String> resources = new ArrayList<>();
                entry.path("Resources").forEach(r -> resources.add(r.asText()));
                accepted.add(new BusEvent(id, bus.name(), bus.arn(), text(entry, "Source"), text(entry, "DetailType"),
                        text(entry, "Detail"), resources, time(entry.get("Time")), accountId, region));
                result.put("EventId", id);
            }
            events.addAll(accepted);
            monitor.notifyAll();
        }
        accepted.forEach(this::route);
        response.put("FailedEntryCount", failed);
        response.set("Entries", results);
        return response;
    }

    /** Hands the event to every target of every enabled rule of its bus that matches it. */
    private void route(BusEvent event) {
        List<Rule> candidates;
        synchronized (monitor) {
            candidates = List.copyOf(rules.getOrDefault(event.busName(), Map.of()).values());
        }
        ObjectNode envelope = event.envelope();
        String body = envelope.toString();
        for (Rule rule : candidates) {
            if (!rule.enabled() || !rule.pattern().matches(envelope)) {
                continue;
            }
            for (Target target : rule.targets().values()) {
                String error = null;
                try {
                    targets.deliver(target.arn(), body);
                } catch (RuntimeException e) {
                    error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                }
                synchronized (monitor) {
                    deliveries.add(new RuleDelivery(event.busName(), rule.name(), target.id(), target.arn(), event.id(),
                            event.detailType(), Instant.now(), error));
                    monitor.notifyAll();
                }
            }
        }
    }

    /** {@code Code:message} of what is wrong with an entry, or {@code null} when it is fine. Caller holds the monitor. */
    private String validate(JsonNode entry) {
        String source = text(entry, "Source");
        String detailType = text(entry, "DetailType");
        String detail = text(entry, "Detail");
        if (source == null || source.isBlank()) {
            return "InvalidArgument:Parameter Source is not valid. Reason: Source is a required argument.";
        }
        if (detailType == null || detailType.isBlank()) {
            return "InvalidArgument:Parameter DetailType is not valid. Reason: DetailType is a required argument.";
        }
        if (detail == null || detail.isBlank()) {
            return "InvalidArgument:Parameter Detail is not valid. Reason: Detail is a required argument.";
        }
        if (!isJsonObject(detail)) {
            return "MalformedDetail:Detail is malformed.";
        }
        if (source.startsWith("aws.")) {
            return "NotAuthorizedForSourceException:Not authorized for the source.";
        }
        String bus = text(entry, "EventBusName");
        if (!buses.containsKey(busName(bus))) {
            return "ResourceNotFoundException:Event bus " + busName(bus) + " does not exist.";
        }
        return null;
    }

    private static boolean isJsonObject(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject();
        } catch (IOException e) {
            return false;
        }
    }

    /** EventBridge's entry size: 14 bytes for a Time, then Source, DetailType, Detail and each Resource in UTF-8. */
    static long entrySize(JsonNode entry) {
        long size = entry.hasNonNull("Time") ? TIME_BYTES : 0;
        for (String field : List.of("Source", "DetailType", "Detail")) {
            String value = text(entry, field);
            if (value != null) {
                size += value.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        for (JsonNode resource : entry.path("Resources")) {
            size += resource.asText().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    /** Time: epoch seconds (what the SDK sends), an ISO-8601 text, or now when absent. */
    private static Instant time(JsonNode value) {
        if (value == null || value.isNull()) {
            return Instant.now();
        }
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue());
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new ServiceException(400, "SerializationException", "Time is not a timestamp: " + value);
        }
    }

    // ---------------------------------------------------------------------------------------------- event buses

    private JsonNode createEventBus(JsonNode request) {
        String name = text(request, "Name");
        if (name == null || !BUS_NAME.matcher(name).matches()) {
            throw validation("1 validation error detected: Value '" + name + "' at 'name' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+");
        }
        Bus bus;
        synchronized (monitor) {
            if (buses.containsKey(name)) {
                throw new ServiceException(400, "ResourceAlreadyExistsException", "Event bus " + name + " already exists.");
            }
            bus = new Bus(name, arn(name), text(request, "Description"), Instant.now());
            buses.put(name, bus);
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("EventBusArn", bus.arn());
        if (bus.description() != null) {
            response.put("Description", bus.description());
        }
        return response;
    }

    private JsonNode describeEventBus(JsonNode request) {
        String name = busName(text(request, "Name"));
        Bus bus;
        synchronized (monitor) {
            bus = buses.get(name);
        }
        if (bus == null) {
            throw new ServiceException(400, "ResourceNotFoundException", "Event bus " + name + " does not exist.");
        }
        return busJson(bus);
    }

    private JsonNode listEventBuses(JsonNode request) {
        String prefix = text(request, "NamePrefix");
        int limit = request.hasNonNull("Limit") ? request.get("Limit").asInt() : 100;
        if (limit < 1 || limit > 100) {
            throw validation("1 validation error detected: Value '" + limit + "' at 'limit' failed to satisfy constraint: "
                    + "Member must have value between 1 and 100");
        }
        String after = text(request, "NextToken");
        List<Bus> matching;
        synchronized (monitor) {
            matching = buses.values().stream().filter(b -> prefix == null || b.name().startsWith(prefix))
                    .sorted(Comparator.comparing(Bus::name)).toList();
        }
        List<Bus> page = matching.stream().filter(b -> after == null || b.name().compareTo(after) > 0).limit(limit).toList();
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("EventBuses");
        page.forEach(b -> list.add(busJson(b)));
        if (!page.isEmpty() && matching.indexOf(page.getLast()) < matching.size() - 1) {
            response.put("NextToken", page.getLast().name());
        }
        return response;
    }

    private JsonNode deleteEventBus(JsonNode request) {
        String name = text(request, "Name");
        if (DEFAULT_BUS.equals(name)) {
            throw validation("Cannot delete event bus default.");
        }
        synchronized (monitor) {
            buses.remove(name);
            rules.remove(name);
        }
        return JSON.createObjectNode();
    }

    private static ObjectNode busJson(Bus bus) {
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

    /** A bus name from a name, an ARN ({@code arn:aws:events:...:event-bus/NAME}) or nothing (the default bus). */
    static String busName(String nameOrArn) {
        if (nameOrArn == null || nameOrArn.isEmpty()) {
            return DEFAULT_BUS;
        }
        int slash = nameOrArn.indexOf(":event-bus/");
        return nameOrArn.startsWith("arn:") && slash > 0 ? nameOrArn.substring(slash + ":event-bus/".length()) : nameOrArn;
    }

    // ---------------------------------------------------------------------------------------------- rules

    private JsonNode putRule(JsonNode request) {
        String name = text(request, "Name");
        if (name == null || !name.matches("[.\\-_A-Za-z0-9]{1,64}")) {
            throw validation("1 validation error detected: Value '" + name + "' at 'name' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
        }
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
        String busName = busName(text(request, "EventBusName"));
        Rule rule;
        synchronized (monitor) {
            if (!buses.containsKey(busName)) {
                throw new ServiceException(400, "ResourceNotFoundException", "Event bus " + busName + " does not exist.");
            }
            Map<String, Rule> ofBus = rules.computeIfAbsent(busName, b -> new LinkedHashMap<>());
            Rule existing = ofBus.get(name);
            rule = new Rule(name, busName, ruleArn(busName, name), patternJson, pattern, state.equals("ENABLED"),
                    text(request, "Description"), existing == null ? Map.of() : existing.targets());
            ofBus.put(name, rule);
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("RuleArn", rule.arn());
        return response;
    }

    private JsonNode describeRule(JsonNode request) {
        Rule rule = rule(request, "Name");
        ObjectNode node = ruleJson(rule);
        node.put("CreatedBy", accountId);
        return node;
    }

    private JsonNode listRules(JsonNode request) {
        String busName = busName(text(request, "EventBusName"));
        String prefix = text(request, "NamePrefix");
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("Rules");
        synchronized (monitor) {
            rules.getOrDefault(busName, Map.of()).values().stream()
                    .filter(r -> prefix == null || r.name().startsWith(prefix))
                    .sorted(Comparator.comparing(Rule::name)).forEach(r -> list.add(ruleJson(r)));
        }
        return response;
    }

    private JsonNode deleteRule(JsonNode request) {
        synchronized (monitor) {
            Rule rule = rule(request, "Name");
            if (!rule.targets().isEmpty()) {
                throw validation("Rule can't be deleted since it has targets.");
            }
            rules.get(rule.busName()).remove(rule.name());
        }
        return JSON.createObjectNode();
    }

    private JsonNode putTargets(JsonNode request) {
        Rule rule = rule(request, "Rule");
        JsonNode given = request.path("Targets");
        if (!given.isArray() || given.isEmpty() || given.size() > 10) {
            throw validation("Targets must be a list of 1 to 10 targets");
        }
        Map<String, Target> merged = new LinkedHashMap<>();
        for (JsonNode target : given) {
            String id = text(target, "Id");
            String arn = text(target, "Arn");
            if (id == null || arn == null) {
                throw validation("A target needs an Id and an Arn");
            }
            for (String unsupported : List.of("Input", "InputPath", "InputTransformer", "SqsParameters",
                    "DeadLetterConfig", "RetryPolicy")) {
                if (target.has(unsupported)) {
                    throw validation("Target " + id + ": " + unsupported + " is not supported by the local EventBridge");
                }
            }
            merged.put(id, new Target(id, arn));
        }
        return changeTargets(rule, targets -> targets.putAll(merged));
    }

    private JsonNode removeTargets(JsonNode request) {
        Rule rule = rule(request, "Rule");
        return changeTargets(rule, targets -> request.path("Ids").forEach(id -> targets.remove(id.asText())));
    }

    /** Changes the targets of the rule as it is now (a PutRule meanwhile keeps them) and answers: none failed. */
    private JsonNode changeTargets(Rule rule, java.util.function.Consumer<Map<String, Target>> change) {
        synchronized (monitor) {
            Map<String, Rule> ofBus = rules.getOrDefault(rule.busName(), Map.of());
            Rule current = ofBus.get(rule.name());
            if (current == null) {
                throw new ServiceException(400, "ResourceNotFoundException",
                        "Rule " + rule.name() + " does not exist on EventBus " + rule.busName() + ".");
            }
            Map<String, Target> targets = new LinkedHashMap<>(current.targets());
            change.accept(targets);
            ofBus.put(rule.name(), current.withTargets(targets));
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("FailedEntryCount", 0);
        response.putArray("FailedEntries");
        return response;
    }

    private JsonNode listTargetsByRule(JsonNode request) {
        Rule rule = rule(request, "Rule");
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("Targets");
        rule.targets().values().forEach(t -> list.addObject().put("Id", t.id()).put("Arn", t.arn()));
        return response;
    }

    /** The rule named by {@code field} on the request's bus, or ResourceNotFoundException. */
    private Rule rule(JsonNode request, String field) {
        String busName = busName(text(request, "EventBusName"));
        String name = text(request, field);
        synchronized (monitor) {
            Rule rule = rules.getOrDefault(busName, Map.of()).get(name);
            if (rule == null) {
                throw new ServiceException(400, "ResourceNotFoundException",
                        "Rule " + name + " does not exist on EventBus " + busName + ".");
            }
            return rule;
        }
    }

    private ObjectNode ruleJson(Rule rule) {
        ObjectNode node = JSON.createObjectNode();
        node.put("Name", rule.name());
        node.put("Arn", rule.arn());
        node.put("EventPattern", rule.patternJson());
        node.put("State", rule.enabled() ? "ENABLED" : "DISABLED");
        node.put("EventBusName", rule.busName());
        if (rule.description() != null) {
            node.put("Description", rule.description());
        }
        return node;
    }

    /** EventBridge's rule ARN: {@code rule/NAME} on the default bus, {@code rule/BUS/NAME} on a custom one. */
    private String ruleArn(String busName, String name) {
        return "arn:aws:events:" + region + ":" + accountId + ":rule/"
                + (busName.equals(DEFAULT_BUS) ? "" : busName + "/") + name;
    }

    // ---------------------------------------------------------------------------------------------- plumbing

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

    @Override
    public String toString() {
        synchronized (monitor) {
            return "EventBridgeCaptureServer[" + endpoint() + ", buses " + buses.keySet() + ", " + events.size() + " events]";
        }
    }
}
