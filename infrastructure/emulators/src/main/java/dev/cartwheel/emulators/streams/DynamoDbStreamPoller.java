package dev.cartwheel.emulators.streams;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import dev.cartwheel.emulators.server.EmulatorException;
import dev.cartwheel.emulators.template.FunctionEvent;

/**
 * Reads one DynamoDB stream the way Lambda's DynamoDB event source mapping does and hands its records to an
 * {@link Invoker}, so that the test pump and the local cloud deliver stream batches with the same semantics:
 *
 * <ul>
 *   <li>Shards are found with DescribeStream and read with GetShardIterator / GetRecords, a child shard only once its
 *       parent is read to its end (records of one item stay in order). StartingPosition {@code LATEST} starts the
 *       shards open when the poller is opened at their end, {@code TRIM_HORIZON} (and every later shard) at their
 *       start.</li>
 *   <li>A batch holds up to BatchSize records of one shard, oldest first; the next batch of a shard is built only once
 *       the previous one is done (checkpointed or discarded).</li>
 *   <li>A success checkpoints the batch. With ReportBatchItemFailures a {@code batchItemFailures} list checkpoints
 *       the records before the lowest reported sequence number and retries from it; an empty list is a success, an
 *       unknown or empty identifier fails the whole batch. Without ReportBatchItemFailures the response is ignored.</li>
 *   <li>A function error retries the whole batch; with BisectBatchOnFunctionError a batch of more than one record is
 *       split in two halves first (a split does not count as a retry).</li>
 *   <li>After MaximumRetryAttempts retries (-1: until the records expire), or once a record is older than
 *       MaximumRecordAgeInSeconds, the records are discarded: the OnFailure destination (an SQS queue) gets Lambda's
 *       invocation record ({@code requestContext}, {@code responseContext}, {@code DDBStreamBatchInfo}) and the shard
 *       moves on.</li>
 * </ul>
 * Retries wait {@code retryDelay}, doubling per retry up to 32 times it (zero for the test pump). Not thread-safe:
 * one thread polls.
 *
 * <p>Over 400 lines: the rules above are one state machine over a shard's checkpoint, and split apart they would share
 * that state through package-private fields.
 */
public final class DynamoDbStreamPoller {

    public static final String TRIM_HORIZON = "TRIM_HORIZON";
    public static final String LATEST = "LATEST";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GET_RECORDS_LIMIT = 1000;

    /**
     * The mapping's configuration, as the template's DynamoDB event gives it.
     *
     * @param batchSize                   records per invocation, 1 to 10,000
     * @param startingPosition            {@code TRIM_HORIZON} or {@code LATEST}
     * @param maximumRetryAttempts        retries of a failing batch before it is discarded; -1 = until it expires
     * @param maximumRecordAgeInSeconds   records older than this are discarded unprocessed; -1 = no limit
     * @param bisectBatchOnFunctionError  split a batch in two when the function fails
     * @param reportBatchItemFailures     FunctionResponseTypes holds ReportBatchItemFailures
     * @param onFailureDestinationArn     the SQS queue ARN discarded batches are reported to, or {@code null}
     */
    public record Settings(int batchSize, String startingPosition, int maximumRetryAttempts,
                           int maximumRecordAgeInSeconds, boolean bisectBatchOnFunctionError,
                           boolean reportBatchItemFailures, String onFailureDestinationArn) {

        public Settings {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("BatchSize must be 1..10000 for streams, got " + batchSize);
            }
            if (!TRIM_HORIZON.equals(startingPosition) && !LATEST.equals(startingPosition)) {
                throw new IllegalArgumentException("StartingPosition must be TRIM_HORIZON or LATEST, got " + startingPosition);
            }
            if (maximumRetryAttempts < -1) {
                throw new IllegalArgumentException("MaximumRetryAttempts must be -1 or more, got " + maximumRetryAttempts);
            }
        }

        /** Lambda's defaults, from TRIM_HORIZON, reporting batch item failures: what a test usually wants. */
        public static Settings defaults() {
            return new Settings(100, TRIM_HORIZON, -1, -1, false, true, null);
        }

