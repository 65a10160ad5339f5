package fr.referralhub.kafka;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaHeaderFilterStrategy;
import org.springframework.stereotype.Component;

/**
 * The header filter of the routes that read topics partners and services write themselves ({@code intake.<id>},
 * {@code status.<id>}): none of the record's headers comes in. The hub reads nothing from them (who sent a record is
 * the topic's suffix), and kept they would go where the partner's choice should not reach:
 * <ul>
 * <li>headers named like the hub's own ({@code hub.*}, a dead letter's {@code __connect.*}) would be copied onto the
 * dead letter of the partner's poison record, which the hub then signs: operators would see it listed as another
 * partner's, or as a file row;</li>
 * <li>any other header would be copied onto that dead letter in clear (only its value is encrypted), whatever
 * personal data a partner's system put there.</li>
 * </ul>
 * The Kafka coordinates (topic, partition, offset, key) are not headers of the record and still come in.
 */
@Component
public class PartnerRecordHeaders extends KafkaHeaderFilterStrategy {

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }
}
