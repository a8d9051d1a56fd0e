package dev.cartwheel.emulators.secretsmanager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cartwheel.emulators.server.AwsJsonServer;
import dev.cartwheel.emulators.server.ServiceException;
import dev.cartwheel.emulators.template.SamTemplate;

/**
 * The project's own Secrets Manager endpoint: the JSON 1.1 protocol as {@code SecretsManagerClient} speaks it
 * ({@code X-Amz-Target: secretsmanager.<Operation>}), secrets kept in memory with their versions and staging labels.
 *
 * <ul>
 *   <li>{@code CreateSecret} with a SecretString or SecretBinary (then a first version labelled {@code AWSCURRENT}, its
 *       id the ClientRequestToken), or with neither (a secret without a value); a name in use fails with
 *       {@code ResourceExistsException}.</li>
 *   <li>{@code GetSecretValue} by name, full ARN or partial ARN (without the 6-character suffix), of the
 *       {@code AWSCURRENT} version or the VersionId / VersionStage asked for; an unknown secret or version fails with
 *       {@code ResourceNotFoundException} ("Secrets Manager can't find the specified secret.").</li>
 *   <li>{@code PutSecretValue}: a new version, {@code AWSCURRENT} by default (the previous current one becomes
 *       {@code AWSPREVIOUS}); the same ClientRequestToken with the same value is a no-op, with another value a
 *       {@code ResourceExistsException}.</li>
 *   <li>{@code DescribeSecret} and {@code GetRandomPassword} (every option of the API; CloudFormation's
 *       GenerateSecretString is made of the same options).</li>
 * </ul>
 * Nothing else: Cartwheel's code creates, reads, rotates (PutSecretValue) and describes secrets, and never lists or
 * deletes them. ARNs are {@code arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>}, the suffix
 * derived from the name, so that a stack provisioned afresh gets the same ARNs.
 */
public final class SecretsManagerServer extends AwsJsonServer {

    public static final String AWSCURRENT = "AWSCURRENT";
    public static final String AWSPREVIOUS = "AWSPREVIOUS";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    private static final String SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final String region;
    private final String accountId;
    /** By name. */
    private final Map<String, Secret> secrets = new LinkedHashMap<>();
    private final Object monitor = new Object();

    private record Version(String id, String string, byte[] binary, Instant created, Set<String> stages) {
        boolean sameValue(String otherString, byte[] otherBinary) {
            return java.util.Objects.equals(string, otherString) && java.util.Arrays.equals(binary, otherBinary);
        }
    }

    private static final class Secret {
        final String name;
        final String arn;
        final String description;
        final String kmsKeyId;
        final Instant created;
        final Map<String, String> tags;
        final Map<String, Version> versions = new LinkedHashMap<>();
        Instant lastChanged;
        Instant lastAccessed;

        Secret(String name, String arn, String description, String kmsKeyId, Instant created, Map<String, String> tags) {
            this.name = name;
            this.arn = arn;
            this.description = description;
            this.kmsKeyId = kmsKeyId;
            this.created = created;
            this.lastChanged = created;
            this.tags = tags;
        }

        Optional<Version> byStage(String stage) {
            return versions.values().stream().filter(v -> v.stages().contains(stage)).findFirst();
        }
    }

    private SecretsManagerServer(String region, String accountId, int port) {
        super("Secrets Manager server", "secretsmanager", port);
        this.region = region;
        this.accountId = accountId;
        operation("CreateSecret", this::createSecret);
        operation("GetSecretValue", this::getSecretValue);
        operation("PutSecretValue", this::putSecretValue);
        operation("DescribeSecret", this::describeSecret);
        operation("GetRandomPassword", this::getRandomPassword);
    }

    /** Starts on a free port of 127.0.0.1, for the default region and account. */
    public static SecretsManagerServer start() {
        return start(SamTemplate.DEFAULT_REGION, SamTemplate.DEFAULT_ACCOUNT_ID, 0);
    }

    /** Starts on {@code port} of 127.0.0.1 (0: any free port); ARNs name {@code region} and {@code accountId}. */
    public static SecretsManagerServer start(String region, String accountId, int port) {
        SecretsManagerServer secretsManager = new SecretsManagerServer(region, accountId, port);
        secretsManager.serve();
        return secretsManager;
    }

    @Override
    protected String internalErrorType() {
        return "InternalServiceError";
    }

    // ---------------------------------------------------------------------------------------------- Java API

    /** The names of the secrets, in creation order. */
    public List<String> secretNames() {
        synchronized (monitor) {
            return List.copyOf(secrets.keySet());
        }
    }

