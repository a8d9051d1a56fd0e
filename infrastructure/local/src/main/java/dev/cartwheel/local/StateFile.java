package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.emulators.Endpoints;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.local.lambda.FunctionSpec;
import dev.cartwheel.local.lambda.LambdaEnvironment;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state file a running local cloud keeps in its home directory ({@code state-<port>.json}: its process, API,
 * endpoints, region, template and each function's resolved environment), so that another command
 * ({@code invoke}) can find it and run a function against the same tables and queues.
 */
final class StateFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StateFile() {
    }

    /** Writes the state of the cloud serving {@code api} on {@code port}; returns the file, to delete on close. */
    static Path write(Path home, int port, URI api, Endpoints endpoints, Path template, List<FunctionSpec> functions)
            throws IOException {
        ObjectNode state = JSON.createObjectNode();
        state.put("pid", ProcessHandle.current().pid());
        state.put("api", api.toString());
        state.put("dynamodb", endpoints.dynamoDb().toString());
        state.put("sqs", endpoints.sqs().toString());
        state.put("ses", endpoints.ses().toString());
        state.put("eventbridge", endpoints.eventBridge().toString());
        state.put("secretsmanager", endpoints.secretsManager().toString());
        state.put("region", endpoints.region());
        state.put("template", template.toAbsolutePath().toString());
        ObjectNode fns = state.putObject("functions");
        for (FunctionSpec f : functions) {
            ObjectNode env = fns.putObject(f.name());
            f.environment().forEach(env::put);
        }
        Path file = home.resolve("state-" + port + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        return file;
    }

    /** The local cloud whose state file is in {@code home} and whose process is alive, if there is one. */
    static Optional<RunningCloud> findRunning(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            return Optional.empty();
        }
        try (var files = Files.list(home)) {
            for (Path p : files.filter(f -> f.getFileName().toString().matches("state-\\d+\\.json")).toList()) {
                JsonNode state = JSON.readTree(p.toFile());
                if (ProcessHandle.of(state.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false)) {
                    return Optional.of(new RunningCloud(state));
                }
            }
        }
        return Optional.empty();
    }

    /** A local cloud started by {@code up}, as its state file describes it. */
    record RunningCloud(JsonNode state) {

        String api() {
            return state.path("api").asText();
        }

        /** The environment its functions run with: its region and endpoints. */
        LambdaEnvironment environment() {
            return new LambdaEnvironment(state.path("region").asText(), SamTemplate.DEFAULT_ACCOUNT_ID,
                    Endpoints.DUMMY_ACCESS_KEY_ID, Endpoints.DUMMY_SECRET_ACCESS_KEY, null,
                    Map.of("AWS_ENDPOINT_URL_DYNAMODB", state.path("dynamodb").asText(),
                            "AWS_ENDPOINT_URL_SQS", state.path("sqs").asText(),
                            "AWS_ENDPOINT_URL_SESV2", state.path("ses").asText(),
                            "AWS_ENDPOINT_URL_EVENTBRIDGE", state.path("eventbridge").asText(state.path("ses").asText()),
                            "AWS_ENDPOINT_URL_SECRETS_MANAGER", state.path("secretsmanager").asText(state.path("ses").asText())));
        }

        /** The function {@code name} of {@code template}, with the environment the running cloud resolved for it. */
        FunctionSpec functionSpec(SamTemplate template, String name, Path templatePath) {
            Map<String, String> env = new LinkedHashMap<>();
            state.path("functions").path(name).properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            return TemplateModel.functionSpec(template.function(name), templatePath.toAbsolutePath().getParent(), env,
                    List.of(), List.of(), List.of());
        }
    }
}