        /** The settings of a template's {@code DynamoDB} event. */
        public static Settings of(FunctionEvent event) {
            if (!event.is(FunctionEvent.DYNAMODB)) {
                throw new IllegalArgumentException(event.name() + " is a " + event.type() + " event, not DynamoDB");
            }
            return new Settings(event.batchSize(), event.startingPosition().orElse(TRIM_HORIZON),
                    event.maximumRetryAttempts(), event.maximumRecordAgeInSeconds(), event.bisectBatchOnFunctionError(),
                    event.reportsBatchItemFailures(), event.onFailureDestinationArn().orElse(null));
        }

        public Settings withBatchSize(int size) {
            return new Settings(size, startingPosition, maximumRetryAttempts, maximumRecordAgeInSeconds,
                    bisectBatchOnFunctionError, reportBatchItemFailures, onFailureDestinationArn);
        }

        public Settings withMaximumRetryAttempts(int attempts) {
            return new Settings(batchSize, startingPosition, attempts, maximumRecordAgeInSeconds,
                    bisectBatchOnFunctionError, reportBatchItemFailures, onFailureDestinationArn);
        }

        public Settings withBisectBatchOnFunctionError(boolean bisect) {
            return new Settings(batchSize, startingPosition, maximumRetryAttempts, maximumRecordAgeInSeconds, bisect,
                    reportBatchItemFailures, onFailureDestinationArn);
        }

        public Settings withReportBatchItemFailures(boolean report) {
            return new Settings(batchSize, startingPosition, maximumRetryAttempts, maximumRecordAgeInSeconds,
                    bisectBatchOnFunctionError, report, onFailureDestinationArn);
        }

