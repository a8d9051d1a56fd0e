package dev.cartwheel.core.messaging;

import java.util.Objects;

/**
 * The message between two steps: which business event happened to which order. Small on purpose:
 * the receiving step reads the order itself. The correlation id ties every log line and message of
 * one order together.
 */
public record StepMessage(int schemaVersion, MessageType type, String orderId, String correlationId) {

    /** The schema version this code writes and the only one it reads. */
    public static final int SCHEMA_VERSION = 1;

    public StepMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(correlationId, "correlationId");
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("unsupported schemaVersion " + schemaVersion);
        }
    }

    public static StepMessage of(MessageType type, String orderId, String correlationId) {
        return new StepMessage(SCHEMA_VERSION, type, orderId, correlationId);
    }
}
