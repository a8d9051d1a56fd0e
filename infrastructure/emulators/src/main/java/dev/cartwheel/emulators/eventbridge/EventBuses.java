package dev.cartwheel.emulators.eventbridge;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.cartwheel.emulators.server.ServiceException;

/**
 * The bus and rule state of the local EventBridge: its event buses ({@code default} always exists) and each bus's
 * event-pattern rules with their targets. Thread-safe; refusals are the {@link ServiceException}s EventBridge answers.
 */
final class EventBuses {

    static final String DEFAULT_BUS = "default";

    private static final Pattern BUS_NAME = Pattern.compile("[/.\\-_A-Za-z0-9]{1,256}");
    private static final Pattern RULE_NAME = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");

    record Bus(String name, String arn, String description, Instant created) {
    }

    record Target(String id, String arn) {
    }

    record Rule(String name, String busName, String arn, EventPattern pattern, boolean enabled, String description,
                Map<String, Target> targets) {

        Rule {
            targets = Map.copyOf(targets);
        }
    }

    private final String region;
    private final String accountId;
    private final Map<String, Bus> buses = new LinkedHashMap<>();
    /** Rules by bus name, then rule name. */
    private final Map<String, Map<String, Rule>> rules = new LinkedHashMap<>();

    EventBuses(String region, String accountId) {
        this.region = region;
        this.accountId = accountId;
        buses.put(DEFAULT_BUS, new Bus(DEFAULT_BUS, arn(DEFAULT_BUS), null, Instant.now()));
    }

    String region() {
        return region;
    }

    String accountId() {
        return accountId;
    }

    /** The ARN EventBridge gives the bus {@code name} in this region and account. */
    String arn(String name) {
        return "arn:aws:events:" + region + ":" + accountId + ":event-bus/" + name;
    }

    /** A bus name from a name, an ARN ({@code arn:aws:events:...:event-bus/NAME}) or nothing (the default bus). */
    static String nameOf(String nameOrArn) {
        if (nameOrArn == null || nameOrArn.isEmpty()) {
            return DEFAULT_BUS;
        }
        int slash = nameOrArn.indexOf(":event-bus/");
        return nameOrArn.startsWith("arn:") && slash > 0 ? nameOrArn.substring(slash + ":event-bus/".length()) : nameOrArn;
    }

    synchronized Bus create(String name, String description) {
        if (name == null || !BUS_NAME.matcher(name).matches()) {
            throw ServiceException.validation("1 validation error detected: Value '" + name + "' at 'name' failed to "
                    + "satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+");
        }
        if (buses.containsKey(name)) {
            throw new ServiceException(400, "ResourceAlreadyExistsException", "Event bus " + name + " already exists.");
        }
        Bus bus = new Bus(name, arn(name), description, Instant.now());
        buses.put(name, bus);
        return bus;
    }

    synchronized boolean exists(String nameOrArn) {
        return buses.containsKey(nameOf(nameOrArn));
    }

    /** The bus (by name or ARN, the default bus for none), or ResourceNotFoundException. */
    synchronized Bus bus(String nameOrArn) {
        String name = nameOf(nameOrArn);
        Bus bus = buses.get(name);
        if (bus == null) {
            throw ServiceException.notFound("Event bus " + name + " does not exist.");
        }
        return bus;
    }

    synchronized List<String> names() {
        return List.copyOf(buses.keySet());
    }

    /** Creates or replaces an event-pattern rule on its bus; a replaced rule keeps its targets. */
    synchronized Rule putRule(String name, String busNameOrArn, EventPattern pattern, boolean enabled, String description) {
        checkRuleName(name);
        Bus bus = bus(busNameOrArn);
        Map<String, Rule> ofBus = rules.computeIfAbsent(bus.name(), b -> new LinkedHashMap<>());
        Rule existing = ofBus.get(name);
        Rule rule = new Rule(name, bus.name(), ruleArn(bus.name(), name), pattern, enabled, description,
                existing == null ? Map.of() : existing.targets());
        ofBus.put(name, rule);
        return rule;
    }

    /** EventBridge's rule names: 1 to 64 of {@code [.-_A-Za-z0-9]}. */
    static void checkRuleName(String name) {
        if (name == null || !RULE_NAME.matcher(name).matches()) {
            throw ServiceException.validation("1 validation error detected: Value '" + name + "' at 'name' failed to "
                    + "satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
        }
    }

    /** Adds (or replaces, by id) targets of the rule as it is now. */
    synchronized void putTargets(String ruleName, String busNameOrArn, List<Target> targets) {
        Rule rule = rule(ruleName, busNameOrArn);
        Map<String, Target> merged = new LinkedHashMap<>(rule.targets());
        targets.forEach(t -> merged.put(t.id(), t));
        rules.get(rule.busName()).put(rule.name(), new Rule(rule.name(), rule.busName(), rule.arn(), rule.pattern(),
                rule.enabled(), rule.description(), merged));
    }

    /** The rule on the bus, or ResourceNotFoundException. */
    synchronized Rule rule(String name, String busNameOrArn) {
        String busName = nameOf(busNameOrArn);
        Rule rule = rules.getOrDefault(busName, Map.of()).get(name);
        if (rule == null) {
            throw ServiceException.notFound("Rule " + name + " does not exist on EventBus " + busName + ".");
        }
        return rule;
    }

    /** The enabled rules of a bus, as they are now. */
    synchronized List<Rule> enabledRules(String busName) {
        return rules.getOrDefault(busName, Map.of()).values().stream().filter(Rule::enabled).toList();
    }

    /** EventBridge's rule ARN: {@code rule/NAME} on the default bus, {@code rule/BUS/NAME} on a custom one. */
    private String ruleArn(String busName, String name) {
        return "arn:aws:events:" + region + ":" + accountId + ":rule/"
                + (busName.equals(DEFAULT_BUS) ? "" : busName + "/") + name;
    }
}
