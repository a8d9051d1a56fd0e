package dev.cartwheel.testing;

/** {@link StreamPump#drain} found records still failing after its timeout. */
public class StreamPumpTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StreamPumpTimeoutException(String message) {
        super(message);
    }
}