    /** The ARN of the secret {@code name}, when it exists. */
    public Optional<String> arn(String name) {
        synchronized (monitor) {
            return Optional.ofNullable(secrets.get(name)).map(s -> s.arn);
        }
    }

    /** The current SecretString of a secret (by name, ARN or partial ARN), when it has one. */
    public Optional<String> secretString(String secretId) {
        synchronized (monitor) {
            return find(secretId).flatMap(s -> s.byStage(AWSCURRENT)).map(Version::string);
        }
    }

    // ---------------------------------------------------------------------------------------------- operations

    private JsonNode createSecret(JsonNode request) {
        String name = text(request, "Name");
        if (name == null || !NAME.matcher(name).matches()) {
            throw invalidParameter("Invalid name. Must be a valid name containing alphanumeric characters, or any of "
                    + "the following: -/_+=.@!");
        }
        String string = text(request, "SecretString");
        byte[] binary = binary(request);
        if (string != null && binary != null) {
            throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        request.path("Tags").forEach(t -> tags.put(t.path("Key").asText(), t.path("Value").asText()));
        Instant now = Instant.now();
        ObjectNode response = JSON.createObjectNode();
        synchronized (monitor) {
            if (secrets.containsKey(name)) {
                throw new ServiceException(400, "ResourceExistsException",
                        "The operation failed because the secret " + name + " already exists.");
            }
            Secret secret = new Secret(name, newArn(name), text(request, "Description"), text(request, "KmsKeyId"),
                    now, tags);
            secrets.put(name, secret);
            response.put("ARN", secret.arn);
            response.put("Name", name);
            if (string != null || binary != null) {
                Version version = new Version(versionId(request), string, binary, now, new LinkedHashSet<>(Set.of(AWSCURRENT)));
                secret.versions.put(version.id(), version);
                response.put("VersionId", version.id());
            }
        }
        return response;
    }

    private JsonNode getSecretValue(JsonNode request) {
        String versionId = text(request, "VersionId");
        String stage = text(request, "VersionStage");
        synchronized (monitor) {
            Secret secret = existing(text(request, "SecretId"));
            Version version;
            if (versionId != null) {
                version = secret.versions.get(versionId);
                if (version == null || (stage != null && !version.stages().contains(stage))) {
                    throw notFound("Secrets Manager can't find the specified secret value for VersionId: " + versionId);
                }
            } else {
                String label = stage == null ? AWSCURRENT : stage;
                version = secret.byStage(label).orElseThrow(() ->
                        notFound("Secrets Manager can't find the specified secret value for staging label: " + label));
            }
            secret.lastAccessed = Instant.now().truncatedTo(ChronoUnit.DAYS);
            ObjectNode response = JSON.createObjectNode();
            response.put("ARN", secret.arn);
            response.put("Name", secret.name);
            response.put("VersionId", version.id());
            if (version.string() != null) {
                response.put("SecretString", version.string());
            }
            if (version.binary() != null) {
                response.put("SecretBinary", Base64.getEncoder().encodeToString(version.binary()));
            }
            ArrayNode stages = response.putArray("VersionStages");
            version.stages().forEach(stages::add);
            response.put("CreatedDate", epochSeconds(version.created()));
            return response;
        }
    }

    private JsonNode putSecretValue(JsonNode request) {
        String string = text(request, "SecretString");
        byte[] binary = binary(request);
        if (string != null && binary != null) {
            throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
        }
        if (string == null && binary == null) {
            throw invalidParameter("You must provide either SecretString or SecretBinary.");
        }
        List<String> stages = new ArrayList<>();
        request.path("VersionStages").forEach(s -> stages.add(s.asText()));
        if (stages.isEmpty()) {
            stages.add(AWSCURRENT);
        }
        synchronized (monitor) {
            Secret secret = existing(text(request, "SecretId"));
            String id = versionId(request);
            Version version = secret.versions.get(id);
            if (version != null && !version.sameValue(string, binary)) {
                throw new ServiceException(400, "ResourceExistsException",
                        "You can't modify an existing version, you can only create a new version.");
            }
            if (version == null) {
                Instant now = Instant.now();
                if (stages.contains(AWSCURRENT)) {
                    secret.versions.values().forEach(v -> v.stages().remove(AWSPREVIOUS));
                    secret.byStage(AWSCURRENT).ifPresent(v -> {
                        v.stages().remove(AWSCURRENT);
                        v.stages().add(AWSPREVIOUS);
                    });
                }
                for (String stage : stages) {
                    secret.versions.values().forEach(v -> v.stages().remove(stage));
                }
                version = new Version(id, string, binary, now, new LinkedHashSet<>(stages));
                secret.versions.put(id, version);
                secret.lastChanged = now;
            }
            ObjectNode response = JSON.createObjectNode();
            response.put("ARN", secret.arn);
            response.put("Name", secret.name);
            response.put("VersionId", version.id());
            ArrayNode labels = response.putArray("VersionStages");
            version.stages().forEach(labels::add);
            return response;
        }
    }

    private JsonNode describeSecret(JsonNode request) {
        synchronized (monitor) {
            return describe(existing(text(request, "SecretId")), "VersionIdsToStages");
        }
    }

    private JsonNode getRandomPassword(JsonNode request) {
        int length = request.hasNonNull("PasswordLength") ? request.get("PasswordLength").asInt() : 32;
        String password;
        try {
            password = RandomPasswords.generate(length, text(request, "ExcludeCharacters"),
                    request.path("ExcludeNumbers").asBoolean(false), request.path("ExcludePunctuation").asBoolean(false),
                    request.path("ExcludeUppercase").asBoolean(false), request.path("ExcludeLowercase").asBoolean(false),
                    request.path("IncludeSpace").asBoolean(false), request.path("RequireEachIncludedType").asBoolean(true));
        } catch (IllegalArgumentException e) {
            throw invalidParameter(e.getMessage());
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("RandomPassword", password);
        return response;
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    private ObjectNode describe(Secret secret, String versionsField) {
        ObjectNode node = JSON.createObjectNode();
        node.put("ARN", secret.arn);
        node.put("Name", secret.name);
        if (secret.description != null) {
            node.put("Description", secret.description);
        }
        if (secret.kmsKeyId != null) {
            node.put("KmsKeyId", secret.kmsKeyId);
        }
        node.put("RotationEnabled", false);
        node.put("LastChangedDate", epochSeconds(secret.lastChanged));
        if (secret.lastAccessed != null) {
            node.put("LastAccessedDate", epochSeconds(secret.lastAccessed));
        }
        if (!secret.tags.isEmpty()) {
            ArrayNode tags = node.putArray("Tags");
            secret.tags.forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
        }
        ObjectNode versions = node.putObject(versionsField);
        secret.versions.values().stream().filter(v -> !v.stages().isEmpty()).forEach(v -> {
            ArrayNode stages = versions.putArray(v.id());
            v.stages().forEach(stages::add);
        });
        node.put("CreatedDate", epochSeconds(secret.created));
        return node;
    }

    /** The secret by name, full ARN or partial ARN; the caller holds the monitor. */
    private Optional<Secret> find(String secretId) {
        if (secretId == null || secretId.isEmpty()) {
            return Optional.empty();
        }
        String partialPrefix = "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:";
        for (Secret secret : secrets.values()) {
            if (secret.arn.equals(secretId) || secret.name.equals(secretId)
                    || (secretId.startsWith(partialPrefix) && secret.name.equals(secretId.substring(partialPrefix.length())))) {
                return Optional.of(secret);
            }
        }
        return Optional.empty();
    }

    private Secret existing(String secretId) {
        if (secretId == null || secretId.isEmpty()) {
            throw invalidParameter("You must specify a SecretId.");
        }
        return find(secretId).orElseThrow(() -> notFound("Secrets Manager can't find the specified secret."));
    }

    private String newArn(String name) {
        int incarnation = 1; // kept in the digest so that the ARNs are those of earlier versions
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((region + "|" + accountId + "|" + name + "|" + incarnation)
                    .getBytes(StandardCharsets.UTF_8));
            StringBuilder suffix = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                suffix.append(SUFFIX_ALPHABET.charAt(Math.floorMod(digest[i], SUFFIX_ALPHABET.length())));
            }
            return "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + name + "-" + suffix;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String versionId(JsonNode request) {
        String token = text(request, "ClientRequestToken");
        if (token == null) {
            return UUID.randomUUID().toString();
        }
        if (token.length() < 32 || token.length() > 64) {
            throw invalidParameter("ClientRequestToken must be 32 to 64 characters long.");
        }
        return token;
    }

    private static byte[] binary(JsonNode request) {
        String value = text(request, "SecretBinary");
        if (value == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new ServiceException(400, "SerializationException", "SecretBinary is not base64");
        }
    }

    private static ServiceException notFound(String message) {
        return new ServiceException(400, "ResourceNotFoundException", message);
    }

    private static ServiceException invalidParameter(String message) {
        return new ServiceException(400, "InvalidParameterException", message);
    }

    @Override
    public String toString() {
        synchronized (monitor) {
            return "SecretsManagerServer[" + endpoint() + ", secrets " + secrets.keySet() + "]";
        }
    }
}
