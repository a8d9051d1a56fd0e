package dev.cartwheel.local.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge schedule expression, the forms a SAM {@code Schedule} event takes: {@code rate(value unit)} and
 * {@code cron(minutes hours day-of-month month day-of-week year)}, evaluated in UTC as EventBridge does.
 *
 * <p>{@code rate}: a positive integer and {@code minute(s)}, {@code hour(s)} or {@code day(s)}, singular for 1 and
 * plural otherwise (EventBridge refuses {@code rate(1 minutes)} and {@code rate(5 minute)}, so does this).
 *
 * <p>{@code cron}: each field takes {@code *}, a value, a list {@code a,b}, a range {@code a-b} and an increment
 * {@code a/n} or {@code *}{@code /n}; months {@code 1-12} or {@code JAN-DEC}, days of the week {@code 1-7}
 * ({@code 1} = Sunday) or {@code SUN-SAT}; one of day-of-month and day-of-week must be {@code ?}. The wildcards
 * {@code L}, {@code W} and {@code #} are refused with a message (not supported locally).
 */
public sealed interface ScheduleExpression {

    /** The first time strictly after {@code after} at which the schedule fires. */
    Instant nextAfter(Instant after);

    /** The expression as written in the template. */
    String text();

    static ScheduleExpression parse(String expression) {
        if (expression == null) {
            throw new IllegalArgumentException("no schedule expression");
        }
        String e = expression.trim();
        if (e.startsWith("rate(") && e.endsWith(")")) {
            return Rate.parse(e);
        }
        if (e.startsWith("cron(") && e.endsWith(")")) {
            return Cron.parse(e);
        }
        throw new IllegalArgumentException("schedule expression must be rate(...) or cron(...): " + expression);
    }

    /** {@code rate(value unit)}: every period, the first one a period after the rule is created. */
    record Rate(String text, Duration period) implements ScheduleExpression {

        private static final Pattern RATE = Pattern.compile("^rate\\(\\s*(\\d{1,9})\\s+(minute|minutes|hour|hours|day|days)\\s*\\)$");

        static Rate parse(String text) {
            Matcher m = RATE.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("rate expression must be rate(<positive integer> minute(s)|hour(s)|day(s)): " + text);
            }
            long value = Long.parseLong(m.group(1));
            String unit = m.group(2);
            if (value == 0) {
                throw new IllegalArgumentException("rate value must be positive: " + text);
            }
            boolean plural = unit.endsWith("s");
            if (value == 1 && plural || value > 1 && !plural) {
                throw new IllegalArgumentException("rate unit must be singular for 1 and plural otherwise: " + text);
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

    /** {@code cron(minutes hours day-of-month month day-of-week year)} in UTC. */
    record Cron(String text, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months, BitSet daysOfWeek,
                BitSet years, boolean anyDayOfMonth, boolean anyDayOfWeek) implements ScheduleExpression {

        private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("JAN", 1), Map.entry("FEB", 2),
                Map.entry("MAR", 3), Map.entry("APR", 4), Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7),
                Map.entry("AUG", 8), Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12));
        private static final Map<String, Integer> DAYS = Map.of("SUN", 1, "MON", 2, "TUE", 3, "WED", 4, "THU", 5,
                "FRI", 6, "SAT", 7);
        private static final int FIRST_YEAR = 1970;
        private static final int LAST_YEAR = 2199;

        static Cron parse(String text) {
            String[] f = text.substring("cron(".length(), text.length() - 1).trim().split("\\s+");
            if (f.length != 6) {
                throw new IllegalArgumentException("cron expression needs 6 fields (minutes hours day-of-month month "
                        + "day-of-week year), got " + f.length + ": " + text);
            }
            boolean dayOfMonthAny = f[2].equals("?");
            boolean dayOfWeekAny = f[4].equals("?");
            if (dayOfMonthAny == dayOfWeekAny) {
                throw new IllegalArgumentException("cron: exactly one of day-of-month and day-of-week must be '?': " + text);
            }
            return new Cron(text,
                    field(f[0], 0, 59, Map.of(), "minutes", text),
                    field(f[1], 0, 23, Map.of(), "hours", text),
                    dayOfMonthAny ? null : field(f[2], 1, 31, Map.of(), "day-of-month", text),
                    field(f[3], 1, 12, MONTHS, "month", text),
                    dayOfWeekAny ? null : field(f[4], 1, 7, DAYS, "day-of-week", text),
                    field(f[5], FIRST_YEAR, LAST_YEAR, Map.of(), "year", text),
                    dayOfMonthAny, dayOfWeekAny);
        }

        private static BitSet field(String spec, int min, int max, Map<String, Integer> names, String name, String text) {
            String withoutNames = spec.toUpperCase(Locale.ROOT);
            for (String n : names.keySet()) {
                withoutNames = withoutNames.replace(n, "");
            }
            if (withoutNames.matches(".*[LW#].*")) {
                throw new IllegalArgumentException("cron " + name + ": the L, W and # wildcards are not supported locally: " + text);
            }
            BitSet bits = new BitSet();
            for (String part : spec.split(",")) {
                String range = part;
                int step = 1;
                int slash = part.indexOf('/');
                if (slash >= 0) {
                    range = part.substring(0, slash);
                    step = number(part.substring(slash + 1), Map.of(), name, text);
                    if (step < 1) {
                        throw new IllegalArgumentException("cron " + name + ": increment must be positive: " + text);
                    }
                }
                int from;
                int to;
                if (range.equals("*") || range.equals("?")) {
                    from = min;
                    to = max;
                } else if (range.contains("-")) {
                    String[] ab = range.split("-", 2);
                    from = number(ab[0], names, name, text);
                    to = number(ab[1], names, name, text);
                } else {
                    from = number(range, names, name, text);
                    to = slash >= 0 ? max : from;
                }
                if (from < min || to > max || from > to) {
                    throw new IllegalArgumentException("cron " + name + ": " + part + " is outside " + min + "-" + max + ": " + text);
                }
                for (int v = from; v <= to; v += step) {
                    bits.set(v);
                }
            }
            return bits;
        }

        private static int number(String s, Map<String, Integer> names, String name, String text) {
            Integer named = names.get(s.toUpperCase(Locale.ROOT));
            if (named != null) {
                return named;
            }
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cron " + name + ": not a value: " + s + " in " + text, e);
            }
        }

        @Override
        public Instant nextAfter(Instant after) {
            LocalDateTime t = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            while (t.getYear() <= LAST_YEAR) {
                if (!years.get(t.getYear())) {
                    t = LocalDateTime.of(t.getYear() + 1, 1, 1, 0, 0);
                } else if (!months.get(t.getMonthValue()) || !dayMatches(t)) {
                    t = t.toLocalDate().plusDays(1).atStartOfDay();
                } else if (!hours.get(t.getHour())) {
                    t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                } else if (!minutes.get(t.getMinute())) {
                    t = t.plusMinutes(1);
                } else {
                    return t.toInstant(ZoneOffset.UTC);
                }
            }
            throw new IllegalStateException("cron expression never fires after " + after + ": " + text);
        }

        private boolean dayMatches(LocalDateTime t) {
            if (anyDayOfWeek) {
                return daysOfMonth.get(t.getDayOfMonth());
            }
            // EventBridge numbers days of the week 1 (Sunday) to 7 (Saturday)
            return daysOfWeek.get(t.getDayOfWeek().getValue() % 7 + 1);
        }
    }
}
