package dev.cartwheel.testing;

import java.util.List;
import java.util.Optional;

/**
 * One delivery of a batch to a handler.
 *
 * @param queueUrl     the queue
 * @param delivered    message ids handed to the handler
 * @param deleted      message ids deleted (the handler's successes)
 * @param failed       message ids made visible again (reported in batchItemFailures, or all when the handler threw
 *                     or reported an unknown id)
 * @param handlerError what the handler threw, or {@code null}
 */
public record PumpResult(String queueUrl, List<String> delivered, List<String> deleted, List<String> failed,
                         Throwable handlerError) {

    public PumpResult {
        delivered = List.copyOf(delivered);
        deleted = List.copyOf(deleted);
        failed = List.copyOf(failed);
    }

    public boolean isEmpty() {
        return delivered.isEmpty();
    }

    public Optional<Throwable> error() {
        return Optional.ofNullable(handlerError);
    }
}
