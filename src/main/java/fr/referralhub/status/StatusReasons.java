package fr.referralhub.status;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import fr.referralhub.avro.ReferralStatus;

/**
 * The reason codes a service may give, per status, with the French sentence the referrer's staff read. A closed list
 * (not free text) so referrers can count and act on refusals, and no personal data travels in a reason.
 */
public final class StatusReasons {

    private static final Map<ReferralStatus, Map<String, String>> BY_STATUS = Map.of(
            ReferralStatus.REJECTED, ordered(
                    "HORS_CRITERES", "Refusée : la personne ne relève pas des critères du service.",
                    "HORS_TERRITOIRE", "Refusée : la personne n'habite pas le territoire du service.",
                    "CAPACITE_ATTEINTE", "Refusée : le service n'a plus de place pour l'instant.",
                    "PERSONNE_INJOIGNABLE", "Refusée : la personne n'a pas pu être jointe.",
                    "REFUS_PERSONNE", "Refusée : la personne ne souhaite pas être accompagnée par le service.",
                    "DEJA_ACCOMPAGNEE", "Refusée : la personne est déjà accompagnée par le service.",
                    "AUTRE", "Refusée pour un autre motif : voir avec le service."),
            ReferralStatus.ON_HOLD, ordered(
                    "ATTENTE_PIECES", "En attente : des pièces manquent au dossier.",
                    "ATTENTE_PERSONNE", "En attente : la personne doit recontacter le service.",
                    "LISTE_ATTENTE", "En attente : la personne est sur liste d'attente.",
                    "AUTRE", "En attente pour un autre motif : voir avec le service."));

    private static final Map<ReferralStatus, String> STATUS_TEXT = Map.of(
            ReferralStatus.RECEIVED, "Reçue par le service.",
            ReferralStatus.ACCEPTED, "Acceptée par le service.",
            ReferralStatus.IN_PROGRESS, "Accompagnement en cours.",
            ReferralStatus.COMPLETED, "Accompagnement terminé.",
            ReferralStatus.EXPIRED, "Expirée : le service n'a pas donné suite à l'orientation dans le délai prévu. "
                    + "Elle est close pour ce service ; vous pouvez orienter la personne à nouveau si besoin.");

    private StatusReasons() {
    }

    /** The codes a status takes (empty for a status without reasons). */
    public static Set<String> codesFor(ReferralStatus status) {
        return BY_STATUS.getOrDefault(status, Map.of()).keySet();
    }

    /** The French sentence of a change: the reason's when there is one, else the status's. */
    public static Optional<String> text(ReferralStatus status, String reasonCode) {
        if (reasonCode != null) {
            return Optional.ofNullable(BY_STATUS.getOrDefault(status, Map.of()).get(reasonCode));
        }
        return Optional.ofNullable(STATUS_TEXT.get(status));
    }

    private static Map<String, String> ordered(String... codeAndText) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < codeAndText.length; i += 2) {
            map.put(codeAndText[i], codeAndText[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
