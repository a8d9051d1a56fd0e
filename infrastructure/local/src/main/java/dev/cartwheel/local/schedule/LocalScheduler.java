package dev.cartwheel.local.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.local.lambda.InvocationResult;
import dev.cartwheel.local.lambda.LambdaService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * EventBridge for the template's {@code Schedule} events: one thread per enabled rule sleeps until the rule's next
 * time and invokes the function with the Scheduled Event EventBridge sends (or the rule's {@code Input}).
 *
 * <p>Differences from EventBridge, kept on purpose for a local run: invocations of one rule never overlap (a tick
 * due while the previous invocation still runs is skipped and logged), a failed invocation is logged, not retried,
 * and with a rate override every rule, rate or cron, fires every override period instead (the first time one period
 * after start-up, as a {@code rate} rule does after it is created).
 */
public final class LocalScheduler implements AutoCloseable {

    private static final int KEPT_RUNS = 50;

    /** One invocation by a rule: the event sent and what the function answered. */
    public record Run(ScheduleRule rule, Instant scheduledTime, String event, InvocationResult.Status status, String response) {
    }

    private final List<ScheduleRule> rules;
    private final LambdaService lambda;
    private final String region;
    private final String accountId;
    private final Duration rateOverride;
    private final Consumer<String> log;
    private final Clock clock;
    private final List<Thread> threads = new ArrayList<>();
    private final Deque<Run> recentRuns = new ArrayDeque<>();
    private final AtomicLong skipped = new AtomicLong();

    /**
     * @param rateOverride null to follow each rule's expression, or the period every rule fires at instead
     */
    public LocalScheduler(List<ScheduleRule> rules, LambdaService lambda, String region, String accountId,
                          Duration rateOverride, Consumer<String> log) {
        if (rateOverride != null && (rateOverride.isNegative() || rateOverride.isZero())) {
            throw new IllegalArgumentException("schedule rate override must be positive: " + rateOverride);
        }
        this.rules = List.copyOf(rules);
        this.lambda = lambda;
        this.region = region;
        this.accountId = accountId;
        this.rateOverride = rateOverride;
        this.log = log;
        this.clock = Clock.systemUTC();
    }

    public void start() {
        for (ScheduleRule rule : rules) {
            if (!rule.enabled()) {
                log.accept("rule " + rule.ruleName() + " (" + rule.expression().text() + ") is disabled in the template: not triggered");
                continue;
            }
            log.accept("rule " + rule.ruleName() + " triggers " + rule.functionName() + " "
                    + (rateOverride == null ? rule.expression().text() : "every " + rateOverride + " (override of " + rule.expression().text() + ")"));
            threads.add(Thread.ofVirtual().name("schedule-" + rule.ruleName()).start(() -> loop(rule)));
        }
    }

    public List<ScheduleRule> rules() {
        return rules;
    }

    /** The latest runs, newest first. */
    public synchronized List<Run> recentRuns() {
        return List.copyOf(recentRuns);
    }

    /** Ticks skipped because the rule's previous invocation was still running. */
    public long skippedTicks() {
        return skipped.get();
    }

    private Instant next(ScheduleRule rule, Instant after) {
        return rateOverride != null ? after.plus(rateOverride) : rule.expression().nextAfter(after);
    }

    private void loop(ScheduleRule rule) {
        Instant due = next(rule, clock.instant());
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Duration wait = Duration.between(clock.instant(), due);
                if (!wait.isNegative()) {
                    Thread.sleep(wait);
                }
            } catch (InterruptedException e) {
                return;
            }
            invoke(rule, due);
            Instant now = clock.instant();
            Instant following = next(rule, due);
            while (!following.isAfter(now)) {
                skipped.incrementAndGet();
                log.accept("rule " + rule.ruleName() + ": tick at " + following + " skipped, the previous invocation was still running");
                following = next(rule, following);
            }
            due = following;
        }
    }

    private void invoke(ScheduleRule rule, Instant scheduledTime) {
        String event = rule.input() != null ? rule.input() : scheduledEvent(rule, scheduledTime);
        try {
            InvocationResult result = lambda.invoke(rule.functionName(), event.getBytes(StandardCharsets.UTF_8));
            if (!result.ok()) {
                log.accept("rule " + rule.ruleName() + ": " + rule.functionName() + " failed (" + result.status() + " "
                        + result.errorType() + "): " + result.payloadAsString());
            }
            remember(new Run(rule, scheduledTime, event, result.status(), result.payloadAsString()));
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            log.accept("rule " + rule.ruleName() + ": invoking " + rule.functionName() + " failed: " + e);
        }
    }

    private synchronized void remember(Run run) {
        recentRuns.addFirst(run);
        while (recentRuns.size() > KEPT_RUNS) {
            recentRuns.removeLast();
        }
    }

    /** The event EventBridge sends a Lambda target of a scheduled rule. */
    String scheduledEvent(ScheduleRule rule, Instant scheduledTime) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("version", "0");
        e.put("id", UUID.randomUUID().toString());
        e.put("detail-type", "Scheduled Event");
        e.put("source", "aws.events");
        e.put("account", accountId);
        e.put("time", scheduledTime.truncatedTo(ChronoUnit.SECONDS).toString());
        e.put("region", region);
        e.putArray("resources").add(rule.ruleArn());
        e.putObject("detail");
        try {
            return Json.MAPPER.writeValueAsString(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close() {
        threads.forEach(Thread::interrupt);
        threads.clear();
    }

    /**
     * The mapper, made on first use: the CLI parses its durations with {@link #parseDuration} before the local cloud
     * starts, and Jackson's first mapper costs half a second of that start.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** Parses {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h} or an ISO-8601 duration ({@code PT10S}). */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d{1,9})(ms|s|m|h)$").matcher(t);
        Duration d;
        if (m.matches()) {
            long v = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(v);
                case "s" -> Duration.ofSeconds(v);
                case "m" -> Duration.ofMinutes(v);
                default -> Duration.ofHours(v);
            };
        } else {
            try {
                d = Duration.parse(text.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration (e.g. 10s, 500ms, 2m, 1h, PT10S): " + text, e);
            }
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("duration must be positive: " + text);
        }
        return d;
    }
}
