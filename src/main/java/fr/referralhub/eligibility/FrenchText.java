package fr.referralhub.eligibility;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.EmployerSector;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.HousingSituation;
import fr.referralhub.avro.Programme;

/**
 * How values read in counsellor-facing texts, the French way: amounts as {@code 2 187,64 €} (thousands separated by
 * a narrow no-break space U+202F, decimal comma, a no-break space U+00A0 before the euro sign), dates as
 * {@code 05/12/2026}, codes as French words.
 *
 * <p>The separators are written here rather than taken from {@code NumberFormat.getInstance(Locale.FRANCE)}: the
 * JDK's French locale data changed from U+00A0 to U+202F in Java 13, and a counsellor's text must not change with
 * the JVM. No-break spaces keep an amount and its sign on one line.
 */
final class FrenchText {

    /** Between groups of thousands: {@code 2 187,64 €}. */
    static final char THOUSANDS_SEPARATOR = '\u202F';
    /** Between an amount and its unit: {@code 2 187,64 €}. */
    static final char BEFORE_UNIT = '\u00A0';

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy");

    private FrenchText() {
    }

    static String euros(long cents) {
        return euros(BigDecimal.valueOf(cents, 2));
    }

    static String euros(BigDecimal amount) {
        BigDecimal rounded = amount.setScale(2, RoundingMode.HALF_UP);
        String digits = rounded.abs().toPlainString();
        int point = digits.indexOf('.');
        String units = digits.substring(0, point);
        StringBuilder text = new StringBuilder(rounded.signum() < 0 ? "-" : "");
        for (int i = 0; i < units.length(); i++) {
            if (i > 0 && (units.length() - i) % 3 == 0) {
                text.append(THOUSANDS_SEPARATOR);
            }
            text.append(units.charAt(i));
        }
        return text.append(',').append(digits, point + 1, digits.length()).append(BEFORE_UNIT).append('€').toString();
    }

    /** A percentage without useless decimals: {@code 120 %}, {@code 87.5 %}. */
    static String percent(BigDecimal percent) {
        return percent.stripTrailingZeros().toPlainString() + " %";
    }

    static String date(LocalDate date) {
        return DATE.format(date);
    }

    static String age(int years) {
        return years + " ans";
    }

    static String kilometres(int km) {
        return km + " km";
    }

    static String minutes(int minutes) {
        return minutes + " min";
    }

    /** The programme with its article, as it reads inside a sentence: "l'aide Mobili-Pass", "le programme EMILE". */
    static String programme(Programme programme) {
        return switch (programme) {
            case MOBILI_JEUNE -> "Mobili-Jeune";
            case VISALE -> "Visale";
            case MOBILI_PASS -> "l'aide Mobili-Pass";
            case AIDE_SAISONNIERS_AGRICOLES -> "l'aide aux saisonniers agricoles";
            case CEJ -> "le Contrat d'engagement jeune (CEJ)";
            case EMILE -> "le programme EMILE";
        };
    }

    /** The programme after "éligible": "à Visale", "au programme EMILE" (French contracts "à le" into "au"). */
    static String afterA(Programme programme) {
        String name = programme(programme);
        return name.startsWith("le ") ? "au " + name.substring(3) : "à " + name;
    }

    static String contractType(ContractType type) {
        return switch (type) {
            case APPRENTISSAGE -> "contrat d'apprentissage";
            case PROFESSIONNALISATION -> "contrat de professionnalisation";
            case CDI -> "CDI";
            case CDD -> "CDD";
            case INTERIM -> "mission d'intérim";
            case SAISONNIER_AGRICOLE -> "contrat saisonnier agricole";
            case CDDI -> "CDDI (contrat d'insertion)";
        };
    }

    static String employerSector(EmployerSector sector) {
        return switch (sector) {
            case PRIVE_NON_AGRICOLE -> "employeur privé non agricole";
            case AGRICOLE -> "employeur agricole";
            case PUBLIC -> "employeur public";
        };
    }

    static String employmentStatus(EmploymentStatus status) {
        return switch (status) {
            case DEMANDEUR_EMPLOI -> "demandeur d'emploi";
            case APPRENTI -> "apprenti";
            case SALARIE -> "salarié";
            case SAISONNIER -> "saisonnier";
            case SANS_ACTIVITE -> "sans activité";
            case ETUDIANT -> "étudiant";
            case STAGIAIRE_FORMATION -> "stagiaire de la formation professionnelle";
        };
    }

    static String housingSituation(HousingSituation situation) {
        return switch (situation) {
            case LOCATAIRE -> "locataire";
            case HEBERGE_TIERS -> "hébergé chez un tiers";
            case FAMILLE -> "logé dans sa famille";
            case SANS_DOMICILE -> "sans domicile";
            case HEBERGEMENT_URGENCE -> "en hébergement d'urgence";
        };
    }

    static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
