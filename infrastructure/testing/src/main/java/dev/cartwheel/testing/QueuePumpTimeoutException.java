package dev.cartwheel.testing;

/** {@link QueuePump#drain} found messages left after its timeout. */
public class QueuePumpTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueuePumpTimeoutException(String message) {
        super(message);
    }
}
