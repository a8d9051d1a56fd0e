package dev.cartwheel.local.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Lambda's Java bootstrap, rebuilt: which {@code java}, which JVM flags, and the Runtime Interface Client
 * (com.amazonaws:aws-lambda-java-runtime-interface-client and its dependencies) that goes on each function's classpath.
 *
 * <p>The client's JNI helper unpacks its native library to the fixed path /tmp/.libaws-lambda-jni.so in every
 * process, which races when several functions start at once. So, like Lambda's own image (which ships the library
 * unpacked), the library is extracted once here and handed to every process with the system property
 * {@code com.amazonaws.services.lambda.runtime.api.client.NativeClient.JNI}.
 */
public final class LambdaRuntime {

    public static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private final Path javaBinary;
    private final List<Path> runtimeClasspath;
    private final Path nativeLibrary;

    public LambdaRuntime(Path javaBinary, Path runtimeDir, Path workDir) throws IOException {
        this.javaBinary = javaBinary;
        if (!Files.isDirectory(runtimeDir)) {
            throw new IOException("Lambda runtime interface client not found in " + runtimeDir
                    + " (build the module: mvn -pl infrastructure/local -am package)");
        }
        try (Stream<Path> jars = Files.list(runtimeDir)) {
            this.runtimeClasspath = jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        Path ric = runtimeClasspath.stream()
                .filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client"))
                .findFirst()
                .orElseThrow(() -> new IOException("aws-lambda-java-runtime-interface-client jar missing in " + runtimeDir));
        this.nativeLibrary = extractNativeLibrary(ric, workDir);
    }

    /** The default: this JVM's java, and the client copied next to local-cloud.jar (target/lambda-runtime). */
    public static LambdaRuntime defaults(Path workDir) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new LambdaRuntime(java, defaultRuntimeDir(), workDir);
    }

    public static Path defaultRuntimeDir() {
        String configured = System.getProperty("lambda.runtime.dir", System.getenv("CARTWHEEL_LAMBDA_RUNTIME_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try {
            Path self = Path.of(LambdaRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/local-cloud.jar or target/classes -> target/lambda-runtime
            return self.toAbsolutePath().getParent().resolve("lambda-runtime");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path extractNativeLibrary(Path ricJar, Path workDir) throws IOException {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String cpu = arch.contains("aarch64") || arch.contains("arm64") ? "aarch_64" : "x86_64";
        boolean musl = isMusl();
        String name = "libaws-lambda-jni." + (musl ? "linux_musl-" : "linux-") + cpu + ".so";
        Files.createDirectories(workDir);
        Path target = workDir.resolve(name);
        try (var zip = new java.util.zip.ZipFile(ricJar.toFile())) {
            var entry = zip.getEntry("jni/" + name);
            if (entry == null) {
                throw new IOException("no native library jni/" + name + " in " + ricJar);
            }
            if (!Files.exists(target) || Files.size(target) != entry.getSize()) {
                Path tmp = Files.createTempFile(workDir, "jni", ".so");
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return target;
    }

    private static boolean isMusl() {
        try (Stream<Path> lib = Files.list(Path.of("/lib"))) {
            return lib.anyMatch(p -> p.getFileName().toString().startsWith("ld-musl-"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The command line Lambda's java runtime uses: heap sized from MemorySize (85%), serial GC, CDS, C1 only
     * ({@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1}, the default since the java17 runtime), IPv4, then the
     * function's code and the runtime client on the classpath and the client's main with the handler as argument.
     */
    public List<String> command(FunctionSpec spec) {
        int mem = spec.memorySizeMb();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary.toString());
        cmd.add("-XX:MaxHeapSize=" + (mem * 85 / 100) + "m");
        cmd.add("-XX:MaxMetaspaceSize=" + Math.max(64, mem * 10 / 100) + "m");
        cmd.add("-XX:ReservedCodeCacheSize=" + Math.max(32, mem * 5 / 100) + "m");
        cmd.add("-XX:+UseSerialGC");
        // the JVM refuses -Xshare:* beside the JDK 25 AOT cache options (-XX:AOTCache, -XX:AOTCacheOutput, ...) given in
        // JAVA_TOOL_OPTIONS; -Xshare:auto is the JVM's default anyway, so leaving it out then changes nothing else
        String toolOptions = spec.environment().get("JAVA_TOOL_OPTIONS");
        if (toolOptions == null || !toolOptions.contains("-XX:AOT")) {
            cmd.add("-Xshare:auto");
        }
        cmd.add("-XX:+TieredCompilation");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-D" + JNI_PROPERTY + "=" + nativeLibrary);
        cmd.add("-classpath");
        List<String> cp = new ArrayList<>();
        cp.add(spec.codeUri().toString());
        runtimeClasspath.forEach(p -> cp.add(p.toString()));
        cmd.add(String.join(java.io.File.pathSeparator, cp));
        cmd.add(RIC_MAIN);
        cmd.add(spec.handler());
        return cmd;
    }

    public Path nativeLibrary() {
        return nativeLibrary;
    }
}
