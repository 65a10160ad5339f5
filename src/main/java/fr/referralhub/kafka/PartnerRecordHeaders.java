package fr.referralhub.kafka;

import org.apache.camel.component.kafka.KafkaHeaderFilterStrategy;
import org.springframework.stereotype.Component;

/**
 * The header filter of the routes that read topics partners and services write themselves ({@code intake.<id>},
 * {@code status.<id>}): besides Camel's own, the headers the hub gives meaning to ({@code hub.*}, and a dead letter's
 * {@code __connect.*}) never come in from such a record. Kept, a landlord's {@code hub.partner-id} or
 * {@code __connect.errors.file.name} would be copied onto the dead letter of its own poison record, which the hub then
 * signs: operators would see it listed as another partner's, or as a file row. Who sent it is the topic's suffix.
 * Header names are compared in lower case, as Camel's headers are case-insensitive.
 */
@Component
public class PartnerRecordHeaders extends KafkaHeaderFilterStrategy {

    @Override
    protected void initialize() {
        super.initialize();
        setInFilterStartsWith("camel", "org.apache.camel.", "kafka.", "hub.", "__connect.");
    }
}
