package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerActivity;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.partners.PartnerRegistryProperties;
import fr.referralhub.partners.SilentPartnerProperties;
import fr.referralhub.testing.Samples;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Records of topics that are no enabled landlord's are dead-lettered with a reason, before any reading. */
class SocialLandlordIntakeTest {

    private final CamelContext camel = new DefaultCamelContext();
    private final DeadLetters deadLetters = mock(DeadLetters.class);
    private final ReferralIntake intake = mock(ReferralIntake.class);
    private final PartnerRegistry registry = new PartnerRegistry(new PartnerRegistryProperties(List.of(
            SocialLandlordXmlReaderTest.LOGIS_HDF,
            new Partner("closed-landlord", "Closed", PartnerKind.SOCIAL_LANDLORD, IntakeChannel.KAFKA_XML,
                    SocialLandlordXmlReader.FORMAT, false, List.of("111111111"), List.of()),
            new Partner("cfa", "A CFA", PartnerKind.TRAINING_BODY, IntakeChannel.CSV_FILE,
                    TrainingBodyCsvReader.FORMAT, true, List.of("13002526500013"), List.of()))));
    private final SocialLandlordIntake stage = new SocialLandlordIntake(registry, new SocialLandlordXmlReader(), intake,
            deadLetters, new IntakeAccounting(new SimpleMeterRegistry(), registry,
                    new PartnerActivity(registry, new SilentPartnerProperties(Duration.ofDays(3), Map.of()),
                            new SimpleMeterRegistry())));

    @Test
    void shouldDeadLetterRecordsOfTopicsOfNoEnabledLandlord() {
        for (String topic : List.of("intake.unknown", "intake.closed-landlord", "intake.cfa")) {
            Exchange record = record(topic);
            Exchange batch = new DefaultExchange(camel);
            stage.intakeBatch(List.of(record), batch);

            ArgumentCaptor<Exception> cause = ArgumentCaptor.forClass(Exception.class);
            verify(deadLetters).send(same(record), any(), cause.capture());
            assertThat(cause.getValue()).isInstanceOfSatisfying(InvalidPartnerEventException.class, e ->
                    assertThat(e.errors()).singleElement().satisfies(error -> {
                        assertThat(error.field()).isEqualTo("(topic)");
                        assertThat(error.reason()).contains("not the intake topic of an enabled social landlord");
                    }));
            assertThat(record.getMessage().getHeader(DeadLetters.REASONS, String.class)).startsWith("(topic) ");
        }
        verifyNoInteractions(intake);
    }

    @Test
    void shouldDeadLetterAnInvalidDocumentAndSubmitTheValidOne() {
        Exchange invalid = record("intake.logis-hdf");
        invalid.getMessage().setBody("<orientation/>".getBytes());
        Exchange valid = record("intake.logis-hdf");
        Exchange batch = new DefaultExchange(camel);

        ReferralIntake.Pending pending = new ReferralIntake.Pending(null, null, null);
        when(intake.submit(any(PartnerEvent.class))).thenReturn(pending);

        stage.intakeBatch(List.of(invalid, valid), batch);

        verify(deadLetters).send(same(invalid), any(), any(InvalidPartnerEventException.class));
        verify(intake).settle(same(pending), eq(valid));
        verifyNoMoreInteractions(deadLetters);
    }

    private Exchange record(String topic) {
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setHeader(KafkaConstants.TOPIC, topic);
        record.getMessage().setBody(Samples.bytes(SocialLandlordXmlReaderTest.SAMPLE_871));
        return record;
    }
}
