package dev.cartwheel.local.schedule;

import java.util.Optional;

/**
 * A schedule expression EventBridge would refuse, or one the local cloud cannot run. The message names the part at
 * fault ({@code rate}, or the cron field: {@code minutes}, {@code hours}, {@code day-of-month}, {@code month},
 * {@code day-of-week}, {@code year}), what is wrong with it and the whole expression.
 */
public final class InvalidScheduleExpressionException extends IllegalArgumentException {

    private final String field;
    private final String expression;

    InvalidScheduleExpressionException(String field, String problem, String expression) {
        super((field == null ? "" : field + ": ") + problem + ": " + expression);
        this.field = field;
        this.expression = expression;
    }

    /** The cron field at fault ({@code minutes} ... {@code year}, or {@code rate}), if the error is in one field. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** The expression as given. */
    public String expression() {
        return expression;
    }
}
