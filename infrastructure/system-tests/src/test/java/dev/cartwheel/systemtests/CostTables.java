package dev.cartwheel.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS call counts docs/cost.md publishes, read from its Markdown tables, so that {@link AwsCallsPerOrderIT} checks
 * the very figures a reader sees. A row names a call as {@code DynamoDB `GetItem`}, {@code SQS `SendMessage`} or
 * {@code SES `SendEmail`} (counted as {@code DynamoDb.GetItem}, {@code Sqs.SendMessage}, {@code SesV2.SendEmail});
 * a cell starts with the count, and {@code plus N refused by its condition} adds calls the service refused
 * ({@code ... (ConditionalCheckFailedException)}); the {@code **total**} row must be the sum of the rows.
 */
final class CostTables {

    /** Calls refused by a condition are billed and counted apart under this suffix (see {@link AwsCallCounter}). */
    static final String REFUSED = " (ConditionalCheckFailedException)";

    private static final Map<String, String> SERVICES = Map.of("DynamoDB", "DynamoDb", "SQS", "Sqs", "SES", "SesV2");
    private static final Pattern CALL = Pattern.compile("^(DynamoDB|SQS|SES) `([A-Za-z]+)`$");
    private static final Pattern COUNT = Pattern.compile("^\\**(\\d+)\\**");
    private static final Pattern REFUSED_COUNT = Pattern.compile("plus (\\d+) refused");

    /** One column of a table: the calls per order by counter key (refused ones apart), and its published total. */
    record Column(Map<String, Long> calls, long total) {

        long sum() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private CostTables() {
    }

    static List<String> document() {
        try {
            return Files.readAllLines(Root.path("docs", "cost.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The column headed {@code columnHeader} of the table whose first header cell is {@code firstHeader} (e.g.
     * {@code Call} and {@code per order}).
     */
    static Column column(List<String> document, String firstHeader, String columnHeader) {
        List<List<String>> table = table(document, firstHeader);
        int column = table.getFirst().indexOf(columnHeader);
        if (column < 1) {
            throw new IllegalStateException("docs/cost.md: no column " + columnHeader + " in " + table.getFirst());
        }
        Map<String, Long> calls = new LinkedHashMap<>();
        Long total = null;
        for (List<String> row : table.subList(1, table.size())) {
            String cell = row.get(column);
            if (row.getFirst().equals("**total**")) {
                total = count(cell);
                continue;
            }
            Matcher call = CALL.matcher(row.getFirst());
            if (!call.matches()) {
                throw new IllegalStateException("docs/cost.md: a row that names no call: " + row);
            }
            String key = SERVICES.get(call.group(1)) + "." + call.group(2);
            long count = count(cell);
            if (count > 0) {
                calls.put(key, count);
            }
            Matcher refused = REFUSED_COUNT.matcher(cell);
            if (refused.find()) {
                calls.put(key + REFUSED, Long.parseLong(refused.group(1)));
            }
        }
        if (total == null) {
            throw new IllegalStateException("docs/cost.md: the table of " + columnHeader + " has no **total** row");
        }
        return new Column(calls, total);
    }

    /** The table whose header row starts with {@code firstHeader}: its rows of cells, the header first, no separator. */
    private static List<List<String>> table(List<String> document, String firstHeader) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : document) {
            if (!line.startsWith("|")) {
                if (!rows.isEmpty()) {
                    return rows;
                }
                continue;
            }
            List<String> cells = cells(line);
            if (rows.isEmpty() && !cells.getFirst().equals(firstHeader)) {
                continue;
            }
            if (!cells.getFirst().startsWith("---")) {
                rows.add(cells);
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException("docs/cost.md: no table headed " + firstHeader);
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static long count(String cell) {
        Matcher matcher = COUNT.matcher(cell);
        if (!matcher.find()) {
            throw new IllegalStateException("docs/cost.md: a cell that does not start with a count: " + cell);
        }
        return Long.parseLong(matcher.group(1));
    }
}
