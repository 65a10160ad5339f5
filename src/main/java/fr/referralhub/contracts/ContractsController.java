package fr.referralhub.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import fr.referralhub.topics.TopicCatalog;
import fr.referralhub.topics.TopicSpec;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the contracts to partners and consumers: {@code /api/openapi.yaml} (partner HTTP API),
 * {@code /api/asyncapi.yaml} (topics), and the schemas the latter refers to: {@code /api/schemas/<subject>.avsc}
 * (a topic's value schema, from the catalogue, so it is the one the hub registers) and
 * {@code /api/schemas/orientation-1.xsd} (the social landlords' XML).
 */
@RestController
public class ContractsController {

    static final MediaType YAML = MediaType.parseMediaType("application/yaml;charset=UTF-8");
    private static final MediaType AVRO_SCHEMA = MediaType.parseMediaType("application/json;charset=UTF-8");
    private static final String AVSC = ".avsc";

    private final TopicCatalog topics;

    public ContractsController(TopicCatalog topics) {
        this.topics = topics;
    }

    @GetMapping("/api/openapi.yaml")
    public ResponseEntity<String> openApi() throws IOException {
        return ResponseEntity.ok().contentType(YAML).body(classpath("contracts/openapi.yaml"));
    }

    @GetMapping("/api/asyncapi.yaml")
    public ResponseEntity<String> asyncApi() throws IOException {
        return ResponseEntity.ok().contentType(YAML).body(classpath("contracts/asyncapi.yaml"));
    }

    @GetMapping("/api/schemas/{file}")
    public ResponseEntity<String> schema(@PathVariable String file) throws IOException {
        if (file.equals("orientation-1.xsd")) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(classpath("xml/orientation-1.xsd"));
        }
        if (file.endsWith(AVSC)) {
            String subject = file.substring(0, file.length() - AVSC.length());
            for (TopicSpec topic : topics.all()) {
                if (topic.valueSchema() != null && topic.valueSubject().equals(subject)) {
                    return ResponseEntity.ok().contentType(AVRO_SCHEMA).body(topic.valueSchema().toString(true));
                }
            }
        }
        return ResponseEntity.notFound().build();
    }

    private static String classpath(String path) throws IOException {
        try (InputStream in = new ClassPathResource(path).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
