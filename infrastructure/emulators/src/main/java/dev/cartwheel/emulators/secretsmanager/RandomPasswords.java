package dev.cartwheel.emulators.secretsmanager;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** The local Secrets Manager's GetRandomPassword, with every option of the API. */
final class RandomPasswords {

    /** The characters {@code ExcludePunctuation} leaves out. */
    static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomPasswords() {
    }

    /**
     * A random password as GetRandomPassword makes it: {@code length} characters of the upper- and lower-case letters,
     * digits and {@link #PUNCTUATION} (and the space with {@code includeSpace}) not excluded, with at least one of each
     * included type when {@code requireEachIncludedType}.
     *
     * @throws IllegalArgumentException for a length outside 1..4096, or options that leave nothing to choose from
     */
    static String generate(int length, String excludeCharacters, boolean excludeNumbers,
                           boolean excludePunctuation, boolean excludeUppercase, boolean excludeLowercase,
                           boolean includeSpace, boolean requireEachIncludedType) {
        if (length < 1 || length > 4096) {
            throw new IllegalArgumentException("PasswordLength must be between 1 and 4096.");
        }
        String excluded = excludeCharacters == null ? "" : excludeCharacters;
        List<String> types = new ArrayList<>();
        if (!excludeUppercase) {
            types.add("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        }
        if (!excludeLowercase) {
            types.add("abcdefghijklmnopqrstuvwxyz");
        }
        if (!excludeNumbers) {
            types.add("0123456789");
        }
        if (!excludePunctuation) {
            types.add(PUNCTUATION);
        }
        if (includeSpace) {
            types.add(" ");
        }
        List<String> pools = types.stream()
                .map(t -> t.chars().filter(c -> excluded.indexOf(c) < 0)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString())
                .filter(p -> !p.isEmpty())
                .toList();
        String all = String.join("", pools);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("The password options exclude every character.");
        }
        if (requireEachIncludedType && pools.size() > length) {
            throw new IllegalArgumentException("PasswordLength " + length + " is too short to include each of the "
                    + pools.size() + " character types.");
        }
        char[] password = new char[length];
        int at = 0;
        if (requireEachIncludedType) {
            for (String pool : pools) {
                password[at++] = pool.charAt(RANDOM.nextInt(pool.length()));
            }
        }
        while (at < length) {
            password[at++] = all.charAt(RANDOM.nextInt(all.length()));
        }
        for (int i = length - 1; i > 0; i--) { // shuffle, so the required characters are not always first
            int j = RANDOM.nextInt(i + 1);
            char c = password[i];
            password[i] = password[j];
            password[j] = c;
        }
        return new String(password);
    }
}