        public Settings withOnFailureDestinationArn(String arn) {
            return new Settings(batchSize, startingPosition, maximumRetryAttempts, maximumRecordAgeInSeconds,
                    bisectBatchOnFunctionError, reportBatchItemFailures, arn);
        }
    }

    /**
     * One invocation's worth of records.
     *
     * @param records the records of one shard, oldest first
     * @param attempt 1 for the first invocation with its first record, 2 for the first retry, ...
     */
    public record Batch(String streamArn, String shardId, List<Record> records, int attempt) {
        public Batch {
            records = List.copyOf(records);
        }
    }

    /** What invoking the function with a batch gave. */
    public sealed interface Outcome {

        /** The function returned without reporting failures (or with an empty {@code batchItemFailures}). */
        record Success() implements Outcome {
        }

        /** The function reported these {@code batchItemFailures[].itemIdentifier}s (sequence numbers). */
        record ItemFailures(List<String> itemIdentifiers) implements Outcome {
            public ItemFailures {
                itemIdentifiers = new ArrayList<>(itemIdentifiers); // may hold nulls: an invalid report
            }
        }

        /** The function threw, timed out or crashed (Lambda's functionError {@code Unhandled}). */
        record FunctionError(String errorType) implements Outcome {
        }

        static Outcome success() {
            return new Success();
        }
    }

    /** Invokes the function with a batch; an exception it throws counts as a function error. */
    @FunctionalInterface
    public interface Invoker {
        Outcome invoke(Batch batch);
    }

    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final String streamArn;
    private final String functionArn;
    private final Duration retryDelay;
    private final Consumer<String> log;
    private final Map<String, ShardState> shards = new LinkedHashMap<>();
    private final Map<String, String> queueUrls = new LinkedHashMap<>();
    private Settings settings;
    private long delivered;
    private long discarded;
    private long failedInvocations;

    private DynamoDbStreamPoller(DynamoDbStreamsClient streams, SqsClient sqs, String streamArn, String functionArn,
                                 Settings settings, Duration retryDelay, Consumer<String> log) {
        this.streams = Objects.requireNonNull(streams);
        this.sqs = sqs;
        this.streamArn = Objects.requireNonNull(streamArn);
        this.functionArn = functionArn;
        this.settings = Objects.requireNonNull(settings);
        this.retryDelay = Objects.requireNonNull(retryDelay);
        this.log = log == null ? line -> { } : log;
    }

    /**
     * A poller of {@code streamArn}; with {@code LATEST} the open shards are positioned at their end now, as Lambda does
     * when the mapping is created.
     *
     * @param sqs         for the OnFailure destination (may be {@code null} when there is none)
     * @param functionArn the function named in OnFailure records
     * @param retryDelay  the wait before the first retry of a failed batch (doubling per retry)
     */
    public static DynamoDbStreamPoller open(DynamoDbStreamsClient streams, SqsClient sqs, String streamArn,
                                            String functionArn, Settings settings, Duration retryDelay,
                                            Consumer<String> log) {
        DynamoDbStreamPoller poller = new DynamoDbStreamPoller(streams, sqs, streamArn, functionArn, settings, retryDelay, log);
        if (LATEST.equals(settings.startingPosition())) {
            for (Shard shard : poller.describeShards()) {
                ShardState state = poller.state(shard);
                if (shard.sequenceNumberRange().endingSequenceNumber() != null) {
                    state.exhausted = true; // closed before the mapping existed: nothing of it is delivered
                } else {
                    state.iterator = poller.streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
                }
            }
        }
        return poller;
    }

    public String streamArn() {
        return streamArn;
    }

    public Settings settings() {
        return settings;
    }

    /** Changes the settings from the next batch on. */
    public void settings(Settings newSettings) {
        this.settings = Objects.requireNonNull(newSettings);
    }

    /** Records handed to the invoker so far, redeliveries counted. */
    public long delivered() {
        return delivered;
    }

    /** Records discarded (retries exhausted or too old). */
    public long discarded() {
        return discarded;
    }

    /** Invocations that failed (function error or reported item failures). */
    public long failedInvocations() {
        return failedInvocations;
    }

    /** True when no shard holds records read but not yet done (delivered successfully or discarded). */
    public boolean idle() {
        return shards.values().stream().allMatch(s -> s.buffer.isEmpty());
    }

    /**
     * One round: refreshes the shard list, reads what each readable shard has and invokes at most one batch per shard.
     *
     * @return the records delivered in this round (0: nothing new, or waiting out a retry delay)
     */
    public int poll(Invoker invoker) {
        List<Shard> described = describeShards();
        Set<String> present = new HashSet<>();
        for (Shard shard : described) {
            present.add(shard.shardId());
            state(shard).closed = shard.sequenceNumberRange().endingSequenceNumber() != null;
        }
        int count = 0;
        for (ShardState shard : List.copyOf(shards.values())) {
            if (!present.contains(shard.shardId) && shard.finished()) {
                shards.remove(shard.shardId); // trimmed away after we read it all
                continue;
            }
            if (shard.finished() || !parentDone(shard)) {
                continue;
            }
            fill(shard);
            expire(shard);
            if (!shard.buffer.isEmpty() && System.nanoTime() >= shard.notBefore) {
                count += deliver(shard, invoker);
            }
        }
        return count;
    }

    /**
     * Polls until every record now in the stream is done: delivered successfully or discarded.
     *
     * @return the records delivered, redeliveries counted
     * @throws EmulatorException when records are still pending after {@code timeout} (e.g. retried forever)
     */
    public int drain(Invoker invoker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int total = 0;
        while (true) {
            int n = poll(invoker);
            total += n;
            if (n == 0 && idle()) {
                return total;
            }
            if (System.nanoTime() > deadline) {
                throw new EmulatorException("stream " + streamArn + " not drained after " + timeout + ": "
                        + shards.values().stream().mapToInt(s -> s.buffer.size()).sum() + " record(s) still pending");
            }
            if (n == 0) {
                sleep(Math.max(10, Math.min(200, retryDelay.toMillis())));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- shards

    private List<Shard> describeShards() {
        List<Shard> all = new ArrayList<>();
        String start = null;
        while (true) {
            String exclusiveStart = start;
            StreamDescription description = streams.describeStream(r -> r.streamArn(streamArn)
                    .exclusiveStartShardId(exclusiveStart)).streamDescription();
            all.addAll(description.shards());
            start = description.lastEvaluatedShardId();
            if (start == null) {
                return all;
            }
        }
    }

    private ShardState state(Shard shard) {
        return shards.computeIfAbsent(shard.shardId(), id -> new ShardState(id, shard.parentShardId()));
    }

    private boolean parentDone(ShardState shard) {
        ShardState parent = shard.parentId == null ? null : shards.get(shard.parentId);
        return parent == null || parent.finished();
    }

    /** Reads the shard until the buffer holds a batch or the shard has nothing more for now. */
    private void fill(ShardState shard) {
        while (shard.buffer.size() < settings.batchSize() && !shard.exhausted) {
            if (shard.iterator == null) {
                shard.iterator = iterator(shard);
            }
            GetRecordsResponse response;
            try {
                String iterator = shard.iterator;
                response = streams.getRecords(r -> r.shardIterator(iterator).limit(GET_RECORDS_LIMIT));
            } catch (ExpiredIteratorException e) {
                shard.iterator = null;
                continue;
            } catch (TrimmedDataAccessException e) {
                log.accept("stream " + streamArn + " shard " + shard.shardId + ": records trimmed before they were read");
                shard.lastFetched = null;
                shard.iterator = streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shard.shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                continue;
            }
            for (Record record : response.records()) {
                shard.buffer.addLast(record);
                shard.lastFetched = record.dynamodb().sequenceNumber();
            }
            shard.iterator = response.nextShardIterator();
            if (shard.iterator == null) {
                shard.exhausted = true; // a closed shard read to its end
            } else if (response.records().isEmpty()) {
                return; // the tip of an open shard: nothing more for now
            }
        }
    }

    private String iterator(ShardState shard) {
        if (shard.lastFetched != null) {
            String after = shard.lastFetched;
            return streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shard.shardId)
                    .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after)).shardIterator();
        }
        return streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shard.shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    }

    // ---------------------------------------------------------------------------------------------- batches

    /** Discards, unprocessed, the records at the head of the shard older than MaximumRecordAgeInSeconds. */
    private void expire(ShardState shard) {
        if (settings.maximumRecordAgeInSeconds() < 0) {
            return;
        }
        Instant oldest = Instant.now().minusSeconds(settings.maximumRecordAgeInSeconds());
        List<Record> expired = new ArrayList<>();
        while (!shard.buffer.isEmpty() && expired.size() < settings.batchSize()
                && created(shard.buffer.peekFirst()).isBefore(oldest)) {
            expired.add(shard.buffer.pollFirst());
        }
        if (!expired.isEmpty()) {
            discard(shard, expired, "RecordAgeExceeded", null);
        }
    }

    private int deliver(ShardState shard, Invoker invoker) {
        int size = Math.min(shard.halves.isEmpty() ? settings.batchSize() : shard.halves.peekFirst(), shard.buffer.size());
        List<Record> records = new ArrayList<>(size);
        var it = shard.buffer.iterator();
        for (int i = 0; i < size; i++) {
            records.add(it.next());
        }
        shard.attempts++;
        delivered += size;
        Outcome outcome;
        try {
            outcome = invoker.invoke(new Batch(streamArn, shard.shardId, records, shard.attempts));
        } catch (RuntimeException e) {
            outcome = new Outcome.FunctionError(e.getClass().getName());
        }
        if (outcome instanceof Outcome.ItemFailures failures && (!settings.reportBatchItemFailures()
                || failures.itemIdentifiers().isEmpty())) {
            outcome = Outcome.success();
        }
        switch (outcome) {
            case Outcome.Success ignored -> {
                commit(shard, size);
                shard.attempts = 0;
                shard.retries = 0;
                shard.notBefore = 0;
            }
            case Outcome.ItemFailures failures -> {
                failedInvocations++;
                int firstFailed = firstFailed(records, failures.itemIdentifiers());
                commit(shard, firstFailed);
                retryOrDiscard(shard, size - firstFailed, null);
            }
            case Outcome.FunctionError error -> {
                failedInvocations++;
                if (settings.bisectBatchOnFunctionError() && size > 1) {
                    if (!shard.halves.isEmpty()) {
                        shard.halves.pollFirst();
                    }
                    shard.halves.addFirst(size / 2);
                    shard.halves.addFirst(size - size / 2);
                    log.accept("stream batch of " + size + " failed (" + error.errorType() + "): bisected");
                } else {
                    retryOrDiscard(shard, size, error.errorType());
                }
            }
        }
        return size;
    }

    /** The index in the batch of the lowest reported sequence number; 0 (all failed) when a report is invalid. */
    private int firstFailed(List<Record> records, List<String> identifiers) {
        int lowest = records.size();
        for (String id : identifiers) {
            int index = -1;
            for (int i = 0; i < records.size() && id != null && !id.isEmpty(); i++) {
                if (records.get(i).dynamodb().sequenceNumber().equals(id)) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                log.accept("stream " + streamArn + ": invalid batchItemFailures itemIdentifier " + id
                        + ", failing the whole batch");
                return 0;
            }
            lowest = Math.min(lowest, index);
        }
        return lowest;
    }

    /** Checkpoints the first {@code n} records of the shard's buffer. */
    private void commit(ShardState shard, int n) {
        for (int i = 0; i < n; i++) {
            shard.buffer.pollFirst();
        }
        if (n > 0 && !shard.halves.isEmpty()) {
            int left = shard.halves.pollFirst() - n;
            if (left > 0) {
                shard.halves.addFirst(left);
            }
        }
    }

    /** A failed batch of {@code n} records (now at the head): retried after a delay, or discarded when retries are out. */
    private void retryOrDiscard(ShardState shard, int n, String functionError) {
        shard.retries++;
        if (settings.maximumRetryAttempts() >= 0 && shard.retries > settings.maximumRetryAttempts()) {
            List<Record> failed = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                failed.add(shard.buffer.pollFirst());
            }
            if (!shard.halves.isEmpty()) {
                int left = shard.halves.pollFirst() - n;
                if (left > 0) {
                    shard.halves.addFirst(left);
                }
            }
            discard(shard, failed, "RetryAttemptsExhausted", functionError);
            return;
        }
        long delay = retryDelay.toNanos() << Math.min(shard.retries - 1, 5);
        shard.notBefore = System.nanoTime() + delay;
    }

    private void discard(ShardState shard, List<Record> records, String condition, String functionError) {
        discarded += records.size();
        log.accept("stream " + streamArn + " shard " + shard.shardId + ": " + records.size() + " record(s) discarded ("
                + condition + ", " + shard.attempts + " invocation(s)), sequence numbers "
                + records.getFirst().dynamodb().sequenceNumber() + ".." + records.getLast().dynamodb().sequenceNumber());
        String destination = settings.onFailureDestinationArn();
        if (destination != null) {
            String body = onFailureRecord(shard, records, condition, functionError);
            if (!destination.startsWith("arn:aws:sqs:")) {
                log.accept("OnFailure destination " + destination + " is not an SQS queue: not sent locally: " + body);
            } else if (sqs == null) {
                log.accept("no SQS client for the OnFailure destination " + destination + ": " + body);
            } else {
                String url = queueUrls.computeIfAbsent(destination, arn -> sqs.getQueueUrl(
                        r -> r.queueName(arn.substring(arn.lastIndexOf(':') + 1))).queueUrl());
                sqs.sendMessage(r -> r.queueUrl(url).messageBody(body));
            }
        }
        shard.attempts = 0;
        shard.retries = 0;
        shard.notBefore = 0;
    }

    /** Lambda's invocation record for a discarded stream batch. */
    String onFailureRecord(ShardState shard, List<Record> records, String condition, String functionError) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode request = root.putObject("requestContext");
        request.put("requestId", UUID.randomUUID().toString());
        request.put("functionArn", functionArn);
        request.put("condition", condition);
        request.put("approximateInvokeCount", shard.attempts);
        if (shard.attempts > 0) {
            ObjectNode response = root.putObject("responseContext");
            response.put("statusCode", 200);
            response.put("executedVersion", "$LATEST");
            if (functionError != null) {
                response.put("functionError", "Unhandled");
            }
        }
        root.put("version", "1.0");
        root.put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        ObjectNode info = root.putObject("DDBStreamBatchInfo");
        info.put("shardId", shard.shardId);
        info.put("startSequenceNumber", records.getFirst().dynamodb().sequenceNumber());
        info.put("endSequenceNumber", records.getLast().dynamodb().sequenceNumber());
        info.put("approximateArrivalOfFirstRecord", created(records.getFirst()).truncatedTo(ChronoUnit.SECONDS).toString());
        info.put("approximateArrivalOfLastRecord", created(records.getLast()).truncatedTo(ChronoUnit.SECONDS).toString());
        info.put("batchSize", records.size());
        info.put("streamArn", streamArn);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant created(Record record) {
        Instant created = record.dynamodb().approximateCreationDateTime();
        return created == null ? Instant.now() : created;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmulatorException("interrupted while draining a stream");
        }
    }

    /** What the poller knows of one shard. */
    static final class ShardState {
        final String shardId;
        final String parentId;
        final Deque<Record> buffer = new ArrayDeque<>();
        /** Sizes of the pending halves of a bisected batch, the next one first. */
        final Deque<Integer> halves = new ArrayDeque<>();
        String iterator;
        String lastFetched;
        boolean closed;
        boolean exhausted;
        int attempts;
        int retries;
        long notBefore;

        ShardState(String shardId, String parentId) {
            this.shardId = shardId;
            this.parentId = parentId;
        }

        boolean finished() {
            return exhausted && buffer.isEmpty();
        }
    }
}
