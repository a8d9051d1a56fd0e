package dev.cartwheel.emulators.server;

/**
 * An error an emulated service answers as AWS answers it: the HTTP status and the {@code __type} the SDK maps to the
 * service's modelled exception, with its message. {@link AwsJsonServer} turns it into the response.
 */
public final class ServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;

    public ServiceException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    /** {@code ValidationException} (400), the JSON protocols' generic validation error. */
    public static ServiceException validation(String message) {
        return new ServiceException(400, "ValidationException", message);
    }

    /** {@code ResourceNotFoundException} (400). */
    public static ServiceException notFound(String message) {
        return new ServiceException(400, "ResourceNotFoundException", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
