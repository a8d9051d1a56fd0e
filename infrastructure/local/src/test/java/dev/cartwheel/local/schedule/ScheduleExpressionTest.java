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
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // expression          | the message names
            "rate(5 minute)        | rate: the unit is singular for 1 and plural otherwise, not '5 minute'",
            "rate(1 minutes)       | rate: the unit is singular for 1 and plural otherwise, not '1 minutes'",
            "rate(0 minutes)       | rate: the value must be positive, not 0",
            "rate(-1 minutes)      | rate: the value '-1' is not a positive integer",
            "rate(five minutes)    | rate: the value 'five' is not a positive integer",
            "rate(1.5 hours)       | rate: the value '1.5' is not a positive integer",
            "rate(5 seconds)       | rate: the unit 'seconds' is not minute(s), hour(s) or day(s)",
            "rate(5 Minutes)       | rate: the unit 'Minutes' is not minute(s), hour(s) or day(s)",
            "rate(5)               | rate: needs a value and a unit",
            "rate()                | rate: needs a value and a unit",
            "every 5 minutes       | a schedule expression is rate(...) or cron(...)",
            "at(2025-03-01T10:00:00) | a schedule expression is rate(...) or cron(...)",
    })
    void parse_shouldThrowNamingTheProblem_whenTheExpressionIsNotOneEventBridgeAccepts(String expression, String message) {
        assertThatThrownBy(() -> ScheduleExpression.parse(expression))
                .isInstanceOf(InvalidScheduleExpressionException.class)
                .hasMessageStartingWith(message)
                .hasMessageEndingWith(": " + expression);
    }

    @Test
    void parse_shouldThrow_whenThereIsNoExpression() {
        assertThatThrownBy(() -> ScheduleExpression.parse(null)).isInstanceOf(InvalidScheduleExpressionException.class)
                .hasMessageContaining("no schedule expression");
    }

    @Test
    void parse_readsRateAndCron_asTheirOwnTypes_trimmed() {
        assertThat(ScheduleExpression.parse("  rate(5 minutes) ")).isInstanceOf(ScheduleExpression.Rate.class)
                .extracting(ScheduleExpression::text).isEqualTo("rate(5 minutes)");
        assertThat(ScheduleExpression.parse("cron(0 12 * * ? *)")).isInstanceOf(CronExpression.class);
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
