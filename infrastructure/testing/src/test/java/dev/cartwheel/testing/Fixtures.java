package dev.cartwheel.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

final class Fixtures {

    private Fixtures() {
    }

    static Path pumpTemplate() {
        try {
            return Path.of(Fixtures.class.getResource("/pump-template.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
