package dev.cartwheel.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local identity provider: the tokens it issues (header, claims), its JWKS and key file, and the authorizer's
 * verdicts with the error descriptions API Gateway's clients see. No network; the key file in a temporary directory.
 */
class JwtAuthorityTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ISSUER = "http://127.0.0.1:3000/_local/issuer";
    static final JwtAuthority AUTHORITY = JwtAuthority.ephemeral();

    static JsonNode part(String token, int index) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[index]));
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, Object> claims(String iss, Object aud, long nbf, long exp) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", "mallory");
        c.put("iss", iss);
        if (aud != null) {
            c.put("aud", aud);
        }
        c.put("nbf", nbf);
        c.put("exp", exp);
        return c;
    }

    @Test
    void issue_signsAnRs256AccessTokenWithCognitosClaims_thatVerifies() throws Exception {
        // WHEN
        String token = AUTHORITY.issue(ISSUER, "cartwheel", "alice", "alice@example.com", "orders/read orders/write",
                List.of("cartwheel-admin"), 3600);
        // THEN the header names the key
        JsonNode header = part(token, 0);
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("typ").asText()).isEqualTo("JWT");
        assertThat(header.path("kid").asText()).isEqualTo(AUTHORITY.kid());
        // AND the claims are Cognito's access token's, aud a single string, times in epoch seconds
        JsonNode claims = part(token, 1);
        assertThat(claims.path("iss").asText()).isEqualTo(ISSUER);
        assertThat(claims.path("aud").isTextual()).isTrue();
        assertThat(claims.path("aud").asText()).isEqualTo("cartwheel");
        assertThat(claims.path("sub").asText()).isEqualTo("alice");
        assertThat(claims.path("email").asText()).isEqualTo("alice@example.com");
        assertThat(claims.path("scope").asText()).isEqualTo("orders/read orders/write");
        assertThat(claims.path("cognito:groups")).hasSize(1);
        assertThat(claims.path("cognito:groups").get(0).asText()).isEqualTo("cartwheel-admin");
        assertThat(claims.path("token_use").asText()).isEqualTo("access");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);
        assertThat(claims.path("iat").asLong() - claims.path("nbf").asLong()).isEqualTo(5);
        assertThat(claims.path("jti").asText()).matches("[0-9a-f-]{36}");
        // AND the authorizer accepts it, with its scopes
        JwtAuthority.Verification v = AUTHORITY.verify("Bearer " + token, ISSUER, List.of("cartwheel"), Instant.now());
        assertThat(v.error()).isNull();
        assertThat(v.valid()).isTrue();
        assertThat(v.scopes()).containsExactly("orders/read", "orders/write");
        assertThat(v.claims().path("sub").asText()).isEqualTo("alice");
    }

    @Test
    void issue_leavesOutBlankEmailScopeAndGroups() throws Exception {
        JsonNode claims = part(AUTHORITY.issue(ISSUER, "cartwheel", "bob", " ", null, 60), 1);
        assertThat(claims.has("email")).isFalse();
        assertThat(claims.has("scope")).isFalse();
        assertThat(claims.has("cognito:groups")).isFalse();
    }

    @Test
    void verify_refusesEachBadTokenWithTheDescriptionApiGatewaysClientsSee() throws Exception {
        long now = Instant.now().getEpochSecond();
        String good = AUTHORITY.sign(claims(ISSUER, "cartwheel", now - 5, now + 3600));
        String[] parts = good.split("\\.");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put(null, "missing token");
        refused.put("  ", "missing token");
        refused.put("not.a.jwt", "malformed token");
        refused.put("only.two", "malformed token");
        refused.put(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".", "unsupported alg none");
        refused.put(b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2], "unsupported alg HS256");
        refused.put(b64("{\"alg\":\"RS256\",\"kid\":\"someone-elses\"}") + "." + parts[1] + "." + parts[2], "unknown kid");
        refused.put(parts[0] + "." + b64("{\"sub\":\"alice\",\"iss\":\"" + ISSUER + "\",\"aud\":\"cartwheel\",\"exp\":"
                + (now + 3600) + "}") + "." + parts[2], "invalid signature");
        refused.put(JwtAuthority.ephemeral().sign(claims(ISSUER, "cartwheel", now, now + 3600)), "unknown kid");
        refused.put(AUTHORITY.sign(claims("https://evil.example", "cartwheel", now, now + 3600)), "invalid issuer");
        refused.put(AUTHORITY.sign(claims(ISSUER, "someone-else", now, now + 3600)), "invalid audience");
        refused.put(AUTHORITY.sign(claims(ISSUER, null, now, now + 3600)), "invalid audience");
        refused.put(AUTHORITY.sign(claims(ISSUER, "cartwheel", now - 3600, now - 1)), "token expired");
        refused.put(AUTHORITY.sign(claims(ISSUER, "cartwheel", now + 600, now + 3600)), "token not yet valid");
        Map<String, Object> noExp = claims(ISSUER, "cartwheel", now, now);
        noExp.remove("exp");
        refused.put(AUTHORITY.sign(noExp), "missing exp");
        Map<String, Object> future = claims(ISSUER, "cartwheel", now, now + 3600);
        future.put("iat", now + 3600);
        refused.put(AUTHORITY.sign(future), "token issued in the future");

        refused.forEach((token, error) -> {
            JwtAuthority.Verification v = AUTHORITY.verify(token, ISSUER, List.of("cartwheel"), Instant.ofEpochSecond(now));
            assertThat(v.valid()).as(error).isFalse();
            assertThat(v.error()).as(String.valueOf(token)).isEqualTo(error);
            assertThat(v.claims()).isNull();
        });
    }

    @Test
    void verify_acceptsAnAudienceList_orAClientIdWithoutAud_andReadsScpLists() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> list = claims(ISSUER, List.of("other", "cartwheel"), now, now + 60);
        list.put("scp", List.of("orders/read"));
        Map<String, Object> clientId = claims(ISSUER, null, now, now + 60);
        clientId.put("client_id", "cartwheel");

        JwtAuthority.Verification byList = AUTHORITY.verify(AUTHORITY.sign(list), ISSUER, List.of("cartwheel"), Instant.now());
        JwtAuthority.Verification byClientId = AUTHORITY.verify(AUTHORITY.sign(clientId), ISSUER, List.of("cartwheel"), Instant.now());

        assertThat(byList.error()).isNull();
        assertThat(byList.scopes()).containsExactly("orders/read");
        assertThat(byClientId.error()).isNull();
    }

    @Test
    void jwks_publishesThePublicKey_whoseKidIsTheFirst16CharactersOfItsSha256() throws Exception {
        // WHEN
        JsonNode key = AUTHORITY.jwks().path("keys").get(0);
        // THEN
        assertThat(AUTHORITY.jwks().path("keys")).hasSize(1);
        assertThat(key.path("kty").asText()).isEqualTo("RSA");
        assertThat(key.path("alg").asText()).isEqualTo("RS256");
        assertThat(key.path("use").asText()).isEqualTo("sig");
        assertThat(key.path("kid").asText()).isEqualTo(AUTHORITY.kid());
        assertThat(key.has("d")).as("no private part").isFalse();
        // AND the kid is what earlier versions computed, so tokens they issued with the same key file still verify
        BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(key.path("n").asText()));
        BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(key.path("e").asText()));
        byte[] encoded = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)).getEncoded();
        String kid = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(encoded))
                .substring(0, 16);
        assertThat(AUTHORITY.kid()).isEqualTo(kid);
    }

    @Test
    void loadOrCreate_writesAPrivateKeyFileOnce_andLoadsTheSameKeyFromIt(@TempDir Path home) throws Exception {
        // GIVEN no key file
        Path file = home.resolve("keys/jwt-signing-key.pem");
        // WHEN the authority is loaded twice
        JwtAuthority first = JwtAuthority.loadOrCreate(file);
        String pem = Files.readString(file);
        JwtAuthority second = JwtAuthority.loadOrCreate(file);
        // THEN the file is a PKCS#8 PEM, readable by its owner only, unchanged by the second load
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo(pem);
        // AND both are the same key: one verifies what the other signed
        assertThat(second.kid()).isEqualTo(first.kid());
        String token = first.issue(ISSUER, "cartwheel", "alice", null, "orders/read", 60);
        assertThat(second.verify(token, ISSUER, List.of("cartwheel"), Instant.now()).error()).isNull();
    }
}
