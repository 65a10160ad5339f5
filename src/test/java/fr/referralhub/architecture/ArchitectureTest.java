package fr.referralhub.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Package rules of the hub's own code. The referral state is the core the features lean on, so it must not lean on
 * them: a feature package importing it is fine, the other way round would make a cycle.
 *
 * <p>Not yet enforced, and left for the next slices of the referral-state issue: the cycles that exist today
 * (counselling and status, intake and operations, api and intake, intake and logging) must go before a rule
 * "free of cycles" over every package can hold.
 */
class ArchitectureTest {

    private static final JavaClasses HUB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("fr.referralhub");

    @Test
    void shouldKeepTheReferralStateFreeOfTheFeaturesThatUseIt() {
        noClasses().that().resideInAPackage("fr.referralhub.state..")
                .should().dependOnClassesThat().resideInAnyPackage("fr.referralhub.intake..",
                        "fr.referralhub.counselling..", "fr.referralhub.status..", "fr.referralhub.timeline..",
                        "fr.referralhub.expiry..", "fr.referralhub.eligibility..", "fr.referralhub.operations..",
                        "fr.referralhub.embedded..", "fr.referralhub.api..")
                .because("the referral state is the core the features use; a dependency back would be a cycle")
                .check(HUB);
    }
}
