package fr.referralhub.eligibility;

import java.util.Set;

/**
 * Ile-de-France, where Visale's higher rent cap applies. A region fixed by law rather than a programme's list, hence a
 * constant; the territories a programme chooses (EMILE's home communes and host departements) are rule-set data.
 */
final class Territories {

    /** INSEE codes of the eight departements of Ile-de-France. */
    static final Set<String> ILE_DE_FRANCE_DEPARTEMENTS = Set.of("75", "77", "78", "91", "92", "93", "94", "95");

    private Territories() {
    }

    static boolean isIleDeFrance(String departement) {
        return departement != null && ILE_DE_FRANCE_DEPARTEMENTS.contains(departement);
    }
}
