package dev.cartwheel.admin;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;

/** The check of a name an admin sets (a product's, a shipping method's, a zone's). */
final class CatalogText {

    private CatalogText() {
    }

    /** A name of 1 to {@code max} characters without control or format characters, else a problem naming the field. */
    static void require(String value, String field, int max) {
        if (value == null || value.isBlank() || value.codePointCount(0, value.length()) > max
                || value.codePoints().anyMatch(cp -> Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                        || Character.getType(cp) == Character.SURROGATE)) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, field,
                    field.substring(field.lastIndexOf('/') + 1) + " must be 1 to " + max + " printable characters");
        }
    }
}
