package dev.cartwheel.core.shipping;

import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.INVALID_FIELD;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a shipping address before anything is read or written. Unicode letters are welcome (names and streets in any
 * script); control characters (C0, C1, DEL), format characters such as bidi overrides and zero-width joiners
 * ({@code Cf}), unpaired surrogates, line breaks and over-long fields are refused, each with a problem naming the field.
 * The postal code is checked against the country's format for US, CA, GB, DE, FR, NL, AU and JP, and generically
 * (3 to 10 letters, digits, one space or dash inside) elsewhere. Whether the shop ships to the country is for the
 * checkout to say: it knows the shipping zones. Error details never echo the value (it is personal data).
 */
public final class AddressValidator {

    public static final int MAX_NAME = 100;
    public static final int MAX_LINE = 100;
    public static final int MAX_CITY = 64;
    public static final int MAX_REGION = 64;
    public static final int MAX_POSTAL_CODE = 10;
    public static final int MAX_PHONE = 20;

    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Pattern PHONE = Pattern.compile("^\\+?[0-9(][0-9 ()./-]{3,18}[0-9]$");
    private static final Pattern GENERIC_POSTAL = Pattern.compile("^[A-Z0-9](?:[A-Z0-9]|[ -](?=[A-Z0-9])){2,9}$");

    /** The postal code formats of the countries checked exactly (the code already trimmed and upper-cased). */
    public static final Map<String, Pattern> POSTAL_CODES = Map.of(
            "US", Pattern.compile("^\\d{5}(-\\d{4})?$"),
            "CA", Pattern.compile("^[ABCEGHJ-NPRSTVXY]\\d[ABCEGHJ-NPRSTV-Z] ?\\d[ABCEGHJ-NPRSTV-Z]\\d$"),
            "GB", Pattern.compile("^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"),
            "DE", Pattern.compile("^\\d{5}$"),
            "FR", Pattern.compile("^\\d{5}$"),
            "NL", Pattern.compile("^[1-9]\\d{3} ?(?!SA|SD|SS)[A-Z]{2}$"),
            "AU", Pattern.compile("^\\d{4}$"),
            "JP", Pattern.compile("^\\d{3}-?\\d{4}$"));

    private AddressValidator() {
    }

    /**
     * @param at the JSON pointer of the address in the request, e.g. {@code /shippingAddress}
     * @return the address normalized ({@link ShippingAddress#normalized()})
     */
    public static ShippingAddress validate(ShippingAddress address, String at) {
        if (address == null) {
            throw invalid(at, "shippingAddress is required: name, line1, city, postalCode, country");
        }
        // check the raw values first: a control character must not be trimmed away unnoticed
        text(address.name(), at + "/name", MAX_NAME, true);
        text(address.line1(), at + "/line1", MAX_LINE, true);
        text(address.line2(), at + "/line2", MAX_LINE, false);
        text(address.city(), at + "/city", MAX_CITY, true);
        text(address.region(), at + "/region", MAX_REGION, false);
        text(address.postalCode(), at + "/postalCode", MAX_POSTAL_CODE + 2, true);
        text(address.country(), at + "/country", 2, true);
        text(address.phone(), at + "/phone", MAX_PHONE, false);
        ShippingAddress normalized = address.normalized();
        if (!COUNTRIES.contains(normalized.country()) || !normalized.country().equals(address.country())) {
            throw invalid(at + "/country", "country must be an ISO 3166-1 alpha-2 code in upper case, e.g. US or DE");
        }
        String postalCode = normalized.postalCode();
        Pattern format = POSTAL_CODES.get(normalized.country());
        if (postalCode.length() > MAX_POSTAL_CODE || !(format == null ? GENERIC_POSTAL : format).matcher(postalCode).matches()) {
            throw invalid(at + "/postalCode", format == null
                    ? "postalCode must be 3 to 10 letters and digits (one space or dash between them)"
                    : "postalCode is not a valid postal code for " + normalized.country());
        }
        if (normalized.phone() != null && !PHONE.matcher(normalized.phone()).matches()) {
            throw invalid(at + "/phone", "phone must be 5 to 20 digits, optionally with a leading + and spaces, dots, dashes or parentheses");
        }
        return normalized;
    }

    /** True if the code is a country in ISO 3166-1 alpha-2 (upper case). */
    public static boolean isCountry(String code) {
        return code != null && COUNTRIES.contains(code);
    }

    private static void text(String value, String field, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw invalid(field, field.substring(field.lastIndexOf('/') + 1) + " is required");
            }
            if (value == null) {
                return;
            }
        }
        if (value.codePointCount(0, value.length()) > max) {
            throw invalid(field, field.substring(field.lastIndexOf('/') + 1) + " must be at most " + max + " characters");
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int type = Character.getType(cp);
            if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.PRIVATE_USE || type == Character.UNASSIGNED) {
                throw invalid(field, field.substring(field.lastIndexOf('/') + 1)
                        + " must not hold control, format or unassigned characters");
            }
            i += Character.charCount(cp);
        }
    }

    private static InvalidRequestException invalid(String field, String detail) {
        return new InvalidRequestException(INVALID_FIELD, field, detail);
    }
}
