package fr.referralhub.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Package rules of the hub's own code: no package cycles (a newcomer can read a package knowing only those it uses),
 * and the referral state, the core the features lean on, leans on none of them.
 */
class ArchitectureTest {

    private static final JavaClasses HUB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("fr.referralhub");

    @Test
    void shouldHaveNoPackageCycles() {
        slices().matching("fr.referralhub.(*)..").should().beFreeOfCycles().check(HUB);
    }

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
