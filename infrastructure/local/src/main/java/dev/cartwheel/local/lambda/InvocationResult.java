package dev.cartwheel.local.lambda;

import java.nio.charset.StandardCharsets;

/**
 * What one invocation produced, as the Lambda service sees it.
 *
 * @param payload     the response body (success) or the error document (error)
 * @param errorType   Lambda-Runtime-Function-Error-Type, or the platform's error type (e.g. Sandbox.Timedout)
 * @param initDurationMs init duration when this invocation was a cold start, else null
 */
public record InvocationResult(String requestId, Status status, byte[] payload, String errorType,
                               double durationMs, Double initDurationMs, long maxMemoryUsedMb, int memorySizeMb) {

    public enum Status { SUCCESS, ERROR, TIMEOUT, CRASH, INIT_ERROR }

    public boolean ok() {
        return status == Status.SUCCESS;
    }

    public String payloadAsString() {
        return payload == null ? "" : new String(payload, StandardCharsets.UTF_8);
    }

    /** The REPORT line Lambda writes after every invocation. */
    public String reportLine() {
        StringBuilder sb = new StringBuilder("REPORT RequestId: ").append(requestId)
                .append("\tDuration: ").append(String.format(java.util.Locale.ROOT, "%.2f", durationMs)).append(" ms")
                .append("\tBilled Duration: ").append((long) Math.ceil(durationMs + (initDurationMs == null ? 0 : initDurationMs))).append(" ms")
                .append("\tMemory Size: ").append(memorySizeMb).append(" MB")
                .append("\tMax Memory Used: ").append(maxMemoryUsedMb).append(" MB");
        if (initDurationMs != null) {
            sb.append("\tInit Duration: ").append(String.format(java.util.Locale.ROOT, "%.2f", initDurationMs)).append(" ms");
        }
        if (status == Status.TIMEOUT) {
            sb.append("\tStatus: timeout");
        } else if (status == Status.CRASH || status == Status.INIT_ERROR) {
            sb.append("\tStatus: error\tError Type: ").append(errorType);
        }
        return sb.toString();
    }
}
