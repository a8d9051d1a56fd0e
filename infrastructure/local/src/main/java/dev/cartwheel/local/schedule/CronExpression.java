package dev.cartwheel.local.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * {@code cron(minutes hours day-of-month month day-of-week year)} as EventBridge reads it, in UTC.
 *
 * <table>
 *   <caption>The fields and what each accepts</caption>
 *   <tr><th>field</th><th>values</th><th>wildcards</th></tr>
 *   <tr><td>minutes</td><td>0-59</td><td>{@code , - * /}</td></tr>
 *   <tr><td>hours</td><td>0-23</td><td>{@code , - * /}</td></tr>
 *   <tr><td>day-of-month</td><td>1-31</td><td>{@code , - * ? /}, {@code L} (the last day), {@code nW} (the weekday
 *       nearest day n, within the month)</td></tr>
 *   <tr><td>month</td><td>1-12 or JAN-DEC</td><td>{@code , - * /}</td></tr>
 *   <tr><td>day-of-week</td><td>1-7 or SUN-SAT (1 = Sunday)</td><td>{@code , - * ? /}, {@code L} (Saturday),
 *       {@code nL} (the last day n of the month), {@code n#k} (the k-th day n of the month, k 1-5)</td></tr>
 *   <tr><td>year</td><td>1970-2199</td><td>{@code , - * /}</td></tr>
 * </table>
 *
 * <p>A list holds values, ranges {@code a-b} and increments {@code a/n}, {@code a-b/n}, {@code *}{@code /n}; names are
 * case-insensitive. One of day-of-month and day-of-week is {@code ?} and the other is not; {@code L}, {@code W} and
 * {@code #} stand alone in their field. A range runs forwards ({@code FRI-MON} is refused).
 */
public record CronExpression(String text, BitSet minutes, BitSet hours, BitSet months, BitSet years, DayRule days)
        implements ScheduleExpression {

    static final int FIRST_YEAR = 1970;
    static final int LAST_YEAR = 2199;
    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("JAN", 1), Map.entry("FEB", 2),
            Map.entry("MAR", 3), Map.entry("APR", 4), Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7),
            Map.entry("AUG", 8), Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12));
    private static final Map<String, Integer> DAYS = Map.of("SUN", 1, "MON", 2, "TUE", 3, "WED", 4, "THU", 5,
            "FRI", 6, "SAT", 7);
    private static final String[] FIELDS = {"minutes", "hours", "day-of-month", "month", "day-of-week", "year"};

    /** Which days of a month the expression fires on: by day-of-month or by day-of-week. */
    public sealed interface DayRule {
        boolean matches(LocalDate date);
    }

    /** Day-of-month values, e.g. {@code 1,15} or {@code *}. */
    public record DaysOfMonth(BitSet days) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return days.get(date.getDayOfMonth());
        }
    }

    /** Day-of-month {@code L}. */
    public record LastDayOfMonth() implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return date.getDayOfMonth() == date.lengthOfMonth();
        }
    }

    /**
     * Day-of-month {@code nW}: the weekday nearest day n, never in another month (1W on a Saturday is Monday the 3rd);
     * no day in a month shorter than n.
     */
    public record NearestWeekday(int day) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            if (day > date.lengthOfMonth()) {
                return false;
            }
            LocalDate target = date.withDayOfMonth(day);
            if (target.getDayOfWeek() == DayOfWeek.SATURDAY) {
                target = day == 1 ? target.plusDays(2) : target.minusDays(1);
            } else if (target.getDayOfWeek() == DayOfWeek.SUNDAY) {
                target = day == target.lengthOfMonth() ? target.minusDays(2) : target.plusDays(1);
            }
            return date.equals(target);
        }
    }

    /** Day-of-week values (1 = Sunday), e.g. {@code MON-FRI}. */
    public record DaysOfWeek(BitSet days) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return days.get(eventBridgeDayOfWeek(date));
        }
    }

    /** Day-of-week {@code nL}: the last day n of the month, e.g. {@code 6L} the last Friday. */
    public record LastDayOfWeekInMonth(int dayOfWeek) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return eventBridgeDayOfWeek(date) == dayOfWeek && date.plusDays(7).getMonth() != date.getMonth();
        }
    }

    /** Day-of-week {@code n#k}: the k-th day n of the month, e.g. {@code 2#1} the first Monday. */
    public record NthDayOfWeekInMonth(int dayOfWeek, int nth) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return eventBridgeDayOfWeek(date) == dayOfWeek && (date.getDayOfMonth() - 1) / 7 + 1 == nth;
        }
    }

    /** EventBridge numbers the days of the week 1 (Sunday) to 7 (Saturday). */
    static int eventBridgeDayOfWeek(LocalDate date) {
        return date.getDayOfWeek().getValue() % 7 + 1;
    }

    static CronExpression parse(String text) {
        String body = text.substring("cron(".length(), text.length() - 1).trim();
        String[] f = body.isEmpty() ? new String[0] : body.split("\\s+");
        if (f.length != 6) {
            throw new InvalidScheduleExpressionException(null, "a cron expression has 6 fields (minutes hours day-of-month "
                    + "month day-of-week year), this one has " + f.length, text);
        }
        for (int i = 0; i < f.length; i++) {
            boolean dayField = i == 2 || i == 4;
            if (f[i].contains("?") && (!dayField || !f[i].equals("?"))) {
                throw error(i, dayField ? "'?' stands alone, not in '" + f[i] + "'"
                        : "'?' is only for day-of-month and day-of-week", text);
            }
        }
        boolean anyDayOfMonth = f[2].equals("?");
        boolean anyDayOfWeek = f[4].equals("?");
        if (anyDayOfMonth == anyDayOfWeek) {
            throw new InvalidScheduleExpressionException(null,
                    "exactly one of day-of-month and day-of-week is '?' (EventBridge cannot use both)", text);
        }
        return new CronExpression(text,
                values(f[0], 0, 0, 59, Map.of(), text),
                values(f[1], 1, 0, 23, Map.of(), text),
                values(f[3], 3, 1, 12, MONTHS, text),
                values(f[5], 5, FIRST_YEAR, LAST_YEAR, Map.of(), text),
                anyDayOfMonth ? dayOfWeekRule(f[4], text) : dayOfMonthRule(f[2], text));
    }

    private static DayRule dayOfMonthRule(String spec, String text) {
        String s = spec.toUpperCase(Locale.ROOT);
        if (s.equals("L")) {
            return new LastDayOfMonth();
        }
        if (s.matches("\\d{1,2}W")) {
            int day = number(s.substring(0, s.length() - 1), 2, Map.of(), text);
            if (day < 1 || day > 31) {
                throw error(2, "'" + spec + "': the day before W is 1-31", text);
            }
            return new NearestWeekday(day);
        }
        if (s.contains("L") || s.contains("W")) {
            throw error(2, "'" + spec + "': L and W stand alone, as 'L' (the last day) or 'nW' (the weekday nearest day n)", text);
        }
        if (s.contains("#")) {
            throw error(2, "'" + spec + "': '#' is only for day-of-week", text);
        }
        return new DaysOfMonth(values(spec, 2, 1, 31, Map.of(), text));
    }

    private static DayRule dayOfWeekRule(String spec, String text) {
        String s = spec.toUpperCase(Locale.ROOT);
        if (s.equals("L")) {
            BitSet saturday = new BitSet();
            saturday.set(7);
            return new DaysOfWeek(saturday);
        }
        if (s.matches("[0-9A-Z]+L") && !s.contains(",") && !s.contains("-")) {
            return new LastDayOfWeekInMonth(dayOfWeekValue(s.substring(0, s.length() - 1), spec, text));
        }
        if (s.matches("[0-9A-Z]+#\\d+")) {
            int hash = s.indexOf('#');
            int nth = number(s.substring(hash + 1), 4, Map.of(), text);
            if (nth < 1 || nth > 5) {
                throw error(4, "'" + spec + "': the week after # is 1-5", text);
            }
            return new NthDayOfWeekInMonth(dayOfWeekValue(s.substring(0, hash), spec, text), nth);
        }
        if (s.contains("L") && !containsDayName(s) || s.contains("#")) {
            throw error(4, "'" + spec + "': L and # stand alone, as 'L', 'nL' (the last day n of the month) or 'n#k' "
                    + "(the k-th day n of the month)", text);
        }
        if (s.contains("W") && !containsDayName(s)) {
            throw error(4, "'" + spec + "': W is only for day-of-month", text);
        }
        return new DaysOfWeek(values(spec, 4, 1, 7, DAYS, text));
    }

    /** Whether the letters of {@code s} are day names only (so an L or W in it is part of a name, e.g. WED). */
    private static boolean containsDayName(String s) {
        String rest = s;
        for (String name : DAYS.keySet()) {
            rest = rest.replace(name, "");
        }
        return !rest.matches(".*[A-Z].*");
    }

    private static int dayOfWeekValue(String s, String spec, String text) {
        int day = number(s, 4, DAYS, text);
        if (day < 1 || day > 7) {
            throw error(4, "'" + spec + "': the day is 1-7 or SUN-SAT", text);
        }
        return day;
    }

    /** A list of values, ranges and increments, e.g. {@code 0,30}, {@code 8-17}, {@code 0/15}, {@code MON-FRI}. */
    private static BitSet values(String spec, int field, int min, int max, Map<String, Integer> names, String text) {
        BitSet bits = new BitSet();
        for (String part : spec.split(",", -1)) {
            if (part.isEmpty()) {
                throw error(field, "an empty element in the list '" + spec + "'", text);
            }
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                String increment = part.substring(slash + 1);
                if (!increment.matches("\\d{1,4}")) {
                    throw error(field, "'" + part + "': the increment '" + increment + "' is not a number", text);
                }
                step = Integer.parseInt(increment);
                if (step < 1) {
                    throw error(field, "'" + part + "': the increment must be positive", text);
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ab = range.split("-", -1);
                if (ab.length != 2 || ab[0].isEmpty() || ab[1].isEmpty()) {
                    throw error(field, "'" + part + "' is not a range a-b", text);
                }
                from = number(ab[0], field, names, text);
                to = number(ab[1], field, names, text);
            } else {
                from = number(range, field, names, text);
                to = slash >= 0 ? max : from;
            }
            if (from < min || from > max || to < min || to > max) {
                throw error(field, "'" + part + "' is outside " + min + "-" + max, text);
            }
            if (from > to) {
                throw error(field, "the range '" + part + "' runs backwards", text);
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String s, int field, Map<String, Integer> names, String text) {
        Integer named = names.get(s.toUpperCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        if (!s.matches("\\d{1,4}")) {
            throw error(field, "'" + s + "' is not a number" + (names.isEmpty() ? "" : " or a name such as "
                    + names.keySet().stream().sorted().findFirst().orElseThrow()), text);
        }
        return Integer.parseInt(s);
    }

    private static InvalidScheduleExpressionException error(int field, String problem, String text) {
        return new InvalidScheduleExpressionException(FIELDS[field], problem, text);
    }

    @Override
    public Instant nextAfter(Instant after) {
        LocalDateTime t = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        while (t.getYear() <= LAST_YEAR) {
            if (!years.get(t.getYear())) {
                t = LocalDateTime.of(t.getYear() + 1, 1, 1, 0, 0);
            } else if (!months.get(t.getMonthValue())) {
                t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
            } else if (!days.matches(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t.toInstant(ZoneOffset.UTC);
            }
        }
        throw new IllegalStateException("the cron expression never fires after " + after + ": " + text);
    }
}
