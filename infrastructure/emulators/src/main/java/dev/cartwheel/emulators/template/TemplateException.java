package dev.cartwheel.emulators.template;

/** A template that cannot be read or resolved: bad YAML, a reference to nothing, an unsupported intrinsic. */
public class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
