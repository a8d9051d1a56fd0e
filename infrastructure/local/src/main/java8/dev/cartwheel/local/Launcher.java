package dev.cartwheel.local;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The jar's entry point, compiled for Java 8 (see the pom) so that an older {@code java} prints one line saying which
 * Java the local cloud needs instead of an {@code UnsupportedClassVersionError}. On Java 21 or newer it hands over to
 * {@link LocalCloudCli}. On Java 24 or newer, which warns on the terminal when a library uses {@code sun.misc.Unsafe}
 * or loads native code (the embedded ElasticMQ and DynamoDB Local do both), it runs the CLI in a child JVM that allows
 * both, since the JVM prints those warnings where no Java code can redirect them and a jar's manifest cannot allow
 * the first.
 */
public final class Launcher {

    static final int REQUIRED_FEATURE = 21;

    /** From this Java on, the JVM warns about sun.misc.Unsafe memory access. */
    static final int UNSAFE_WARNING_FEATURE = 24;

    private static final String CHILD_MARKER = "cartwheel.launcher.child";

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
        if (feature >= UNSAFE_WARNING_FEATURE && System.getProperty(CHILD_MARKER) == null) {
            System.exit(runInChild(args));
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

    /** Runs the CLI in a child JVM with the same options plus the two allowances, and returns its exit code. */
    static int runInChild(String[] args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-D" + CHILD_MARKER + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.cartwheel.local.LocalCloudCli");
        command.addAll(Arrays.asList(args));
        final Process child = new ProcessBuilder(command).inheritIO().start();
        // Ctrl-C reaches the child too (same process group): wait for it to stop cleanly before this JVM exits
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                child.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return child.waitFor();
    }

    /** {@code "1.8"} is 8, {@code "17"} is 17. */
    static int feature(String specificationVersion) {
        String version = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int dot = version.indexOf('.');
        return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    }
}
