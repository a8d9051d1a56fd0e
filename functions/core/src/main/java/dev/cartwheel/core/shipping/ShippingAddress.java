package dev.cartwheel.core.shipping;

/**
 * Where an order goes: personal data. It lives in its own table, keyed by the order id, and appears only in the owner's
 * {@code GET /orders/{orderId}}, the admin fulfilment queue and the shipping notice e-mail: never in a log, an order
 * event, a metric, or an index customers' queries read. {@link #toString()} hides it, so a stray log line cannot leak it.
 *
 * @param line2  optional, else {@code null}
 * @param region optional state, province or county, else {@code null}; a US state or Canadian province as its code
 *               ({@code CA}, {@code ON}) chooses that region's tax rate
 * @param country ISO 3166-1 alpha-2, upper case
 * @param phone  optional, else {@code null}
 */
public record ShippingAddress(String name, String line1, String line2, String city, String region, String postalCode,
                              String country, String phone) {

    /** The address with its values trimmed, the country and postal code upper-cased ({@code sw1a 1aa} is {@code SW1A 1AA}). */
    public ShippingAddress normalized() {
        return new ShippingAddress(trim(name), trim(line1), blankToNull(line2), trim(city), blankToNull(region),
                postalCode == null ? null : postalCode.strip().toUpperCase(java.util.Locale.ROOT),
                country == null ? null : country.strip().toUpperCase(java.util.Locale.ROOT), blankToNull(phone));
    }

    /** The region as a tax-rate key: upper case, or {@code null}. */
    public String regionCode() {
        return region == null ? null : region.strip().toUpperCase(java.util.Locale.ROOT);
    }

    /** A canonical text of every field, for the checkout request's digest. */
    public String canonical() {
        return String.join("\u001f", String.valueOf(name), String.valueOf(line1), String.valueOf(line2), String.valueOf(city),
                String.valueOf(region), String.valueOf(postalCode), String.valueOf(country), String.valueOf(phone));
    }

    /** The lines of a postal label. */
    public java.util.List<String> labelLines() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add(name);
        lines.add(line1);
        if (line2 != null) {
            lines.add(line2);
        }
        lines.add(postalCode + " " + city + (region == null ? "" : ", " + region));
        lines.add(country);
        return lines;
    }

    @Override
    public String toString() {
        return "ShippingAddress[country=" + country + ", other fields withheld]";
    }

    private static String trim(String value) {
        return value == null ? null : value.strip();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
