package dev.pgkeep.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgkeep.spring.TestDatabases;
import dev.pgkeep.spring.web.BackupView;
import dev.pgkeep.spring.web.JobView;
import dev.pgkeep.spring.web.PgkeepAdminController;
import dev.pgkeep.spring.web.RestoreView;
import dev.pgkeep.spring.web.VerifyView;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

/** docs/spring-boot.md agrees with the generated metadata, docs/openapi.yaml with the registered endpoints. */
class DocumentationAgreesTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern ROW =
            Pattern.compile("^\\| `(pgkeep\\.[a-z0-9.\\-]+)` \\| ([^|]*) \\|", Pattern.MULTILINE);

    @TempDir
    Path repo;

    @Test
    void everyPropertyIsDocumentedWithItsDefaultAndNothingElse() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, String> documented = new LinkedHashMap<>();
        String guide = Files.readString(DOCS.resolve("spring-boot.md"));
        Matcher m = ROW.matcher(guide);
        while (m.find()) {
            documented.put(m.group(1), m.group(2).trim());
        }
        Set<String> generated = new TreeSet<>();
        for (JsonNode property : metadata.path("properties")) {
            String name = property.path("name").asText();
            if (name.startsWith("management.endpoint.pgkeep.")) {
                // Boot's own settings of the pgkeep Actuator endpoint: named in its section, not in the table
                assertThat(guide).as("docs/spring-boot.md names %s", name).contains("`" + name + "`");
                continue;
            }
            generated.add(name);
            assertThat(property.path("description").asText())
                    .as("Javadoc of %s", name)
                    .isNotBlank();
            assertThat(documented).as("docs/spring-boot.md documents %s", name).containsKey(name);
            if (property.has("defaultValue")) {
                assertThat(documented.get(name))
                        .as("documented default of %s", name)
                        .contains("`" + property.path("defaultValue").asText() + "`");
            }
        }
        assertThat(generated).containsAll(documented.keySet());
        assertThat(generated).hasSizeGreaterThan(30);
    }

    @Test
    @SuppressWarnings("unchecked")
    void openApiDescribesExactlyTheRegisteredEndpointsAndTheirJsonShapes() throws Exception {
        Map<String, Object> spec;
        try (InputStream in = Files.newInputStream(DOCS.resolve("openapi.yaml"))) {
            spec = new Yaml().load(in);
        }
        Set<String> described = new TreeSet<>();
        ((Map<String, Map<String, Object>>) spec.get("paths"))
                .forEach((path, operations) -> operations.keySet().stream()
                        .filter(k -> !k.equals("parameters"))
                        .forEach(method -> described.add(method.toUpperCase() + " " + path)));

        Set<String> registered = new TreeSet<>();
        Set<String> restoreMediaTypes = new TreeSet<>();
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class))
                .withConfiguration(
                        AutoConfigurations.of(PgkeepAutoConfiguration.class, PgkeepWebAutoConfiguration.class))
                .withPropertyValues(TestDatabases.hostProperties(TestDatabases.createSample("starter_openapi")))
                .withPropertyValues("pgkeep.repository=" + repo)
                .run(context -> {
                    RequestMappingHandlerMapping mapping =
                            context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
                    for (Map.Entry<RequestMappingInfo, HandlerMethod> e :
                            mapping.getHandlerMethods().entrySet()) {
                        if (e.getValue().getBeanType() != PgkeepAdminController.class) {
                            continue;
                        }
                        if (e.getKey().getPatternValues().contains("/admin/db/restore")) {
                            e.getKey()
                                    .getConsumesCondition()
                                    .getConsumableMediaTypes()
                                    .forEach(t -> restoreMediaTypes.add(t.toString()));
                        }
                        for (String pattern : e.getKey().getPatternValues()) {
                            e.getKey()
                                    .getMethodsCondition()
                                    .getMethods()
                                    .forEach(method -> registered.add(
                                            method.name() + " " + pattern.substring("/admin/db".length())));
                        }
                    }
                });
        assertThat(described).isEqualTo(registered).hasSize(7);
        Map<String, Object> restore = (Map<String, Object>) ((Map<String, Map<String, Object>>) spec.get("paths"))
                .get("/restore")
                .get("post");
        assertThat(((Map<String, Object>) ((Map<String, Object>) restore.get("requestBody")).get("content")).keySet())
                .containsExactlyInAnyOrderElementsOf(restoreMediaTypes)
                .hasSize(3);

        Map<String, Map<String, Object>> schemas =
                (Map<String, Map<String, Object>>) ((Map<String, Object>) spec.get("components")).get("schemas");
        assertThat(properties(schemas, "Backup")).isEqualTo(components(BackupView.class));
        assertThat(properties(schemas, "Job")).isEqualTo(components(JobView.class));
        assertThat(properties(schemas, "RestoreResult")).isEqualTo(components(RestoreView.class));
        assertThat(properties(schemas, "VerifyResult")).isEqualTo(components(VerifyView.class));
    }

    @SuppressWarnings("unchecked")
    private static Set<String> properties(Map<String, Map<String, Object>> schemas, String name) {
        return new TreeSet<>(((Map<String, Object>) schemas.get(name).get("properties")).keySet());
    }

    private static Set<String> components(Class<? extends Record> type) {
        return new TreeSet<>(Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .toList());
    }
}
