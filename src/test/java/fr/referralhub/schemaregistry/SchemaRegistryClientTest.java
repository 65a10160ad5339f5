package fr.referralhub.schemaregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import fr.referralhub.embedded.EmbeddedSchemaRegistry;
import fr.referralhub.testing.SharedKafka;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {

    private static final Schema USER = SchemaBuilder.record("User").namespace("test").fields()
            .requiredString("name")
            .endRecord();
    private static final Schema USER_WITH_OPTIONAL_EMAIL = SchemaBuilder.record("User").namespace("test").fields()
            .requiredString("name")
            .optionalString("email")
            .endRecord();
    private static final Schema USER_WITH_REQUIRED_AGE = SchemaBuilder.record("User").namespace("test").fields()
            .requiredString("name")
            .requiredInt("age")
            .endRecord();

    private static final Schema ADDRESS = SchemaBuilder.record("Address").namespace("common").fields()
            .requiredString("commune")
            .endRecord();
    /** Names common.Address: registered with a reference to it, not a copy. */
    private static final Schema PERSON = SchemaBuilder.record("Person").namespace("test").fields()
            .name("home").type(ADDRESS).noDefault()
            .endRecord();

    private static EmbeddedSchemaRegistry registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void startRegistry() {
        registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), "_schemas-" + UUID.randomUUID(), "127.0.0.1", 0);
        registry.start();
        client = new SchemaRegistryClient(registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void shouldRegisterIdempotentlyAndFindTheSchemaBackByIdSubjectAndLatestVersion() {
        String subject = uniqueSubject();
        int id = client.register(subject, USER);

        assertThat(new SchemaRegistryClient(registry.url()).register(subject, USER)).isEqualTo(id);
        assertThat(client.lookup(subject, USER)).isEqualTo(id);
        assertThat(new SchemaRegistryClient(registry.url()).schemaById(id)).isEqualTo(USER);
        assertThat(client.latest(subject)).isEqualTo(new RegisteredSchema(subject, 1, id, USER));
        assertThat(client.subjects()).contains(subject);
    }

    @Test
    void shouldRegisterASchemaImportingATypeByReferenceAndReadItBackComplete() {
        String common = uniqueSubject();
        String person = uniqueSubject();
        client.register(common, ADDRESS);

        int id = client.register(person, PERSON, List.of(new SchemaReference("common.Address", common, -1)));

        // A fresh client, with nothing cached: it fetches the referenced version to parse the schema.
        SchemaRegistryClient fresh = new SchemaRegistryClient(registry.url());
        assertThat(fresh.schemaById(id)).isEqualTo(PERSON);
        assertThat(fresh.latest(person)).isEqualTo(new RegisteredSchema(person, 1, id, PERSON));
        assertThat(fresh.lookup(person, PERSON)).as("the complete schema is the one registered").isEqualTo(id);
        assertThat(fresh.register(person, PERSON)).isEqualTo(id);
        assertThat(fresh.register(person, PERSON, List.of(new SchemaReference("common.Address", common, 1))))
                .isEqualTo(id);
    }

    @Test
    void shouldEncodeSubjectNamesInPaths() {
        String subject = "team a/b+c " + UUID.randomUUID();
        int id = client.register(subject, USER);

        assertThat(client.latest(subject).id()).isEqualTo(id);
        assertThat(client.subjects()).contains(subject);
    }

    @Test
    void shouldReportRegistryErrorsWithStatusErrorCodeAndUrl() {
        String subject = uniqueSubject();
        client.register(subject, USER);

        assertThatThrownBy(() -> client.lookup(subject, USER_WITH_OPTIONAL_EMAIL))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.getHttpStatus()).isEqualTo(404);
                    assertThat(e.getErrorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
                    assertThat(e.getUrl()).isEqualTo(registry.url() + "/subjects/" + subject);
                    assertThat(e.getMessage()).contains("POST " + registry.url() + "/subjects/" + subject, "40403");
                });
        assertThatThrownBy(() -> client.lookup(uniqueSubject(), USER))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
        assertThatThrownBy(() -> client.register(subject, USER_WITH_REQUIRED_AGE))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.getHttpStatus()).isEqualTo(409));
    }

    @Test
    void shouldTellWhetherASchemaIsCompatibleWithTheSubject() {
        String subject = uniqueSubject();
        assertThat(client.isCompatible(subject, USER_WITH_REQUIRED_AGE)).as("a subject without versions").isTrue();

        client.register(subject, USER);

        assertThat(client.isCompatible(subject, USER_WITH_OPTIONAL_EMAIL)).isTrue();
        assertThat(client.isCompatible(subject, USER_WITH_REQUIRED_AGE)).isFalse();
    }

    @Test
    void shouldReadAndSetGlobalAndSubjectCompatibility() {
        String subject = uniqueSubject();
        assertThat(client.compatibility(null)).isEqualTo("BACKWARD");
        assertThat(client.compatibility(subject)).as("falls back to the global level").isEqualTo("BACKWARD");

        client.setCompatibility(subject, "FULL");

        assertThat(client.compatibility(subject)).isEqualTo("FULL");
        assertThatThrownBy(() -> client.setCompatibility(subject, "SIDEWAYS"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL));
    }

    @Test
    void shouldSetTheGlobalCompatibilityOnItsOwnRegistry() {
        try (EmbeddedSchemaRegistry own = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(),
                "_schemas-" + UUID.randomUUID(), "127.0.0.1", 0)) {
            own.start();
            SchemaRegistryClient ownClient = new SchemaRegistryClient(own.url());

            ownClient.setCompatibility(null, "FORWARD_TRANSITIVE");

            assertThat(ownClient.compatibility(null)).isEqualTo("FORWARD_TRANSITIVE");
            assertThat(ownClient.compatibility(uniqueSubject())).isEqualTo("FORWARD_TRANSITIVE");
        }
    }

    @Test
    void shouldServeCachedIdsAndSchemasOnceTheRegistryIsGoneAndNameItWhenCallsFail() {
        String url;
        SchemaRegistryClient cachingClient;
        String subject = uniqueSubject();
        int id;
        try (EmbeddedSchemaRegistry shortLived = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(),
                "_schemas-" + UUID.randomUUID(), "127.0.0.1", 0)) {
            shortLived.start();
            url = shortLived.url();
            cachingClient = new SchemaRegistryClient(url);
            id = cachingClient.register(subject, USER);
        }

        assertThat(cachingClient.register(subject, USER)).isEqualTo(id);
        assertThat(cachingClient.lookup(subject, USER)).isEqualTo(id);
        assertThat(cachingClient.schemaById(id)).isEqualTo(USER);
        assertThatThrownBy(cachingClient::subjects)
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.getHttpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
                    assertThat(e.getMessage()).startsWith("Cannot reach the schema registry at " + url);
                });
    }

    @Test
    void shouldGiveUpOnARegistryThatDoesNotAnswerWithinTheRequestTimeout() throws Exception {
        // A listening socket nobody serves: the connection opens, the answer never comes.
        try (ServerSocket silent = new ServerSocket(0)) {
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            SchemaRegistryClient impatient = new SchemaRegistryClient(url, null, Duration.ofMillis(300));

            assertThatThrownBy(() -> impatient.schemaById(1))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining(url)
                    .hasMessageContaining("did not answer within 300 ms");
        }
    }

    @Test
    void shouldShareOneClientPerUrlAndCredentials() {
        String url = "http://registry.example:8081";
        assertThat(SchemaRegistryClient.shared(url + "/", null)).isSameAs(SchemaRegistryClient.shared(url, " "));
        assertThat(SchemaRegistryClient.shared(url, "hub:secret"))
                .isSameAs(SchemaRegistryClient.shared(url, "hub:secret"))
                .isNotSameAs(SchemaRegistryClient.shared(url, null))
                .isNotSameAs(SchemaRegistryClient.shared(url, "hub:another"));
        assertThatThrownBy(() -> SchemaRegistryClient.shared("registry.example:8081", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http://");
    }

    @Test
    void shouldSendOnlyTheCredentialsItWasConfiguredWith() {
        try (EmbeddedSchemaRegistry guarded = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(),
                "_schemas-" + UUID.randomUUID(), "127.0.0.1", 0, "hub:guarded-secret")) {
            guarded.start();
            String subject = uniqueSubject();
            SchemaRegistryClient writer = new SchemaRegistryClient(guarded.url(), "hub:guarded-secret",
                    SchemaRegistryClient.DEFAULT_REQUEST_TIMEOUT);

            int id = writer.register(subject, USER);

            assertThat(writer.lookup(subject, USER)).isEqualTo(id);
            // The writer's credentials are its own: another client of the same URL still writes anonymously and is
            // refused (Confluent's 40101), and the refusal does not carry the password.
            SchemaRegistryClient anonymous = new SchemaRegistryClient(guarded.url());
            assertThatThrownBy(() -> anonymous.register(uniqueSubject(), USER))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.getHttpStatus()).isEqualTo(401);
                        assertThat(e.getErrorCode()).isEqualTo(40101);
                        assertThat(e.getMessage()).doesNotContain("guarded-secret");
                    });
            // Reads too: the registry's one user is the writer.
            assertThatThrownBy(() -> anonymous.schemaById(id))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.getHttpStatus()).isEqualTo(401));
            assertThat(writer.schemaById(id)).isEqualTo(USER);
        }
    }

    private static String uniqueSubject() {
        return "client-" + UUID.randomUUID() + "-value";
    }
}
