package dev.cartwheel.local.schedule;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** EventBridge's cron expressions: every form of every field, when each fires (UTC), and the errors. No I/O. */
class CronExpressionTest {

    @ParameterizedTest(name = "{0} after {1}")
    @CsvSource(delimiter = '|', value = {
            // expression                          | after                  | fires next
            // ---- minutes: a value, an increment from a value, from *, within a range, a list
            "cron(30 * * * ? *)                    | 2025-03-01T10:30:00Z   | 2025-03-01T11:30:00Z",
            "cron(0/15 * * * ? *)                  | 2025-03-01T10:07:30Z   | 2025-03-01T10:15:00Z",
            "cron(0/15 * * * ? *)                  | 2025-03-01T10:45:00Z   | 2025-03-01T11:00:00Z",
            "cron(*/20 * * * ? *)                  | 2025-03-01T10:41:00Z   | 2025-03-01T11:00:00Z",
            "cron(10-30/10 * * * ? *)              | 2025-03-01T10:31:00Z   | 2025-03-01T11:10:00Z",
            "cron(5,35 14-15 * JUL ? *)            | 2025-07-10T15:35:00Z   | 2025-07-11T14:05:00Z",
            // ---- hours: every hour, a value, a list
            "cron(0 * * * ? *)                     | 2025-03-01T23:00:00Z   | 2025-03-02T00:00:00Z",
            "cron(0 12 * * ? *)                    | 2025-03-01T12:00:00Z   | 2025-03-02T12:00:00Z",
            "cron(0 12 * * ? *)                    | 2025-03-01T11:59:59Z   | 2025-03-01T12:00:00Z",
            "cron(0 8,20 * * ? *)                  | 2025-03-01T08:00:00Z   | 2025-03-01T20:00:00Z",
            // ---- day-of-month: a value, a range and a list, L, nW (also at the month's edges)
            "cron(0 8 1 * ? *)                     | 2025-03-01T08:00:00Z   | 2025-04-01T08:00:00Z",
            "cron(0 9 10-12,20 * ? *)              | 2025-03-12T09:00:00Z   | 2025-03-20T09:00:00Z",
            "cron(0 0 1/10 * ? *)                  | 2025-03-11T00:00:00Z   | 2025-03-21T00:00:00Z",
            "cron(0 0 L * ? *)                     | 2025-02-01T00:00:00Z   | 2025-02-28T00:00:00Z",
            "cron(0 0 L * ? *)                     | 2028-02-01T00:00:00Z   | 2028-02-29T00:00:00Z",
            "cron(0 9 15W * ? *)                   | 2025-03-01T00:00:00Z   | 2025-03-14T09:00:00Z",
            "cron(0 9 15W * ? *)                   | 2025-06-01T00:00:00Z   | 2025-06-16T09:00:00Z",
            "cron(0 9 1W * ? *)                    | 2025-02-28T12:00:00Z   | 2025-03-03T09:00:00Z",
            "cron(0 9 31W * ? *)                   | 2025-08-01T00:00:00Z   | 2025-08-29T09:00:00Z",
            "cron(0 9 31W * ? *)                   | 2025-09-01T00:00:00Z   | 2025-10-31T09:00:00Z",
            "cron(30 6 29 FEB ? *)                 | 2025-03-01T00:00:00Z   | 2028-02-29T06:30:00Z",
            // ---- month: names in any case, a range of names, an increment
            "cron(0 0 1 jan-mar ? *)               | 2025-03-01T00:00:00Z   | 2026-01-01T00:00:00Z",
            "cron(0 0 1 1/3 ? *)                   | 2025-03-01T00:00:00Z   | 2025-04-01T00:00:00Z",
            "cron(0 0 1 2,11 ? *)                  | 2025-03-01T00:00:00Z   | 2025-11-01T00:00:00Z",
            // ---- day-of-week: a number (1 = Sunday), names, a range, L (Saturday), nL, n#k
            "cron(0 0 ? * 1 *)                     | 2025-03-01T00:00:00Z   | 2025-03-02T00:00:00Z",
            "cron(15 10 ? * MON-FRI *)             | 2025-03-01T00:00:00Z   | 2025-03-03T10:15:00Z",
            "cron(0 18 ? * MON,WED,FRI 2026)       | 2025-12-31T23:00:00Z   | 2026-01-02T18:00:00Z",
            "cron(0 0 ? * 2-6/2 *)                 | 2025-03-03T00:00:00Z   | 2025-03-05T00:00:00Z",
            "cron(0 0 ? * L *)                     | 2025-03-02T00:00:00Z   | 2025-03-08T00:00:00Z",
            "cron(0 18 ? * 6L *)                   | 2025-03-01T00:00:00Z   | 2025-03-28T18:00:00Z",
            "cron(0 18 ? * FRIL *)                 | 2025-03-01T00:00:00Z   | 2025-03-28T18:00:00Z",
            "cron(0 9 ? * 2#1 *)                   | 2025-03-03T09:00:00Z   | 2025-04-07T09:00:00Z",
            "cron(0 9 ? * THU#5 *)                 | 2025-03-01T00:00:00Z   | 2025-05-29T09:00:00Z",
            // ---- year: a range with a list, an increment
            "cron(0 0 1 1 ? 2030-2031,2035)        | 2031-01-01T00:00:00Z   | 2035-01-01T00:00:00Z",
            "cron(0 0 1 1 ? 2026/2)                | 2026-01-01T00:00:00Z   | 2028-01-01T00:00:00Z",
    })
    void nextAfter_isTheNextMatchingMinuteInUtc(String expression, Instant after, Instant next) {
        ScheduleExpression cron = ScheduleExpression.parse(expression);
        assertThat(cron).isInstanceOf(CronExpression.class);
        assertThat(cron.nextAfter(after)).isEqualTo(next);
        assertThat(cron.text()).isEqualTo(expression);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // expression                    | field        | the message says
            "cron(0 12 * * ?)                |              | a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has 5",
            "cron(0 12 * * ? * *)            |              | this one has 7",
            "cron()                          |              | this one has 0",
            "cron(0 12 * * * *)              |              | exactly one of day-of-month and day-of-week is '?'",
            "cron(0 12 ? * ? *)              |              | exactly one of day-of-month and day-of-week is '?'",
            "cron(? 12 * * ? *)              | minutes      | '?' is only for day-of-month and day-of-week",
            "cron(0 12 1,? * ? *)            | day-of-month | '?' stands alone, not in '1,?'",
            "cron(60 * * * ? *)              | minutes      | '60' is outside 0-59",
            "cron(0/0 * * * ? *)             | minutes      | '0/0': the increment must be positive",
            "cron(0/x * * * ? *)             | minutes      | '0/x': the increment 'x' is not a number",
            "cron(1,,2 * * * ? *)            | minutes      | an empty element in the list '1,,2'",
            "cron(a * * * ? *)               | minutes      | 'a' is not a number",
            "cron(0 24 * * ? *)              | hours        | '24' is outside 0-23",
            "cron(0 12-10 * * ? *)           | hours        | the range '12-10' runs backwards",
            "cron(0 1-2-3 * * ? *)           | hours        | '1-2-3' is not a range a-b",
            "cron(0 12 0 * ? *)              | day-of-month | '0' is outside 1-31",
            "cron(0 12 32W * ? *)            | day-of-month | '32W': the day before W is 1-31",
            "cron(0 12 LW * ? *)             | day-of-month | 'LW': L and W stand alone",
            "cron(0 12 1,L * ? *)            | day-of-month | '1,L': L and W stand alone",
            "cron(0 12 1#2 * ? *)            | day-of-month | '1#2': '#' is only for day-of-week",
            "cron(0 12 * 13 ? *)             | month        | '13' is outside 1-12",
            "cron(0 12 * JANUARY ? *)        | month        | 'JANUARY' is not a number or a name such as APR",
            "cron(0 12 ? * 8 *)              | day-of-week  | '8' is outside 1-7",
            "cron(0 12 ? * FRI-MON *)        | day-of-week  | the range 'FRI-MON' runs backwards",
            "cron(0 12 ? * 2#6 *)            | day-of-week  | '2#6': the week after # is 1-5",
            "cron(0 12 ? * 9#1 *)            | day-of-week  | '9#1': the day is 1-7 or SUN-SAT",
            "cron(0 12 ? * 8L *)             | day-of-week  | '8L': the day is 1-7 or SUN-SAT",
            "cron(0 12 ? * 2-6L *)           | day-of-week  | '2-6L': L and # stand alone",
            "cron(0 12 ? * 2W *)             | day-of-week  | '2W': W is only for day-of-month",
            "cron(0 12 * * ? 1969)           | year         | '1969' is outside 1970-2199",
            "cron(0 12 * * ? 2200)           | year         | '2200' is outside 1970-2199",
    })
    void parse_shouldThrowNamingTheFieldAndTheProblem_whenEventBridgeWouldRefuseIt(String expression, String field,
                                                                                  String message) {
        assertThatThrownBy(() -> ScheduleExpression.parse(expression))
                .isInstanceOfSatisfying(InvalidScheduleExpressionException.class, e -> {
                    assertThat(e.field()).isEqualTo(java.util.Optional.ofNullable(field));
                    assertThat(e.expression()).isEqualTo(expression);
                    assertThat(e.getMessage()).startsWith(field == null ? "" : field + ": ").contains(message)
                            .endsWith(": " + expression);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"cron(0 0 30 FEB ? *)", "cron(0 0 1 1 ? 2020)"})
    void nextAfter_shouldThrow_whenTheExpressionNeverFiresAgain(String expression) {
        ScheduleExpression cron = ScheduleExpression.parse(expression);
        assertThatThrownBy(() -> cron.nextAfter(Instant.parse("2025-03-01T00:00:00Z")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("never fires");
    }
}
