package dev.cartwheel.emulators.eventbridge;

import static dev.cartwheel.emulators.server.AwsJsonServer.text;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cartwheel.emulators.server.ServiceException;

/**
 * PutEvents' entries as EventBridge checks them: 1 to {@value #MAX_ENTRIES} entries and at most
 * {@value #MAX_REQUEST_BYTES} bytes in all (an entry's size computed as EventBridge computes it), else the whole
 * request fails; then each entry on its own, failing with EventBridge's error code or becoming a {@link BusEvent}.
 */
final class PutEventsEntries {

    static final int MAX_ENTRIES = 10;
    static final int MAX_REQUEST_BYTES = 256 * 1024;
    /** What a set Time adds to an entry's size (EventBridge's PutEvents size calculation). */
    private static final int TIME_BYTES = 14;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An entry's outcome: its event, or EventBridge's ErrorCode and ErrorMessage. */
    record Result(BusEvent event, String errorCode, String errorMessage) {
    }

    private PutEventsEntries() {
    }

    /** The request's Entries, or the ServiceException that fails the whole request. */
    static JsonNode checked(JsonNode request) {
        JsonNode entries = request.get("Entries");
        if (entries == null || entries.isNull()) {
            throw ServiceException.validation("1 validation error detected: Value null at 'entries' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        if (!entries.isArray()) {
            throw new ServiceException(400, "SerializationException", "Entries must be a list");
        }
        if (entries.isEmpty()) {
            throw ServiceException.validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy "
                    + "constraint: Member must have length greater than or equal to 1");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw ServiceException.validation("1 validation error detected: Value at 'entries' failed to satisfy "
                    + "constraint: Member must have length less than or equal to " + MAX_ENTRIES);
        }
        long size = 0;
        for (JsonNode entry : entries) {
            size += entrySize(entry);
        }
        if (size > MAX_REQUEST_BYTES) {
            throw ServiceException.validation("Total size of the entries in the request is over the limit.");
        }
        return entries;
    }

    /** One entry's outcome, on the buses as they are now; a Time that is no timestamp fails the whole request. */
    static Result accept(JsonNode entry, EventBuses buses) {
        return problem(entry, buses)
                .map(error -> new Result(null, error.substring(0, error.indexOf(':')), error.substring(error.indexOf(':') + 1)))
                .orElseGet(() -> {
                    EventBuses.Bus bus = buses.bus(text(entry, "EventBusName"));
                    List<String> resources = new ArrayList<>();
                    entry.path("Resources").forEach(r -> resources.add(r.asText()));
                    return new Result(new BusEvent(UUID.randomUUID().toString(), bus.name(), bus.arn(),
                            text(entry, "Source"), text(entry, "DetailType"), text(entry, "Detail"), resources,
                            time(entry.get("Time")), buses.accountId(), buses.region()), null, null);
                });
    }

    /** {@code Code:message} of what is wrong with an entry. */
    private static Optional<String> problem(JsonNode entry, EventBuses buses) {
        String source = text(entry, "Source");
        String detail = text(entry, "Detail");
        if (source == null || source.isBlank()) {
            return Optional.of("InvalidArgument:Parameter Source is not valid. Reason: Source is a required argument.");
        }
        String detailType = text(entry, "DetailType");
        if (detailType == null || detailType.isBlank()) {
            return Optional.of("InvalidArgument:Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }
        if (detail == null || detail.isBlank()) {
            return Optional.of("InvalidArgument:Parameter Detail is not valid. Reason: Detail is a required argument.");
        }
        if (!isJsonObject(detail)) {
            return Optional.of("MalformedDetail:Detail is malformed.");
        }
        if (source.startsWith("aws.")) {
            return Optional.of("NotAuthorizedForSourceException:Not authorized for the source.");
        }
        String bus = text(entry, "EventBusName");
        if (!buses.exists(bus)) {
            return Optional.of("ResourceNotFoundException:Event bus " + EventBuses.nameOf(bus) + " does not exist.");
        }
        return Optional.empty();
    }

    private static boolean isJsonObject(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject();
        } catch (IOException e) {
            return false;
        }
    }

    /** EventBridge's entry size: 14 bytes for a Time, then Source, DetailType, Detail and each Resource in UTF-8. */
    static long entrySize(JsonNode entry) {
        long size = entry.hasNonNull("Time") ? TIME_BYTES : 0;
        for (String field : List.of("Source", "DetailType", "Detail")) {
            String value = text(entry, field);
            if (value != null) {
                size += value.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        for (JsonNode resource : entry.path("Resources")) {
            size += resource.asText().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    /** Time: epoch seconds (what the SDK sends), an ISO-8601 text, or now when absent. */
    private static Instant time(JsonNode value) {
        if (value == null || value.isNull()) {
            return Instant.now();
        }
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue());
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new ServiceException(400, "SerializationException", "Time is not a timestamp: " + value);
        }
    }
}
