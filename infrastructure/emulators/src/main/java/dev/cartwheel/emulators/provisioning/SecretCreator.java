package dev.cartwheel.emulators.provisioning;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetRandomPasswordRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.TemplateException;
import dev.cartwheel.emulators.template.Yamls;

/**
 * {@code AWS::SecretsManager::Secret} with its SecretString, or with GenerateSecretString a password made by
 * {@code GetRandomPassword} with its options (PasswordLength, ExcludeCharacters, ExcludePunctuation, ...), put under
 * GenerateStringKey in SecretStringTemplate when those are given. {@code Ref} (as {@code GetAtt Id}) gives its ARN, as
 * in CloudFormation. A secret that exists already (an endpoint that outlives the stack) keeps its value.
 */
final class SecretCreator implements ResourceCreator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretsManagerClient secretsManager;

    SecretCreator(SecretsManagerClient secretsManager) {
        this.secretsManager = secretsManager;
    }

    @Override
    public Optional<PhysicalResource> create(String logicalId, Map<String, Object> props, String prefix) {
        String name = ResourceCreator.name(props, "Name", prefix, logicalId);
        Object given = props.get("SecretString");
        Object generate = props.get("GenerateSecretString");
        if (given != null && generate != null) {
            throw new TemplateException(logicalId + ": SecretString and GenerateSecretString cannot both be given");
        }
        if (given == null && generate == null) {
            throw new TemplateException(logicalId + ": AWS::SecretsManager::Secret needs SecretString or GenerateSecretString");
        }
        String value = given != null ? Yamls.stringify(given)
                : generatedSecretString(logicalId, Yamls.asMap(generate, logicalId + ".GenerateSecretString"));
        List<Tag> tags = Yamls.mapList(props.get("Tags"), logicalId + ".Tags").stream()
                .map(t -> Tag.builder().key(Yamls.stringify(t.get("Key"))).value(Yamls.stringify(t.get("Value"))).build())
                .toList();
        String arn;
        try {
            arn = secretsManager.createSecret(r -> r.name(name).secretString(value)
                    .description(ResourceCreator.optional(props, "Description"))
                    .kmsKeyId(ResourceCreator.optional(props, "KmsKeyId"))
                    .tags(tags.isEmpty() ? null : tags))
                    .arn();
        } catch (ResourceExistsException alreadyThere) {
            // an endpoint that outlives the stack (e.g. a running LocalStack given to the local cloud): keep its value
            arn = secretsManager.describeSecret(r -> r.secretId(name)).arn();
        }
        return Optional.of(new PhysicalResource(logicalId, SamTemplate.SECRETS_MANAGER_SECRET, name, null, arn, arn,
                Map.of("Id", arn)));
    }

    /** What CloudFormation stores for GenerateSecretString: a GetRandomPassword password, alone or in the template. */
    private String generatedSecretString(String logicalId, Map<String, Object> generate) {
        String where = logicalId + ".GenerateSecretString";
        GetRandomPasswordRequest.Builder request = GetRandomPasswordRequest.builder();
        if (generate.get("PasswordLength") != null) {
            request.passwordLength((long) Yamls.toInt(generate.get("PasswordLength"), where + ".PasswordLength"));
        }
        if (generate.get("ExcludeCharacters") != null) {
            request.excludeCharacters(Yamls.stringify(generate.get("ExcludeCharacters")));
        }
        request.excludeNumbers(flag(generate, "ExcludeNumbers", where))
                .excludePunctuation(flag(generate, "ExcludePunctuation", where))
                .excludeUppercase(flag(generate, "ExcludeUppercase", where))
                .excludeLowercase(flag(generate, "ExcludeLowercase", where))
                .includeSpace(flag(generate, "IncludeSpace", where));
        if (generate.get("RequireEachIncludedType") != null) {
            request.requireEachIncludedType(flag(generate, "RequireEachIncludedType", where));
        }
        String password = secretsManager.getRandomPassword(request.build()).randomPassword();
        Object template = generate.get("SecretStringTemplate");
        Object key = generate.get("GenerateStringKey");
        if (template == null && key == null) {
            return password;
        }
        if (template == null || key == null) {
            throw new TemplateException(where + ": SecretStringTemplate and GenerateStringKey go together");
        }
        try {
            JsonNode parsed = JSON.readTree(Yamls.stringify(template));
            if (!(parsed instanceof ObjectNode object)) {
                throw new TemplateException(where + ".SecretStringTemplate is not a JSON object: " + template);
            }
            object.put(Yamls.stringify(key), password);
            return JSON.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new TemplateException(where + ".SecretStringTemplate is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A boolean option, or {@code null} (the API's default) when absent. */
    private static Boolean flag(Map<String, Object> props, String name, String where) {
        return props.get(name) == null ? null : Yamls.toBoolean(props.get(name), where + "." + name);
    }
}
