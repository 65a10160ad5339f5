package fr.referralhub.eligibility;

import java.util.Set;

/**
 * Territories the rules name. Geography, not thresholds: they change with a law on territories, not with a
 * programme's yearly revision, hence constants rather than rule-set parameters.
 */
final class Territories {

    /** INSEE codes of the eight departements of Ile-de-France. */
    static final Set<String> ILE_DE_FRANCE_DEPARTEMENTS = Set.of("75", "77", "78", "91", "92", "93", "94", "95");

    /** Departement of the Rhone, where the Lyon metropolis lies. */
    static final String RHONE_DEPARTEMENT = "69";

    /**
     * Communes of the Lyon metropolis the hub recognises: Lyon itself (69123) and its nine arrondissements
     * (69381-69389), the codes partners send for Lyon addresses. The metropolis has some sixty communes; until the
     * official INSEE list is added here, a Rhone commune outside this set is reported as "to be checked" by the
     * counsellor, never as not eligible.
     */
    static final Set<String> KNOWN_LYON_METROPOLIS_COMMUNES = Set.of(
            "69123", "69381", "69382", "69383", "69384", "69385", "69386", "69387", "69388", "69389");

    private Territories() {
    }

    static boolean isIleDeFrance(String departement) {
        return departement != null && ILE_DE_FRANCE_DEPARTEMENTS.contains(departement);
    }
}
