package dev.cartwheel.core.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AddressValidatorTest {

    static ShippingAddress address(String country, String postalCode) {
        return new ShippingAddress("Ada Lovelace", "12 Main Street", null, "Springfield", null, postalCode, country, null);
    }

    static ShippingAddress with(String field, String value) {
        ShippingAddress a = new ShippingAddress("Ada Lovelace", "12 Main Street", "Flat 2", "Berlin", "BE", "10115", "DE",
                "+49 30 1234567");
        return switch (field) {
            case "name" -> new ShippingAddress(value, a.line1(), a.line2(), a.city(), a.region(), a.postalCode(), a.country(), a.phone());
            case "line1" -> new ShippingAddress(a.name(), value, a.line2(), a.city(), a.region(), a.postalCode(), a.country(), a.phone());
            case "line2" -> new ShippingAddress(a.name(), a.line1(), value, a.city(), a.region(), a.postalCode(), a.country(), a.phone());
            case "city" -> new ShippingAddress(a.name(), a.line1(), a.line2(), value, a.region(), a.postalCode(), a.country(), a.phone());
            case "region" -> new ShippingAddress(a.name(), a.line1(), a.line2(), a.city(), value, a.postalCode(), a.country(), a.phone());
            case "postalCode" -> new ShippingAddress(a.name(), a.line1(), a.line2(), a.city(), a.region(), value, a.country(), a.phone());
            case "country" -> new ShippingAddress(a.name(), a.line1(), a.line2(), a.city(), a.region(), a.postalCode(), value, a.phone());
            case "phone" -> new ShippingAddress(a.name(), a.line1(), a.line2(), a.city(), a.region(), a.postalCode(), a.country(), value);
            default -> throw new IllegalArgumentException(field);
        };
    }

    static void assertRefused(ShippingAddress address, String field) {
        assertThatThrownBy(() -> AddressValidator.validate(address, "/shippingAddress"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo("/shippingAddress/" + field);
                    assertThat(e.problem()).isEqualTo(InvalidRequestException.Problem.INVALID_FIELD);
                });
    }

    @Test
    void aCompleteAddressPassesNormalized() {
        ShippingAddress ok = AddressValidator.validate(with("postalCode", " 10115 "), "/shippingAddress");
        assertThat(ok.postalCode()).isEqualTo("10115");
        assertThat(ok.toString()).doesNotContain("Ada", "Main", "10115");
    }

    @Test
    void unicodeLettersAreWelcome() {
        ShippingAddress kyoto = new ShippingAddress("山田 太郎", "中京区 烏丸通 1-2-3", "コーポ 101", "京都市", "京都府", "604-8005", "JP", null);
        ShippingAddress munich = new ShippingAddress("Zoë Ægir-Løvström", "Straße des 17. Juni 1", null, "München", "BY", "80331", "DE", null);
        ShippingAddress cairo = new ShippingAddress("مريم", "شارع التحرير", null, "القاهرة", null, "11511", "EG", "+20 2 1234 5678");
        assertThatCode(() -> AddressValidator.validate(kyoto, "/a")).doesNotThrowAnyException();
        assertThatCode(() -> AddressValidator.validate(munich, "/a")).doesNotThrowAnyException();
        assertThatCode(() -> AddressValidator.validate(cairo, "/a")).doesNotThrowAnyException();
    }

    @Test
    void noAddressIsRefusedNamingIt() {
        assertThatThrownBy(() -> AddressValidator.validate(null, "/shippingAddress"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("/shippingAddress"));
    }

    @ParameterizedTest(name = "{0} missing")
    @CsvSource({"name", "line1", "city", "postalCode", "country"})
    void requiredFieldsAreRequired(String field) {
        assertRefused(with(field, null), field);
        assertRefused(with(field, "   "), field);
    }

    @ParameterizedTest(name = "{0} may be left out")
    @CsvSource({"line2", "region", "phone"})
    void optionalFieldsMayBeLeftOut(String field) {
        assertThatCode(() -> AddressValidator.validate(with(field, null), "/a")).doesNotThrowAnyException();
        ShippingAddress blank = AddressValidator.validate(with(field, " "), "/a");
        assertThat(switch (field) {
            case "line2" -> blank.line2();
            case "region" -> blank.region();
            default -> blank.phone();
        }).as("a blank optional field is left out").isNull();
    }

    static Stream<Arguments> hostileText() {
        return Stream.of("name", "line1", "line2", "city", "region").flatMap(field -> Stream.of(
                Arguments.of(field, "Ada\u0000Lovelace"),
                Arguments.of(field, "Ada\r\nBcc: x@evil.example"),
                Arguments.of(field, "Ada\u001bLovelace"),
                Arguments.of(field, "Ada\u007fLovelace"),
                Arguments.of(field, "Ada\u0085Lovelace"),
                Arguments.of(field, "Ada\u202eecalevoL"),
                Arguments.of(field, "Ada\u200bLovelace"),
                Arguments.of(field, "Ada\u2028Lovelace"),
                Arguments.of(field, "Ada\ud800Lovelace")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("hostileText")
    void controlAndFormatCharactersAreRefused(String field, String value) {
        assertRefused(with(field, value), field);
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"name,100", "line1,100", "line2,100", "city,64", "region,64"})
    void overLongFieldsAreRefused(String field, int max) {
        assertThatCode(() -> AddressValidator.validate(with(field, "é".repeat(max)), "/a")).doesNotThrowAnyException();
        assertRefused(with(field, "é".repeat(max + 1)), field);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "US,12345", "US,12345-6789", "CA,K1A 0B1", "CA,K1A0B1", "CA,h0h 0h0", "GB,SW1A 1AA", "GB,EC1A 1BB", "GB,M1 1AE",
            "GB,B33 8TH", "GB,CR2 6XH", "GB,DN55 1PT", "GB,W1A 0AX", "GB,gir 0aa", "DE,10115", "DE,01067", "FR,75008",
            "FR,20000", "NL,1012 AB", "NL,1012AB", "AU,2000", "AU,0800", "JP,100-0001", "JP,1000001",
            "IT,00184", "SE,114 55", "PT,1000-001", "BR,01310-100", "IE,D02 X285", "CH,8001"})
    void postalCodesInTheCountrysFormatPass(String country, String postalCode) {
        assertThatCode(() -> AddressValidator.validate(address(country, postalCode), "/a")).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "US,1234", "US,123456", "US,12345-67", "US,ABCDE", "CA,12345", "CA,D1A 0B1", "CA,K1A 0B", "GB,12345",
            "GB,SW1A1A", "GB,QA1 1AA", "DE,1011", "DE,101155", "DE,1011A", "FR,7500", "FR,750080", "NL,0123 AB",
            "NL,1012 SA", "NL,1012 A", "AU,200", "AU,20000", "JP,100-00011", "JP,10-00001", "IT,1", "SE,12",
            "NO,--", "DE,10115!"})
    void postalCodesOutsideTheFormatAreRefused(String country, String postalCode) {
        assertRefused(address(country, postalCode), "postalCode");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"de", "DEU", "XX", "ZZ", "U", "1A"})
    void countriesAreIsoAlpha2UpperCase(String country) {
        assertRefused(address(country, "12345"), "country");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'12'", "'not a phone'", "'+49 30 1234567 ext 9'", "'+1 (555) 010-0000-00000000'"})
    void badPhonesAreRefused(String phone) {
        assertRefused(with("phone", phone), "phone");
    }

    @Test
    void goodPhonesPass() {
        for (String phone : new String[] {"+49 30 1234567", "(555) 010-0000", "+81-3-1234-5678", "020 7946 0958"}) {
            assertThatCode(() -> AddressValidator.validate(with("phone", phone), "/a")).as(phone).doesNotThrowAnyException();
        }
    }

    @Test
    void theProblemNeverEchoesTheValue() {
        assertThatThrownBy(() -> AddressValidator.validate(with("postalCode", "SECRET-99999"), "/a"))
                .hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> AddressValidator.validate(with("name", "Ada\u0000Secret"), "/a"))
                .hasMessageNotContaining("Secret");
    }
}
