package dev.cartwheel.local;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry point, compiled for Java 8 (see the pom) so that an older {@code java} prints one line saying which
 * Java the local cloud needs instead of an {@code UnsupportedClassVersionError}. On Java 21 or newer it hands over to
 * {@link LocalCloudCli}.
 */
public final class Launcher {

    static final int REQUIRED_FEATURE = 21;

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        int feature = feature(System.getProperty("java.specification.version"));
        if (feature < REQUIRED_FEATURE) {
            System.err.println("cartwheel: the local cloud needs Java " + REQUIRED_FEATURE + " or newer, but this is Java "
                    + System.getProperty("java.specification.version") + " (" + System.getProperty("java.home")
                    + "); run it with a newer JDK, e.g. $JAVA_HOME/bin/java -jar local-cloud.jar, with JAVA_HOME set to a JDK "
                    + REQUIRED_FEATURE + "+");
            System.exit(2);
        }
        try {
            Class.forName("dev.cartwheel.local.LocalCloudCli").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw cause instanceof Exception ? (Exception) cause : e;
        }
    }

    /** {@code "1.8"} is 8, {@code "17"} is 17. */
    static int feature(String specificationVersion) {
        String version = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int dot = version.indexOf('.');
        return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    }
}
