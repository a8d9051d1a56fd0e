package dev.cartwheel.local.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge schedule expression, the forms a SAM {@code Schedule} event takes: {@code rate(value unit)} and
 * {@code cron(minutes hours day-of-month month day-of-week year)} ({@link CronExpression}), evaluated in UTC as
 * EventBridge does. An expression EventBridge would refuse is an {@link InvalidScheduleExpressionException} naming the
 * part at fault.
 *
 * <p>{@code rate}: a positive integer and {@code minute(s)}, {@code hour(s)} or {@code day(s)}, singular for 1 and
 * plural otherwise (EventBridge refuses {@code rate(1 minutes)} and {@code rate(5 minute)}, so does this).
 */
public sealed interface ScheduleExpression permits ScheduleExpression.Rate, CronExpression {

    /** The first time strictly after {@code after} at which the schedule fires. */
    Instant nextAfter(Instant after);

    /** The expression as written in the template. */
    String text();

    /** Reads {@code rate(...)} or {@code cron(...)}; anything else is an {@link InvalidScheduleExpressionException}. */
    static ScheduleExpression parse(String expression) {
        if (expression == null) {
            throw new InvalidScheduleExpressionException(null, "no schedule expression", "null");
        }
        String e = expression.trim();
        if (e.startsWith("rate(") && e.endsWith(")")) {
            return Rate.parse(e);
        }
        if (e.startsWith("cron(") && e.endsWith(")")) {
            return CronExpression.parse(e);
        }
        throw new InvalidScheduleExpressionException(null, "a schedule expression is rate(...) or cron(...)", expression);
    }

    /** {@code rate(value unit)}: every period, the first one a period after the rule is created. */
    record Rate(String text, Duration period) implements ScheduleExpression {

        private static final Pattern RATE = Pattern.compile("^rate\\(\\s*(\\S+)\\s+(\\S+)\\s*\\)$");
        private static final Pattern UNIT = Pattern.compile("minutes?|hours?|days?");

        static Rate parse(String text) {
            Matcher m = RATE.matcher(text);
            if (!m.matches()) {
                throw new InvalidScheduleExpressionException("rate", "needs a value and a unit, e.g. rate(5 minutes)", text);
            }
            String number = m.group(1);
            String unit = m.group(2);
            if (!number.matches("\\d{1,9}")) {
                throw new InvalidScheduleExpressionException("rate", "the value '" + number + "' is not a positive integer", text);
            }
            long value = Long.parseLong(number);
            if (value == 0) {
                throw new InvalidScheduleExpressionException("rate", "the value must be positive, not 0", text);
            }
            if (!UNIT.matcher(unit).matches()) {
                throw new InvalidScheduleExpressionException("rate", "the unit '" + unit + "' is not minute(s), hour(s) or day(s)", text);
            }
            boolean plural = unit.endsWith("s");
            if (value == 1 && plural || value > 1 && !plural) {
                throw new InvalidScheduleExpressionException("rate",
                        "the unit is singular for 1 and plural otherwise, not '" + value + " " + unit + "'", text);
            }
            Duration period = switch (plural ? unit.substring(0, unit.length() - 1) : unit) {
                case "minute" -> Duration.ofMinutes(value);
                case "hour" -> Duration.ofHours(value);
                default -> Duration.ofDays(value);
            };
            return new Rate(text, period);
        }

        @Override
        public Instant nextAfter(Instant after) {
            return after.plus(period);
        }
    }
}
