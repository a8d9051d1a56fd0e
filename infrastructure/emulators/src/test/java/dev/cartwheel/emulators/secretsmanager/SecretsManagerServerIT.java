package dev.cartwheel.emulators.secretsmanager;

import static dev.cartwheel.emulators.SharedEmulators.SECRETS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidParameterException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import dev.cartwheel.emulators.SharedEmulators;
import dev.cartwheel.emulators.server.AwsJsonServer;

/** The Secrets Manager server with the real SecretsManagerClient (JSON 1.1 protocol). */
class SecretsManagerServerIT {

    private final SecretsManagerServer server = SharedEmulators.EMULATORS.secretsManager();

    private static String freshName() {
        return "cartwheel/" + SharedEmulators.freshPrefix() + "-webhook";
    }

    @Test
    void aCreatedSecretIsReadBackByNameArnAndPartialArn() {
        // GIVEN a secret created with a value
        String name = freshName();
        var created = SECRETS.createSecret(r -> r.name(name).description("signing secret").secretString("whsec_1"));

        // THEN it has Secrets Manager's ARN (name, a hyphen and six characters) and a first version
        assertThat(created.name()).isEqualTo(name);
        assertThat(created.arn()).matches("arn:aws:secretsmanager:us-east-1:000000000000:secret:" + name.replace("/", "\\/")
                + "-[A-Za-z0-9]{6}");
        assertThat(created.versionId()).isNotBlank();
        assertThat(server.arn(name)).contains(created.arn());

        // AND GetSecretValue finds it by name, ARN and ARN without the suffix, with the AWSCURRENT version
        for (String id : List.of(name, created.arn(), "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + name)) {
            GetSecretValueResponse value = SECRETS.getSecretValue(r -> r.secretId(id));
            assertThat(value.secretString()).as(id).isEqualTo("whsec_1");
            assertThat(value.arn()).isEqualTo(created.arn());
            assertThat(value.name()).isEqualTo(name);
            assertThat(value.versionId()).isEqualTo(created.versionId());
            assertThat(value.versionStages()).containsExactly("AWSCURRENT");
            assertThat(value.createdDate()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        }
        assertThat(server.secretString(created.arn())).contains("whsec_1");

        // AND DescribeSecret tells its metadata, never its value
        DescribeSecretResponse described = SECRETS.describeSecret(r -> r.secretId(created.arn()));
        assertThat(described.name()).isEqualTo(name);
        assertThat(described.description()).isEqualTo("signing secret");
        assertThat(described.versionIdsToStages()).containsOnlyKeys(created.versionId());
        assertThat(described.createdDate()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        assertThat(described.lastAccessedDate()).isNotNull();
        assertThat(described.deletedDate()).isNull();
    }

    @Test
    void unknownSecretsAndVersionsAreResourceNotFoundAsTheSdkMapsThem() {
        String name = freshName();
        assertThatThrownBy(() -> SECRETS.getSecretValue(r -> r.secretId(name)))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Secrets Manager can't find the specified secret.");
                    assertThat(e.requestId()).isNotBlank();
                });
        assertThatThrownBy(() -> SECRETS.describeSecret(r -> r.secretId("arn:aws:secretsmanager:us-east-1:000000000000:secret:"
                + name + "-AbCdEf"))).isInstanceOf(ResourceNotFoundException.class);

        // a secret without a value has no AWSCURRENT version
        SECRETS.createSecret(r -> r.name(name));
        assertThatThrownBy(() -> SECRETS.getSecretValue(r -> r.secretId(name)))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("staging label: AWSCURRENT");
        assertThatThrownBy(() -> SECRETS.getSecretValue(r -> r.secretId(name).versionId("0123456789abcdef0123456789abcdef")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("VersionId");
    }

    @Test
    void putSecretValueMakesANewCurrentVersionAndKeepsThePreviousOne() {
        // GIVEN a secret
        String name = freshName();
        String first = SECRETS.createSecret(r -> r.name(name).secretString("old")).versionId();

        // WHEN a new value is put (a rotation)
        var put = SECRETS.putSecretValue(r -> r.secretId(name).secretString("new"));

        // THEN it is AWSCURRENT and the old one AWSPREVIOUS
        assertThat(put.versionStages()).containsExactly("AWSCURRENT");
        assertThat(put.versionId()).isNotEqualTo(first);
        assertThat(SECRETS.getSecretValue(r -> r.secretId(name)).secretString()).isEqualTo("new");
        assertThat(SECRETS.getSecretValue(r -> r.secretId(name).versionStage("AWSPREVIOUS")).secretString()).isEqualTo("old");
        assertThat(SECRETS.getSecretValue(r -> r.secretId(name).versionId(first)).secretString()).isEqualTo("old");
        assertThat(SECRETS.describeSecret(r -> r.secretId(name)).versionIdsToStages())
                .containsEntry(first, List.of("AWSPREVIOUS")).containsEntry(put.versionId(), List.of("AWSCURRENT"));

        // AND a third value drops the oldest one's label
        String third = SECRETS.putSecretValue(r -> r.secretId(name).secretBinary(SdkBytes.fromUtf8String("bin"))).versionId();
        assertThat(SECRETS.getSecretValue(r -> r.secretId(name)).secretBinary().asUtf8String()).isEqualTo("bin");
        assertThat(SECRETS.describeSecret(r -> r.secretId(name)).versionIdsToStages())
                .containsOnlyKeys(put.versionId(), third);

        // AND the same ClientRequestToken is idempotent with the same value, refused with another
        String token = "11111111-2222-3333-4444-" + SharedEmulators.freshPrefix().substring(1) + "abcd";
        String once = SECRETS.putSecretValue(r -> r.secretId(name).clientRequestToken(token).secretString("v4")).versionId();
        assertThat(SECRETS.putSecretValue(r -> r.secretId(name).clientRequestToken(token).secretString("v4")).versionId())
                .isEqualTo(once).isEqualTo(token);
        assertThatThrownBy(() -> SECRETS.putSecretValue(r -> r.secretId(name).clientRequestToken(token).secretString("v5")))
                .isInstanceOf(ResourceExistsException.class);
        assertThatThrownBy(() -> SECRETS.putSecretValue(r -> r.secretId("nobody-" + name).secretString("x")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void namesAreUniqueAndValidated() {
        String name = freshName();
        SECRETS.createSecret(r -> r.name(name).secretString("x"));
        assertThatThrownBy(() -> SECRETS.createSecret(r -> r.name(name).secretString("y")))
                .isInstanceOf(ResourceExistsException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> SECRETS.createSecret(r -> r.name("no spaces please").secretString("y")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> SECRETS.createSecret(r -> r.name(freshName()).secretString("y")
                .secretBinary(SdkBytes.fromUtf8String("z")))).isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void getRandomPasswordHonoursItsOptions() {
        String password = SECRETS.getRandomPassword(r -> r.passwordLength(48L).excludePunctuation(true)).randomPassword();
        assertThat(password).hasSize(48).matches("[A-Za-z0-9]+").matches(".*[A-Z].*").matches(".*[a-z].*").matches(".*[0-9].*");
        assertThat(SECRETS.getRandomPassword(r -> { }).randomPassword()).hasSize(32);
        String narrow = SECRETS.getRandomPassword(r -> r.passwordLength(200L).excludeCharacters("abcABC012")
                .excludeUppercase(true).includeSpace(true)).randomPassword();
        assertThat(narrow).hasSize(200).doesNotContainPattern("[A-Zabc012]").contains(" ");
        assertThatThrownBy(() -> SECRETS.getRandomPassword(r -> r.passwordLength(0L))).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> SECRETS.getRandomPassword(r -> r.excludeLowercase(true).excludeUppercase(true)
                .excludeNumbers(true).excludePunctuation(true))).isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void anythingElseIsAnUnknownOperationInTheJsonProtocol() throws Exception {
        for (Runnable unimplemented : List.<Runnable>of(() -> SECRETS.rotateSecret(r -> r.secretId("x")),
                () -> SECRETS.listSecrets(r -> { }), () -> SECRETS.deleteSecret(r -> r.secretId("x")))) {
            assertThatThrownBy(unimplemented::run).isInstanceOfSatisfying(SecretsManagerException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException"));
        }
        HttpResponse<String> notJson = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.endpoint())
                .header("X-Amz-Target", "secretsmanager.GetSecretValue").header("Content-Type", AwsJsonServer.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString("{nope")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.headers().firstValue("x-amzn-ErrorType")).contains("SerializationException");
        JsonNode body = new ObjectMapper().readTree(notJson.body());
        assertThat(body.path("__type").asText()).isEqualTo("SerializationException");
        HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/x"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(404);
    }
}
