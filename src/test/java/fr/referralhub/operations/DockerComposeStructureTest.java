package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so its structure is checked instead: the services
 * an operator expects, every image pinned, a health check on every service and dependants waiting for it, data on
 * named volumes, Prometheus scraping the hub where it serves its metrics, Grafana and the alert rules using only
 * the hub's real metric names, and the hub's environment variables all read by application.yaml.
 */
class DockerComposeStructureTest {

    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static final Path DEV_OVERLAY = Path.of("docker-compose.dev.yml");
    private static final Path CONFIGURATION_PAGE = Path.of("docs/configuration.md");
    private static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final Path APPLICATION_YAML = Path.of("src/main/resources/application.yaml");
    private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
    private static final List<String> HUBS = List.of("hub-1", "hub-2");
    private static final List<String> SERVICES = List.of("kafka-1", "kafka-2", "kafka-3", "kafka-acls",
            "schema-registry", "hub-1", "hub-2", "kafka-ui", "prometheus", "grafana");
    /** Services that do their work and exit: nothing to health-check, dependants wait for their success. */
    private static final List<String> ONE_SHOTS = List.of("kafka-acls");
    /** The Kafka principals of the stack's own clients, and the variable of the header's command with each password. */
    private static final Map<String, String> KAFKA_PASSWORDS = Map.of("broker", "KAFKA_BROKER_PASSWORD",
            "hub", "KAFKA_HUB_PASSWORD", "schema-registry", "KAFKA_SCHEMA_REGISTRY_PASSWORD",
            "kafka-ui", "KAFKA_UI_PASSWORD");
    /** A SCRAM credential the brokers store when they format their storage. */
    private static final Pattern ADD_SCRAM = Pattern.compile(
            "--add-scram \"SCRAM-SHA-512=\\[name=([^,]+),password=\\$\\$(\\w+)]\"");
    /** The user and password of a JAAS login module configuration. */
    private static final Pattern JAAS_LOGIN = Pattern.compile("username=\"([^\"]+)\" password=\"([^\"]+)\"");
    /** What the hub cannot start without outside the dev profile, or without which it would start embedded Kafka. */
    private static final List<String> REQUIRED_HUB_VARIABLES = List.of("KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL",
            "HUB_PSEUDONYMISATION_SECRET", "HUB_DEAD_LETTER_KEY");
    private static final List<String> SECRETS = List.of("HUB_PSEUDONYMISATION_SECRET", "HUB_DEAD_LETTER_KEY");
    private static final Pattern HUB_METRIC = Pattern.compile("\\bhub_[a-z0-9_]+");
    /** A variable compose cannot do without: ${NAME}, ${NAME?...} or ${NAME:?...} (not ${NAME:-default}). */
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?:}|:?\\?)");
    /** An assignment NAME=... of a shell command. */
    private static final Pattern ASSIGNMENT = Pattern.compile("(?<![\\w$])([A-Z][A-Z0-9_]*)=");
    /** Where the hubs read the files a deployment mounts (application.yaml's defaults of HUB_*_FILE). */
    private static final List<String> DEPLOYMENT_FILES = List.of("/etc/referral-hub/partners.yaml",
            "/etc/referral-hub/services.yaml", "/etc/referral-hub/subscriptions.yaml");
    /** Where the hubs read a deployment's Kafka principals' passwords (Spring Boot's ./config/ of WORKDIR /app). */
    private static final String KAFKA_CREDENTIALS_FILE = "/app/config/application.yaml";
    private static final Path DEV_PROFILE = Path.of("src/main/resources/application-dev.yaml");
    private static final Path DEV_SERVICES = Path.of("src/main/resources/services-dev.yaml");
    private static final Path DEV_PARTNERS = Path.of("src/main/resources/partners-dev.yaml");
    /** The JVM option cp-schema-registry's start script passes on (SCHEMA_REGISTRY_OPTS). */
    private static final Pattern JAAS_OPTION = Pattern.compile("-Djava\\.security\\.auth\\.login\\.config=(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> compose = yaml(COMPOSE);

    @Test
    void shouldDeclareTheServicesOfTheStack() {
        assertThat(services().keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @Test
    void shouldPinEveryImage() throws IOException {
        List<String> images = new ArrayList<>();
        services().forEach((name, service) -> {
            if (service.containsKey("image")) {
                images.add((String) service.get("image"));
            } else {
                assertThat(service).as("service %s has neither image nor build", name).containsKey("build");
            }
        });
        // The hub is built: the Dockerfile's base images are pinned too.
        for (String line : Files.readAllLines(DOCKERFILE)) {
            if (line.startsWith("FROM ")) {
                images.add(line.split("\\s+")[1]);
            }
        }
        assertThat(images).hasSizeGreaterThanOrEqualTo(SERVICES.size()).allSatisfy(image -> {
            String nameAndTag = image.substring(image.lastIndexOf('/') + 1);
            assertThat(nameAndTag).as("image %s has a tag", image).contains(":");
            String tag = nameAndTag.substring(nameAndTag.indexOf(':') + 1);
            assertThat(tag).as("tag of %s", image).isNotBlank().isNotEqualToIgnoringCase("latest")
                    .doesNotContain("${").matches(".*\\d.*");
        });
    }

    @Test
    void shouldCheckTheHealthOfEveryServiceAndMakeDependantsWaitForIt() {
        services().forEach((name, service) -> {
            if (ONE_SHOTS.contains(name)) {
                return;
            }
            Map<String, Object> healthcheck = map(service.get("healthcheck"));
            assertThat(healthcheck).as("health check of %s", name).isNotNull().containsKey("test");
            assertThat(String.valueOf(healthcheck.get("test"))).as("health check of %s", name).isNotBlank()
                    .doesNotContain("NONE");
        });
        Map<String, List<String>> expectedWaits = Map.of(
                "kafka-acls", BROKERS,
                "schema-registry", List.of("kafka-1", "kafka-2", "kafka-3", "kafka-acls"),
                "hub-1", List.of("kafka-1", "kafka-2", "kafka-3", "schema-registry"),
                "hub-2", List.of("kafka-1", "kafka-2", "kafka-3", "schema-registry"),
                "kafka-ui", List.of("kafka-1", "schema-registry", "kafka-acls"),
                "prometheus", HUBS,
                "grafana", List.of("prometheus"));
        expectedWaits.forEach((dependant, dependencies) -> {
            Map<String, Object> dependsOn = map(services().get(dependant).get("depends_on"));
            assertThat(dependsOn).as("%s depends_on (long form with conditions)", dependant).isNotNull()
                    .containsKeys(dependencies.toArray(String[]::new));
        });
        services().forEach((name, service) -> {
            Map<String, Object> dependsOn = map(service.get("depends_on"));
            if (dependsOn != null) {
                dependsOn.forEach((dependency, condition) -> assertThat(map(condition).get("condition"))
                        .as("%s waits for %s to be healthy, or done", name, dependency)
                        .isEqualTo(ONE_SHOTS.contains(dependency) ? "service_completed_successfully"
                                : "service_healthy"));
            }
        });
    }

    @Test
    void shouldKeepDataOnDeclaredNamedVolumes() {
        Map<String, Object> declared = map(compose.get("volumes"));
        assertThat(declared).as("top-level volumes").isNotNull();
        Set<String> used = new TreeSet<>();
        services().forEach((name, service) -> mounts(service).forEach(mount -> {
            if (!isBindMount(mount.source())) {
                used.add(mount.source());
            }
        }));
        assertThat(declared.keySet()).as("declared volumes are those used").containsExactlyInAnyOrderElementsOf(used);

        Set<String> brokerVolumes = new TreeSet<>();
        for (String broker : BROKERS) {
            Map<String, Object> kafka = services().get(broker);
            String logDirs = (String) map(kafka.get("environment")).get("KAFKA_LOG_DIRS");
            assertThat(mounts(kafka)).as("%s's log on a named volume", broker)
                    .anySatisfy(m -> assertThat(m.target()).isEqualTo(logDirs))
                    .allSatisfy(m -> assertThat(isBindMount(m.source())).isFalse());
            mounts(kafka).forEach(m -> brokerVolumes.add(m.source()));
        }
        assertThat(brokerVolumes).as("a log volume of its own for each broker").hasSize(BROKERS.size());
        Set<String> stateVolumes = new TreeSet<>();
        for (String hub : HUBS) {
            String stateDir = (String) map(services().get(hub).get("environment")).get("HUB_STATE_DIR");
            Mount state = mounts(services().get(hub)).stream().filter(m -> m.target().equals(stateDir)).findFirst()
                    .orElseThrow(() -> new AssertionError(hub + " keeps its referral state on no volume"));
            assertThat(isBindMount(state.source())).isFalse();
            stateVolumes.add(state.source());
        }
        assertThat(stateVolumes).as("a referral-state volume of its own for each hub").hasSize(HUBS.size());
        assertThat(mounts(services().get("grafana"))).as("Grafana's data on a named volume")
                .anySatisfy(m -> {
                    assertThat(m.target()).isEqualTo("/var/lib/grafana");
                    assertThat(isBindMount(m.source())).isFalse();
                });
    }

    @Test
    void shouldRunTheShapeOfARealDeployment() {
        // Three brokers, each a controller of the KRaft quorum: one can be lost without losing a record or the quorum.
        for (String broker : BROKERS) {
            Map<String, Object> environment = map(services().get(broker).get("environment"));
            assertThat(String.valueOf(environment.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).split(","))
                    .as("%s's quorum", broker).hasSize(3);
            assertThat(environment).as("%s's replication", broker)
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", 2)
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 2);
        }
        assertThat(BROKERS.stream().map(b -> map(services().get(b).get("environment")).get("KAFKA_NODE_ID")))
                .as("node ids").doesNotHaveDuplicates();
        // Two hubs of one referral-state application, each reachable by the other under its own name.
        Set<String> advertised = new TreeSet<>();
        for (String hub : HUBS) {
            Map<String, Object> environment = map(services().get(hub).get("environment"));
            assertThat(environment).as("%s creates its topics on three brokers, with a standby copy of its state", hub)
                    .containsEntry("HUB_TOPIC_REPLICATION_FACTOR", 3)
                    .containsEntry("HUB_REFERRAL_STATE_STANDBY_REPLICAS", 1);
            assertThat(String.valueOf(environment.get("KAFKA_BOOTSTRAP_SERVERS")).split(",")).hasSize(3);
            assertThat(environment.get("HUB_ADVERTISED_HOST")).isEqualTo(hub);
            advertised.add((String) environment.get("HUB_ADVERTISED_HOST"));
        }
        assertThat(advertised).hasSize(HUBS.size());
    }

    /**
     * Every client logs in and nobody is anonymous: partners, services and ops tools on EXTERNAL, the hubs, the
     * registry, kafka-ui and the brokers themselves on INTERNAL, each with its own SCRAM-SHA-512 principal (the
     * controllers with PLAIN, which KRaft requires), limited by ACLs; only the brokers' principal and the hubs' are
     * super users (docs/operators.md "Kafka principals and ACLs").
     */
    @Test
    void shouldAuthenticateEveryKafkaClientAndAuthoriseItsPrincipal() {
        for (String broker : BROKERS) {
            Map<String, Object> environment = map(services().get(broker).get("environment"));
            assertThat(String.valueOf(environment.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).split(","))
                    .as("%s's listeners", broker)
                    .containsExactlyInAnyOrder("INTERNAL:SASL_PLAINTEXT", "CONTROLLER:SASL_PLAINTEXT",
                            "EXTERNAL:SASL_PLAINTEXT");
            assertThat(environment).as("%s's authentication and authorisation", broker)
                    .containsEntry("KAFKA_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512")
                    .containsEntry("KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL", "SCRAM-SHA-512")
                    .containsEntry("KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL", "PLAIN")
                    .containsEntry("KAFKA_AUTHORIZER_CLASS_NAME",
                            "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            assertThat(String.valueOf(environment.get("KAFKA_SUPER_USERS")).split(";")).as("%s's super users", broker)
                    .containsExactlyInAnyOrder("User:broker", "User:hub").doesNotContain("User:ANONYMOUS");
            // The image's naming: "___" is "-" (listener.name.<listener>.scram-sha-512.sasl.jaas.config).
            for (String listener : List.of("INTERNAL", "EXTERNAL")) {
                assertThat(String.valueOf(environment.get("KAFKA_LISTENER_NAME_" + listener
                        + "_SCRAM___SHA___512_SASL_JAAS_CONFIG"))).as("%s's SCRAM login module on %s", broker, listener)
                        .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required");
            }
            assertLogsInAs("broker", String.valueOf(
                    environment.get("KAFKA_LISTENER_NAME_INTERNAL_SCRAM___SHA___512_SASL_JAAS_CONFIG")), broker);
            assertLogsInAs("broker", String.valueOf(
                    environment.get("KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG")), broker);
            // The principals that log in before any hub runs are stored when the storage is formatted.
            Map<String, String> formatted = new HashMap<>();
            Matcher credential = ADD_SCRAM.matcher(String.valueOf(services().get(broker).get("command")));
            while (credential.find()) {
                formatted.put(credential.group(1), String.valueOf(environment.get(credential.group(2))));
            }
            assertThat(formatted.keySet()).as("%s's credentials stored at format", broker)
                    .containsExactlyInAnyOrderElementsOf(KAFKA_PASSWORDS.keySet());
            formatted.forEach((principal, password) -> assertThat(password).as("%s's password on %s", principal, broker)
                    .startsWith("${" + KAFKA_PASSWORDS.get(principal) + ":?"));
            // Only EXTERNAL is published on the host.
            String externalPort = String.valueOf(environment.get("KAFKA_LISTENERS"))
                    .replaceFirst(".*EXTERNAL://:(\\d+).*", "$1");
            assertThat(list(services().get(broker).get("ports"))).as("%s's published ports", broker)
                    .allSatisfy(port -> assertThat(String.valueOf(port)).endsWith(":" + externalPort));
            assertThat(String.valueOf(map(services().get(broker).get("healthcheck")).get("test")))
                    .as("%s's health check logs in on INTERNAL", broker).contains("localhost:19092")
                    .contains("--command-config");
        }
        for (String hub : HUBS) {
            Map<String, Object> environment = map(services().get(hub).get("environment"));
            assertThat(environment).as("%s logs in as hub, stores the principals' credentials and grants their ACLs",
                    hub).containsEntry("HUB_KAFKA_ACCESS_ENABLED", "true")
                    .containsEntry("HUB_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                    .containsEntry("HUB_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                    .containsEntry("HUB_KAFKA_SASL_USERNAME", "hub");
            assertThat(String.valueOf(environment.get("HUB_KAFKA_SASL_PASSWORD"))).as("%s's Kafka password", hub)
                    .startsWith("${" + KAFKA_PASSWORDS.get("hub") + ":?");
            assertThat(String.valueOf(environment.get("KAFKA_BOOTSTRAP_SERVERS")).split(",")).as("%s on INTERNAL", hub)
                    .allSatisfy(server -> assertThat(server).endsWith(":19092"));
        }
        Map<String, Object> registry = map(services().get("schema-registry").get("environment"));
        assertThat(registry).containsEntry("SCHEMA_REGISTRY_KAFKASTORE_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                .containsEntry("SCHEMA_REGISTRY_KAFKASTORE_SASL_MECHANISM", "SCRAM-SHA-512");
        assertLogsInAs("schema-registry", String.valueOf(registry.get("SCHEMA_REGISTRY_KAFKASTORE_SASL_JAAS_CONFIG")),
                "schema-registry");
        Map<String, Object> kafkaUi = map(services().get("kafka-ui").get("environment"));
        assertThat(kafkaUi).containsEntry("KAFKA_CLUSTERS_0_PROPERTIES_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                .containsEntry("KAFKA_CLUSTERS_0_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512");
        assertLogsInAs("kafka-ui", String.valueOf(kafkaUi.get("KAFKA_CLUSTERS_0_PROPERTIES_SASL_JAAS_CONFIG")),
                "kafka-ui");
        // The registry's and kafka-ui's ACLs exist before they start (the hubs grant everyone else's).
        String acls = String.valueOf(services().get("kafka-acls").get("command"));
        assertThat(acls).contains("--allow-principal User:schema-registry", "--allow-principal User:kafka-ui")
                .doesNotContain("User:ANONYMOUS");
        assertThat(String.valueOf(map(services().get("kafka-acls").get("environment")).get("SCRAM_BROKER_PASSWORD")))
                .startsWith("${" + KAFKA_PASSWORDS.get("broker") + ":?");
    }

    /** A JAAS configuration logging in as this principal, with the password of the header's variable for it. */
    private static void assertLogsInAs(String principal, String jaas, String where) {
        Matcher login = JAAS_LOGIN.matcher(jaas);
        assertThat(login.find()).as("%s logs in: %s", where, jaas).isTrue();
        assertThat(login.group(1)).as("%s's principal", where).isEqualTo(principal);
        assertThat(login.group(2)).as("%s's password", where).startsWith("${" + KAFKA_PASSWORDS.get(principal) + ":?");
    }

    @Test
    void shouldSetOnlyHubVariablesThatApplicationYamlReads() throws IOException {
        for (String hub : HUBS) {
            hubVariablesAreReadByApplicationYaml(hub);
        }
    }

    private void hubVariablesAreReadByApplicationYaml(String hub) throws IOException {
        Map<String, Object> environment = map(services().get(hub).get("environment"));
        String applicationYaml = Files.readString(APPLICATION_YAML);
        assertThat(environment.keySet()).as("hub variables").containsAll(REQUIRED_HUB_VARIABLES);
        // Operator accounts are a list (hub.security.users[n]), bound by Spring from HUB_SECURITY_USERS_<n>_<FIELD>;
        // application.yaml documents that form. Their password hashes come from the environment too.
        Pattern operatorAccount = Pattern.compile("HUB_SECURITY_USERS_\\d+_(NAME|PASSWORD_HASH|ROLES)");
        assertThat(applicationYaml).contains("HUB_SECURITY_USERS_0_PASSWORD_HASH");
        environment.forEach((variable, value) -> {
            if (variable.endsWith("_PASSWORD_HASH")) {
                assertThat(String.valueOf(value)).as(variable).startsWith("${").contains(":?");
            }
        });
        assertThat(environment.keySet()).filteredOn(variable -> !operatorAccount.matcher(variable).matches())
                .allSatisfy(variable -> assertThat(applicationYaml)
                        .as("%s is a placeholder ${%s...} of %s", variable, variable, APPLICATION_YAML)
                        .containsPattern("\\$\\{" + Pattern.quote(variable) + "[:}]"));
        // Secrets come from the operator's environment, never from this file.
        for (String secret : SECRETS) {
            assertThat(String.valueOf(environment.get(secret))).as(secret).startsWith("${" + secret + ":?");
        }
    }

    @Test
    void shouldRestartEveryServiceUnlessStopped() {
        services().forEach((name, service) -> assertThat(service.get("restart")).as("restart policy of %s", name)
                .isEqualTo(ONE_SHOTS.contains(name) ? "on-failure" : "unless-stopped"));
    }

    /**
     * The command of the file's header (and of docs/configuration.md) sets every variable the file requires, so
     * compose starts from it; and whatever the file takes from the environment without a default is required with a
     * message, so a forgotten one stops compose instead of reaching a container empty (a Prometheus secret that
     * is empty fails every scrape with 401, silently).
     */
    @Test
    void shouldStartFromTheDocumentedCommandAndRefuseToStartWithoutASecret() throws IOException {
        String file = Files.readString(COMPOSE);
        Set<String> required = new TreeSet<>();
        Matcher requiredVariable = REQUIRED_VARIABLE.matcher(file);
        while (requiredVariable.find()) {
            required.add(requiredVariable.group(1));
        }
        Set<String> secretsFromEnvironment = new TreeSet<>();
        map(compose.get("secrets")).values().forEach(secret -> {
            Object variable = map(secret).get("environment");
            if (variable != null) {
                secretsFromEnvironment.add((String) variable);
            }
        });
        assertThat(required).as("secrets taken from the environment are required with a message too")
                .containsAll(secretsFromEnvironment);
        assertThat(file).as("every required variable says what to set")
                .doesNotContainPattern("\\$\\{[A-Z][A-Z0-9_]*}").doesNotContainPattern("\\$\\{[A-Z][A-Z0-9_]*:?\\?}");
        assertThat(required).contains("HUB_PSEUDONYMISATION_SECRET", "HUB_DEAD_LETTER_KEY", "HUB_OPERATOR_PASSWORD_HASH",
                "HUB_SCRAPE_PASSWORD_HASH", "HUB_SCRAPE_PASSWORD", "GRAFANA_ADMIN_PASSWORD");

        String headerCommand = command(file.lines().takeWhile(line -> line.startsWith("#"))
                .map(line -> line.substring(1)).toList(), COMPOSE);
        String documentedCommand = command(Files.readAllLines(CONFIGURATION_PAGE), CONFIGURATION_PAGE);
        for (String command : List.of(headerCommand, documentedCommand)) {
            assertThat(assignments(command)).as("variables set by %s", command)
                    .containsExactlyInAnyOrderElementsOf(required);
            assertThat(command).as("the stack with its dev overlay")
                    .contains("-f " + COMPOSE).contains("-f " + DEV_OVERLAY).contains("up --build");
        }
        assertThat(documentedCommand).as("docs/configuration.md gives the header's command")
                .isEqualTo(headerCommand);
    }

    @Test
    void shouldMountTheDevRegistriesOnEachHubWithTheDevOverlayOnly() {
        Map<String, Object> overlay = yaml(DEV_OVERLAY);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> overlayServices = (Map<String, Map<String, Object>>) overlay.get("services");
        assertThat(overlayServices.keySet()).as("the overlay changes the hubs only")
                .containsExactlyInAnyOrderElementsOf(HUBS);
        for (String hub : HUBS) {
            List<Mount> devMounts = mounts(overlayServices.get(hub));
            List<String> devTargets = new ArrayList<>(DEPLOYMENT_FILES);
            devTargets.add(KAFKA_CREDENTIALS_FILE);
            assertThat(devMounts).extracting(Mount::target).as("%s's dev files", hub)
                    .containsExactlyInAnyOrderElementsOf(devTargets);
            devMounts.stream().filter(mount -> DEPLOYMENT_FILES.contains(mount.target())).forEach(mount ->
                    assertThat(Path.of(mount.source())).as("%s mounted on %s", mount.source(), hub)
                            .isRegularFile().hasFileName(Path.of(mount.target()).getFileName().toString()
                                    .replace(".yaml", "-dev.yaml")));
            assertThat(mounts(services().get(hub))).extracting(Mount::target)
                    .as("a deployment mounts its own registries and passwords: the base file mounts none on %s", hub)
                    .doesNotContainAnyElementsOf(devTargets);
        }
    }

    /**
     * The dev overlay gives the hubs the Kafka principals' passwords of the dev profile itself (the file
     * application-dev.yaml imports, the embedded broker's): the docs' client examples work against the stack as they do
     * on the embedded default. Every dev landlord and service, and the ops tools, has one.
     */
    @Test
    void shouldGiveTheHubsTheDevProfilesKafkaPasswordsWithTheDevOverlay() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> overlayServices = (Map<String, Map<String, Object>>) yaml(DEV_OVERLAY)
                .get("services");
        for (String hub : HUBS) {
            Mount credentials = mounts(overlayServices.get(hub)).stream()
                    .filter(mount -> mount.target().equals(KAFKA_CREDENTIALS_FILE)).findFirst()
                    .orElseThrow(() -> new AssertionError("no Kafka passwords mounted on " + hub));
            Path source = Path.of(credentials.source());
            assertThat(source).isRegularFile();
            assertThat(String.valueOf(at(yaml(DEV_PROFILE), "spring", "config", "import")))
                    .as("the dev profile reads the same file").contains("classpath:" + source.getFileName());
            Map<String, Object> passwords = map(at(yaml(source), "hub", "kafka-access", "credentials"));
            Set<String> principals = new TreeSet<>(idsOf(at(yaml(DEV_SERVICES), "hub", "services")));
            DockerComposeStructureTest.<Object>list(at(yaml(DEV_PARTNERS), "hub", "partners")).stream().map(p -> map(p))
                    .filter(partner -> "KAFKA_XML".equals(partner.get("channel")))
                    .forEach(landlord -> principals.add(String.valueOf(landlord.get("id"))));
            principals.add("ops");
            assertThat(passwords.keySet()).as("principals with a dev password in %s", source)
                    .containsAll(principals);
            assertThat(passwords.values()).allSatisfy(password -> assertThat(String.valueOf(password))
                    .as("public dev passwords only").startsWith("dev-kafka-"));
        }
    }

    /**
     * The registry takes only authenticated requests, the way Confluent documents it: BASIC, a JAAS realm (a
     * repository file, through SCHEMA_REGISTRY_OPTS) of Jetty's property-file login module over a users file whose
     * roles are all let in; the hubs and kafka-ui log in with the passwords the documented command gives them, which
     * are those of the users file.
     */
    @Test
    void shouldAuthenticateEveryRequestToTheSchemaRegistry() throws IOException {
        Map<String, Object> registry = services().get("schema-registry");
        Map<String, Object> environment = map(registry.get("environment"));
        assertThat(environment).containsEntry("SCHEMA_REGISTRY_AUTHENTICATION_METHOD", "BASIC");
        Matcher jaasOption = JAAS_OPTION.matcher(String.valueOf(environment.get("SCHEMA_REGISTRY_OPTS")));
        assertThat(jaasOption.find()).as("SCHEMA_REGISTRY_OPTS names the JAAS file").isTrue();
        String jaas = Files.readString(hostPath(registry, jaasOption.group(1)));
        String realm = String.valueOf(environment.get("SCHEMA_REGISTRY_AUTHENTICATION_REALM"));
        assertThat(jaas).as("the JAAS file").containsPattern("(?m)^" + Pattern.quote(realm) + "\\s*\\{")
                .contains("org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required");
        Matcher usersFile = Pattern.compile("file=\"([^\"]+)\"").matcher(jaas);
        assertThat(usersFile.find()).as("the login module's users file").isTrue();
        Map<String, String> users = new HashMap<>();
        Set<String> roles = new TreeSet<>();
        for (String line : Files.readAllLines(hostPath(registry, usersFile.group(1)))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] passwordAndRoles = line.substring(line.indexOf(':') + 1).trim().split(",");
                users.put(line.substring(0, line.indexOf(':')).trim(), passwordAndRoles[0]);
                roles.addAll(List.of(passwordAndRoles).subList(1, passwordAndRoles.length));
            }
        }
        assertThat(List.of(String.valueOf(environment.get("SCHEMA_REGISTRY_AUTHENTICATION_ROLES")).split(",")))
                .as("roles let in").containsExactlyInAnyOrderElementsOf(roles);
        assertThat(String.valueOf(map(registry.get("healthcheck")).get("test")))
                .as("its health check needs no password: an anonymous request is refused").contains("401");

        String command = command(Files.readString(COMPOSE).lines().takeWhile(line -> line.startsWith("#"))
                .map(line -> line.substring(1)).toList(), COMPOSE);
        for (String hub : HUBS) {
            assertThat(map(services().get(hub).get("environment")).get("HUB_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"))
                    .as("%s logs in as hub", hub).asString().startsWith("hub:${HUB_SCHEMA_REGISTRY_PASSWORD:?");
        }
        assertThat(valueIn(command, "HUB_SCHEMA_REGISTRY_PASSWORD")).isEqualTo(users.get("hub"));
        Map<String, Object> kafkaUi = map(services().get("kafka-ui").get("environment"));
        String kafkaUiUser = String.valueOf(kafkaUi.get("KAFKA_CLUSTERS_0_SCHEMAREGISTRYAUTH_USERNAME"));
        assertThat(String.valueOf(kafkaUi.get("KAFKA_CLUSTERS_0_SCHEMAREGISTRYAUTH_PASSWORD")))
                .startsWith("${KAFKA_UI_SCHEMA_REGISTRY_PASSWORD:?");
        assertThat(valueIn(command, "KAFKA_UI_SCHEMA_REGISTRY_PASSWORD")).isEqualTo(users.get(kafkaUiUser));
    }

    private static String valueIn(String command, String variable) {
        Matcher value = Pattern.compile("(?<![\\w$])" + variable + "=(\\S+)").matcher(command);
        assertThat(value.find()).as("%s in %s", variable, command).isTrue();
        return value.group(1);
    }

    private static List<String> idsOf(Object entries) {
        return DockerComposeStructureTest.<Object>list(entries).stream().map(e -> String.valueOf(map(e).get("id")))
                .toList();
    }

    private static Object at(Map<String, Object> yaml, String... path) {
        Object node = yaml;
        for (String key : path) {
            node = map(node).get(key);
        }
        return node;
    }

    /** The documented command: from the first line starting with an assignment to the line running docker compose. */
    private static String command(List<String> lines, Path where) {
        StringBuilder command = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.trim();
            if (command.isEmpty() && !ASSIGNMENT.matcher(trimmed).lookingAt()) {
                continue;
            }
            command.append(trimmed.replaceFirst("\\\\$", "").trim()).append(' ');
            if (trimmed.contains("docker compose")) {
                return command.toString().trim();
            }
        }
        throw new AssertionError("no docker compose command in " + where);
    }

    private static Set<String> assignments(String command) {
        Set<String> variables = new TreeSet<>();
        Matcher assignment = ASSIGNMENT.matcher(command.substring(0, command.indexOf("docker compose")));
        while (assignment.find()) {
            variables.add(assignment.group(1));
        }
        return variables;
    }

    @Test
    void shouldScrapeTheHubsMetricsEndpointWithPrometheus() throws IOException {
        Map<String, Object> prometheus = services().get("prometheus");
        Map<String, Object> config = yaml(hostPath(prometheus, "/etc/prometheus/prometheus.yml"));
        List<Map<String, Object>> jobs = list(config.get("scrape_configs"));
        for (String hub : HUBS) {
            int hubPort = containerPort(services().get(hub));
            assertThat(jobs).as("a job scraping %s", hub).anySatisfy(job -> {
                assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
                List<Object> targets = list(job.get("static_configs")).stream()
                        .flatMap(c -> list(map(c).get("targets")).stream()).toList();
                assertThat(targets).contains(hub + ":" + hubPort);
            });
        }
        List<String> ruleFiles = list(config.get("rule_files"));
        assertThat(ruleFiles).isNotEmpty().allSatisfy(file -> assertThat(hostPath(prometheus, file)).isRegularFile());
    }

    @Test
    void shouldAlertOnlyOnRealHubMetrics() throws IOException {
        Map<String, Object> prometheus = services().get("prometheus");
        Map<String, Object> config = yaml(hostPath(prometheus, "/etc/prometheus/prometheus.yml"));
        List<String> expressions = new ArrayList<>();
        for (String file : this.<String>list(config.get("rule_files"))) {
            for (Object group : list(yaml(hostPath(prometheus, file)).get("groups"))) {
                for (Object rule : list(map(group).get("rules"))) {
                    assertThat(map(rule)).containsKeys("alert", "expr", "annotations");
                    expressions.add(String.valueOf(map(rule).get("expr")));
                }
            }
        }
        assertThat(expressions).isNotEmpty();
        assertThat(hubMetricsIn(expressions)).as("metrics of the alert rules")
                .isSubsetOf(HubMetricNames.prometheusNames())
                .contains("hub_dead_letters_total", "hub_consumer_lag", "hub_partner_silent");
    }

    @Test
    void shouldProvisionGrafanaWithADashboardOfTheHubsMetrics() throws IOException {
        Map<String, Object> grafana = services().get("grafana");
        Path provisioning = hostPath(grafana, "/etc/grafana/provisioning");
        Map<String, Object> datasources = yaml(provisioning.resolve("datasources/prometheus.yml"));
        Map<String, Object> datasource = map(list(datasources.get("datasources")).get(0));
        assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
        Map<String, Object> provider = map(list(yaml(provisioning.resolve("dashboards/referral-hub.yml"))
                .get("providers")).get(0));
        Path dashboards = hostPath(grafana, String.valueOf(map(provider.get("options")).get("path")));

        List<String> expressions = new ArrayList<>();
        try (var files = Files.list(dashboards)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode dashboard = JSON.readTree(file.toFile());
                assertThat(dashboard.get("panels")).as("panels of %s", file).isNotEmpty();
                dashboard.findValues("expr").forEach(expr -> expressions.add(expr.asText()));
                dashboard.findValues("datasource").forEach(ds -> {
                    if (ds.isObject()) {
                        assertThat(ds.get("uid").asText()).isEqualTo(datasource.get("uid"));
                    }
                });
                dashboard.findValues("definition").forEach(query -> expressions.add(query.asText()));
            }
        }
        // Every metric on the dashboard is one the hub publishes, and every one it publishes is on the dashboard.
        assertThat(hubMetricsIn(expressions)).as("metrics of the dashboard")
                .containsExactlyInAnyOrderElementsOf(HubMetricNames.prometheusNames());
    }

    private static Set<String> hubMetricsIn(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String expression : expressions) {
            Matcher matcher = HUB_METRIC.matcher(expression);
            while (matcher.find()) {
                names.add(matcher.group());
            }
        }
        return names;
    }

    private record Mount(String source, String target) {
    }

    private static List<Mount> mounts(Map<String, Object> service) {
        List<Mount> mounts = new ArrayList<>();
        for (Object volume : list(service.getOrDefault("volumes", List.of()))) {
            String[] parts = String.valueOf(volume).split(":");
            mounts.add(new Mount(parts[0], parts[1]));
        }
        return mounts;
    }

    private static boolean isBindMount(String source) {
        return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
    }

    /** The file of this repository a container sees at containerPath, through the service's bind mounts. */
    private static Path hostPath(Map<String, Object> service, String containerPath) {
        for (Mount mount : mounts(service)) {
            if (isBindMount(mount.source()) && (containerPath + "/").startsWith(mount.target() + "/")) {
                Path path = Path.of(mount.source()).resolve(containerPath.substring(mount.target().length())
                        .replaceFirst("^/", ""));
                assertThat(path).as("%s seen by the container as %s", path, containerPath).exists();
                return path;
            }
        }
        throw new AssertionError("no bind mount of the repository gives the container " + containerPath);
    }

    private static int containerPort(Map<String, Object> service) {
        String mapping = String.valueOf(list(service.get("ports")).get(0));
        return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
    }

    private Map<String, Map<String, Object>> services() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        return services;
    }

    private static Map<String, Object> yaml(Path file) {
        try {
            return new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object value) {
        return value == null ? List.of() : (List<T>) value;
    }
}
