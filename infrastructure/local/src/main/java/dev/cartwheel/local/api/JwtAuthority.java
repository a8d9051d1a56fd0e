package dev.cartwheel.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The local identity provider: an RSA key generated once per machine (kept in the local cloud's home directory so
 * that {@code token} and {@code up} agree), RS256 access tokens signed with it, its JWKS, and the verification
 * API Gateway's JWT authorizer performs (signature, iss, aud or client_id, exp, nbf).
 */
public final class JwtAuthority {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final RSAPrivateCrtKey privateKey;
    private final RSAPublicKey publicKey;
    private final String kid;

    private JwtAuthority(RSAPrivateCrtKey privateKey) throws GeneralSecurityException {
        this.privateKey = privateKey;
        this.publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
        this.kid = B64.encodeToString(digest).substring(0, 16);
    }

    /** Loads the key from {@code keyFile}, creating it (mode 600) on first use. */
    public static JwtAuthority loadOrCreate(Path keyFile) throws IOException {
        try {
            if (Files.exists(keyFile)) {
                String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
                return new JwtAuthority((RSAPrivateCrtKey) key);
            }
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(keyFile.toAbsolutePath().getParent(), "key", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX
            }
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(tmp, pem);
            try {
                Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                if (!Files.exists(keyFile)) {
                    throw e;
                }
            }
            return loadOrCreate(keyFile);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the local signing key " + keyFile, e);
        }
    }

    /** A throw-away authority (tests of foreign keys). */
    public static JwtAuthority ephemeral() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            return new JwtAuthority((RSAPrivateCrtKey) gen.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String kid() {
        return kid;
    }

    /** A dev access token as a Cognito-style authorization server would issue it. */
    public String issue(String issuer, String audience, String subject, String email, String scope, long ttlSeconds) {
        return issue(issuer, audience, subject, email, scope, List.of(), ttlSeconds);
    }

    /**
     * A dev access token whose {@code cognito:groups} claim lists {@code groups} (none: no claim), as Cognito puts a
     * user's groups in its tokens.
     */
    public String issue(String issuer, String audience, String subject, String email, String scope, List<String> groups,
                        long ttlSeconds) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", subject);
        if (email != null && !email.isBlank()) {
            claims.put("email", email);
        }
        if (scope != null && !scope.isBlank()) {
            claims.put("scope", scope);
        }
        if (groups != null && !groups.isEmpty()) {
            claims.put("cognito:groups", List.copyOf(groups));
        }
        claims.put("token_use", "access");
        claims.put("iat", now);
        claims.put("nbf", now - 5);
        claims.put("exp", now + ttlSeconds);
        claims.put("jti", UUID.randomUUID().toString());
        return sign(claims);
    }

    public String sign(Map<String, Object> claims) {
        try {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("alg", "RS256");
            header.put("typ", "JWT");
            header.put("kid", kid);
            String signingInput = B64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(privateKey);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(s.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON Web Key Set served at the issuer's jwks_uri. */
    public ObjectNode jwks() {
        ObjectNode key = JSON.createObjectNode();
        key.put("kty", "RSA");
        key.put("alg", "RS256");
        key.put("use", "sig");
        key.put("kid", kid);
        key.put("n", B64.encodeToString(unsigned(publicKey.getModulus())));
        key.put("e", B64.encodeToString(unsigned(publicKey.getPublicExponent())));
        ObjectNode set = JSON.createObjectNode();
        set.putArray("keys").add(key);
        return set;
    }

    private static byte[] unsigned(BigInteger i) {
        byte[] b = i.toByteArray();
        return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    /** Outcome of the authorizer: the claims, or why the token was refused. */
    public record Verification(ObjectNode claims, String error) {
        public boolean valid() {
            return error == null;
        }

        /** The scopes the token carries (the {@code scope} or {@code scp} claim). */
        public List<String> scopes() {
            List<String> out = new ArrayList<>();
            JsonNode scope = claims.get("scope");
            if (scope == null) {
                scope = claims.get("scp");
            }
            if (scope != null && scope.isTextual()) {
                for (String s : scope.asText().trim().split("\\s+")) {
                    if (!s.isEmpty()) {
                        out.add(s);
                    }
                }
            } else if (scope != null && scope.isArray()) {
                scope.forEach(s -> out.add(s.asText()));
            }
            return out;
        }
    }

    /** Verifies a token the way API Gateway's JWT authorizer does. */
    public Verification verify(String token, String issuer, List<String> audiences, Instant now) {
        if (token == null || token.isBlank()) {
            return new Verification(null, "missing token");
        }
        String t = token.trim();
        if (t.regionMatches(true, 0, "Bearer ", 0, 7)) {
            t = t.substring(7).trim();
        }
        String[] parts = t.split("\\.", -1);
        if (parts.length != 3) {
            return new Verification(null, "malformed token");
        }
        try {
            JsonNode header = JSON.readTree(B64D.decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return new Verification(null, "unsupported alg " + header.path("alg").asText());
            }
            if (header.has("kid") && !kid.equals(header.get("kid").asText())) {
                return new Verification(null, "unknown kid");
            }
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(publicKey);
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(B64D.decode(parts[2]))) {
                return new Verification(null, "invalid signature");
            }
            JsonNode claims = JSON.readTree(B64D.decode(parts[1]));
            if (!(claims instanceof ObjectNode obj)) {
                return new Verification(null, "claims are not an object");
            }
            if (!issuer.equals(obj.path("iss").asText(null))) {
                return new Verification(null, "invalid issuer");
            }
            boolean audOk = false;
            JsonNode aud = obj.get("aud");
            if (aud != null && aud.isArray()) {
                for (JsonNode a : aud) {
                    audOk |= audiences.contains(a.asText());
                }
            } else if (aud != null) {
                audOk = audiences.contains(aud.asText());
            }
            JsonNode clientId = obj.get("client_id");
            if (!audOk && aud == null && clientId != null) {
                audOk = audiences.contains(clientId.asText());
            }
            if (!audOk) {
                return new Verification(null, "invalid audience");
            }
            long epoch = now.getEpochSecond();
            if (!obj.has("exp") || !obj.get("exp").canConvertToLong()) {
                return new Verification(null, "missing exp");
            }
            if (obj.get("exp").asLong() <= epoch) {
                return new Verification(null, "token expired");
            }
            if (obj.has("nbf") && obj.get("nbf").asLong() > epoch) {
                return new Verification(null, "token not yet valid");
            }
            if (obj.has("iat") && obj.get("iat").asLong() > epoch + 300) {
                return new Verification(null, "token issued in the future");
            }
            return new Verification(obj, null);
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            return new Verification(null, "malformed token");
        }
    }
}
