package dev.cartwheel.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The local identity provider: an RSA key generated once per machine (kept in the local cloud's home directory so
 * that {@code token} and {@code up} agree), RS256 access tokens signed with it, its JWKS, and the verification
 * API Gateway's JWT authorizer performs (signature, iss, aud or client_id, exp, nbf).
 *
 * <p>The JOSE work (JWS header and serialisation, RS256 signing and verification, the JWK set) is nimbus-jose-jwt's;
 * what stays here is the key file and API Gateway's rules for the claims, with the error descriptions it puts in
 * {@code WWW-Authenticate}.
 */
public final class JwtAuthority {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RSAPrivateCrtKey privateKey;
    private final RSAPublicKey publicKey;
    private final String kid;
    private final RSASSASigner signer;
    private final RSASSAVerifier verifier;

    private JwtAuthority(RSAPrivateCrtKey privateKey) throws GeneralSecurityException {
        this.privateKey = privateKey;
        this.publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        // the key id of earlier versions (the first 16 characters of the public key's SHA-256), so tokens issued
        // before still name this key
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
        this.kid = Base64URL.encode(digest).toString().substring(0, 16);
        this.signer = new RSASSASigner(privateKey);
        this.verifier = new RSASSAVerifier(publicKey);
    }

    /** Loads the key from {@code keyFile}, creating it (mode 600) on first use. */
    public static JwtAuthority loadOrCreate(Path keyFile) throws IOException {
        try {
            if (Files.exists(keyFile)) {
                String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
                return new JwtAuthority((RSAPrivateCrtKey) key);
            }
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(keyFile.toAbsolutePath().getParent(), "key", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX
            }
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(newKey().getEncoded())
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
            return new JwtAuthority(newKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAPrivateCrtKey newKey() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        return (RSAPrivateCrtKey) gen.generateKeyPair().getPrivate();
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
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject);
        if (email != null && !email.isBlank()) {
            claims.claim("email", email);
        }
        if (scope != null && !scope.isBlank()) {
            claims.claim("scope", scope);
        }
        if (groups != null && !groups.isEmpty()) {
            claims.claim("cognito:groups", List.copyOf(groups));
        }
        claims.claim("token_use", "access")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(ttlSeconds)))
                .jwtID(UUID.randomUUID().toString());
        SignedJWT jwt = new SignedJWT(header(), claims.build());
        return signed(jwt);
    }

    /** A token with exactly these claims, signed with this authority's key (tests build odd tokens with it). */
    public String sign(Map<String, Object> claims) {
        try {
            return signed(new JWSObject(header(), new Payload(JSON.writeValueAsString(claims))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JWSHeader header() {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build();
    }

    private String signed(JWSObject jws) {
        try {
            jws.sign(signer);
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the local key", e);
        }
    }

    /** The JSON Web Key Set served at the issuer's jwks_uri. */
    public ObjectNode jwks() {
        RSAKey key = new RSAKey.Builder(publicKey).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).keyID(kid).build();
        return JSON.valueToTree(new JWKSet(key).toJSONObject());
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

    private static Verification refused(String error) {
        return new Verification(null, error);
    }

    /** Verifies a token the way API Gateway's JWT authorizer does. */
    public Verification verify(String token, String issuer, List<String> audiences, Instant now) {
        if (token == null || token.isBlank()) {
            return refused("missing token");
        }
        String t = token.trim();
        if (t.regionMatches(true, 0, "Bearer ", 0, 7)) {
            t = t.substring(7).trim();
        }
        String[] parts = t.split("\\.", -1);
        if (parts.length != 3) {
            return refused("malformed token");
        }
        try {
            Header header = Header.parse(new Base64URL(parts[0]));
            if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
                return refused("unsupported alg " + header.getAlgorithm().getName());
            }
            String keyId = ((JWSHeader) header).getKeyID();
            if (keyId != null && !kid.equals(keyId)) {
                return refused("unknown kid");
            }
            JWSObject jws = JWSObject.parse(t);
            if (!jws.verify(verifier)) {
                return refused("invalid signature");
            }
            JsonNode claims = JSON.readTree(jws.getPayload().toBytes());
            if (!(claims instanceof ObjectNode obj)) {
                return refused("claims are not an object");
            }
            return checkClaims(obj, issuer, audiences, now);
        } catch (ParseException | JOSEException | IOException | IllegalArgumentException | ClassCastException e) {
            return refused("malformed token");
        }
    }

    /** API Gateway's checks of a verified token's claims: iss, aud (or client_id without aud), exp, nbf, iat. */
    private static Verification checkClaims(ObjectNode claims, String issuer, List<String> audiences, Instant now) {
        if (!issuer.equals(claims.path("iss").asText(null))) {
            return refused("invalid issuer");
        }
        boolean audOk = false;
        JsonNode aud = claims.get("aud");
        if (aud != null && aud.isArray()) {
            for (JsonNode a : aud) {
                audOk |= audiences.contains(a.asText());
            }
        } else if (aud != null) {
            audOk = audiences.contains(aud.asText());
        }
        JsonNode clientId = claims.get("client_id");
        if (!audOk && aud == null && clientId != null) {
            audOk = audiences.contains(clientId.asText());
        }
        if (!audOk) {
            return refused("invalid audience");
        }
        long epoch = now.getEpochSecond();
        if (!claims.has("exp") || !claims.get("exp").canConvertToLong()) {
            return refused("missing exp");
        }
        if (claims.get("exp").asLong() <= epoch) {
            return refused("token expired");
        }
        if (claims.has("nbf") && claims.get("nbf").asLong() > epoch) {
            return refused("token not yet valid");
        }
        if (claims.has("iat") && claims.get("iat").asLong() > epoch + 300) {
            return refused("token issued in the future");
        }
        return new Verification(claims, null);
    }
}
