package dev.cartwheel.local.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schedule expressions as EventBridge reads them, the Scheduled Event it sends, rule names. No I/O. */
class ScheduleExpressionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "rate(5 minutes) | PT5M",
            "rate(1 minute)  | PT1M",
            "rate(1 hour)    | PT1H",
            "rate(12 hours)  | PT12H",
            "rate(2 days)    | PT48H",
    })
    void rate_firesOnePeriodAfterTheGivenTime(String expression, Duration period) {
        // GIVEN
        Instant t = Instant.parse("2025-03-01T10:00:07Z");
        // WHEN
        ScheduleExpression e = ScheduleExpression.parse(expression);
        // THEN
        assertThat(e.nextAfter(t)).isEqualTo(t.plus(period));
        assertThat(e.text()).isEqualTo(expression);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate(5 minute)", "rate(1 minutes)", "rate(0 minutes)", "rate(-1 minutes)", "rate(5 seconds)",
            "rate(5)", "rate(five minutes)", "every 5 minutes", "cron(0 12 * * ? )", "cron(0 12 * * * *)",
            "cron(0 12 ? * ? *)", "cron(0 12 L * ? *)", "cron(0 12 ? * 6L *)", "cron(0 12 ? * 2#1 *)", "cron(0 12 15W * ? *)",
            "cron(60 * * * ? *)", "cron(0 24 * * ? *)", "cron(0 12 * 13 ? *)", "cron(0 12 ? * 8 *)", "cron(0/0 * * * ? *)"})
    void parse_shouldThrow_whenTheExpressionIsNotOneEventBridgeAccepts(String expression) {
        assertThatThrownBy(() -> ScheduleExpression.parse(expression)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // expression                          | after                  | next
            "cron(0/15 * * * ? *)                  | 2025-03-01T10:07:30Z   | 2025-03-01T10:15:00Z",
            "cron(0/15 * * * ? *)                  | 2025-03-01T10:45:00Z   | 2025-03-01T11:00:00Z",
            "cron(0 12 * * ? *)                    | 2025-03-01T12:00:00Z   | 2025-03-02T12:00:00Z",
            "cron(0 12 * * ? *)                    | 2025-03-01T11:59:59Z   | 2025-03-01T12:00:00Z",
            "cron(15 10 ? * MON-FRI *)             | 2025-03-01T00:00:00Z   | 2025-03-03T10:15:00Z",
            "cron(0 8 1 * ? *)                     | 2025-03-01T08:00:00Z   | 2025-04-01T08:00:00Z",
            "cron(0 0 ? * 1 *)                     | 2025-03-01T00:00:00Z   | 2025-03-02T00:00:00Z",
            "cron(30 6 29 FEB ? *)                 | 2025-03-01T00:00:00Z   | 2028-02-29T06:30:00Z",
            "cron(0 18 ? * MON,WED,FRI 2026)       | 2025-12-31T23:00:00Z   | 2026-01-02T18:00:00Z",
            "cron(5,35 14-15 * JUL ? *)            | 2025-07-10T15:35:00Z   | 2025-07-11T14:05:00Z",
    })
    void cron_firesAtTheNextMatchingMinuteInUtc(String expression, Instant after, Instant next) {
        assertThat(ScheduleExpression.parse(expression).nextAfter(after)).isEqualTo(next);
    }

    @Test
    void scheduledEvent_hasTheShapeEventBridgeSends() throws Exception {
        // GIVEN
        String name = ScheduleRule.physicalName("cartwheel", "ReconcilerFunction", "EveryFewMinutes");
        ScheduleRule rule = new ScheduleRule("ReconcilerFunction", "EveryFewMinutes", name,
                ScheduleRule.arn("eu-west-1", "000000000000", name), ScheduleExpression.parse("rate(5 minutes)"), true, null);
        LocalScheduler scheduler = new LocalScheduler(List.of(rule), null, "eu-west-1", "000000000000", null, line -> { });
        // WHEN
        JsonNode e = new ObjectMapper().readTree(scheduler.scheduledEvent(rule, Instant.parse("2025-03-01T10:05:00.123Z")));
        // THEN
        assertThat(e.path("version").asText()).isEqualTo("0");
        assertThat(e.path("detail-type").asText()).isEqualTo("Scheduled Event");
        assertThat(e.path("source").asText()).isEqualTo("aws.events");
        assertThat(e.path("account").asText()).isEqualTo("000000000000");
        assertThat(e.path("region").asText()).isEqualTo("eu-west-1");
        assertThat(e.path("time").asText()).isEqualTo("2025-03-01T10:05:00Z");
        assertThat(e.path("resources")).hasSize(1);
        assertThat(e.path("resources").get(0).asText()).isEqualTo("arn:aws:events:eu-west-1:000000000000:rule/" + name);
        assertThat(e.path("detail").isObject() && e.path("detail").isEmpty()).isTrue();
        assertThat(e.path("id").asText()).matches("[0-9a-f-]{36}");
    }

    @Test
    void physicalName_isStableLikeCloudFormationsAndAtMost64Characters() {
        String a = ScheduleRule.physicalName("cartwheel", "ReconcilerFunction", "EveryFewMinutes");
        assertThat(a).isEqualTo(ScheduleRule.physicalName("cartwheel", "ReconcilerFunction", "EveryFewMinutes"));
        assertThat(a).matches("cartwheel-ReconcilerFunctionEveryFewMinutes-[0-9A-Z]{12}");
        assertThat(a).isNotEqualTo(ScheduleRule.physicalName("other", "ReconcilerFunction", "EveryFewMinutes"));
        assertThat(ScheduleRule.physicalName("a-very-long-stack-name-indeed", "AFunctionWithAVeryLongLogicalId", "AndALongEvent"))
                .hasSizeLessThanOrEqualTo(64);
    }

    @ParameterizedTest
    @CsvSource({"10s, PT10S", "500ms, PT0.5S", "2m, PT2M", "1h, PT1H", "PT30S, PT30S"})
    void parseDuration_readsTheOverrideForms(String text, Duration expected) {
        assertThat(LocalScheduler.parseDuration(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "-5s", "10", "ten seconds", "PT0S"})
    void parseDuration_shouldThrow_whenNotAPositiveDuration(String text) {
        assertThatThrownBy(() -> LocalScheduler.parseDuration(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
