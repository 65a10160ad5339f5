package fr.referralhub.eligibility;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import fr.referralhub.avro.DecisionKind;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;

/**
 * Decides which housing aids and programmes the person of a referral event can get.
 *
 * <p>The decision is a pure function of the event and the rule-set file: the rules are applied for the date the
 * partner event happened ({@code occurredAt}, as a calendar day in Europe/Paris), never for the wall clock, and the
 * decision id is derived from the event id. Deciding the same event again, today or in a year, gives the same
 * decision (only {@code decidedAt}, passed in by the caller, differs).
 *
 * <p>Programmes decided: those the referrer requested, then those the needs suggest according to the rule set
 * ({@code suggestedProgrammes}: today a housing or mobility need suggests Mobili-Jeune and Visale), each flagged
 * {@code requested} or not.
 *
 * <p>A cancelled referral gets a {@link DecisionKind#WITHDRAWAL} instead ({@link #withdraw}): no rule is applied,
 * the record only says that no earlier decision of the referral stands any more.
 *
 * <p>Thread-safe and stateless once built; build it once with {@link #withBundledRuleSets()}.
 */
public final class EligibilityEngine {

    /** Classpath location of the rule-set file shipped with the hub. */
    public static final String BUNDLED_RULE_SETS = "eligibility/rule-sets.yaml";

    /** Time zone that turns the partner's timestamp into the application date: French rules use French days. */
    public static final ZoneId APPLICATION_TIME_ZONE = ZoneId.of("Europe/Paris");

    private final RuleSetCatalogue catalogue;
    private final Map<Programme, ProgrammeRule> rules = new EnumMap<>(Programme.class);

    /**
     * @param catalogue rule sets loaded with {@link #ruleSetLoader()}, so that they hold every parameter the rules
     *                  read
     * @throws IllegalArgumentException when a rule set leaves a programme open that has no rule, or lacks a
     *                                  parameter of a rule
     */
    public EligibilityEngine(RuleSetCatalogue catalogue) {
        this(catalogue, defaultRules());
    }

    EligibilityEngine(RuleSetCatalogue catalogue, List<ProgrammeRule> rules) {
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
        rules.forEach(rule -> this.rules.put(rule.programme(), rule));
        checkEveryOpenProgrammeCanBeDecided();
    }

    /** An engine with the rule sets of {@link #BUNDLED_RULE_SETS}; fails if that file is invalid. */
    public static EligibilityEngine withBundledRuleSets() {
        return new EligibilityEngine(ruleSetLoader().loadFromClasspath(BUNDLED_RULE_SETS));
    }

    /** The rule sets the engine decides with. */
    public RuleSetCatalogue catalogue() {
        return catalogue;
    }

    /** A loader that requires, in every rule set, each parameter the engine's rules read. */
    public static RuleSetLoader ruleSetLoader() {
        return new RuleSetLoader(defaultRules().stream().flatMap(rule -> rule.parameters().stream()).toList());
    }

    /** The rules of every programme that can be open. Mobili-Pass has none: it is closed in every rule set. */
    static List<ProgrammeRule> defaultRules() {
        return List.of(new MobiliJeuneRule(), new VisaleRule(), new SeasonalAgriculturalWorkerAidRule(),
                new CejRule(), new EmileRule());
    }

    /**
     * Decides a creation or an update of a referral.
     *
     * @param event     a CREATED or UPDATED event, with its person
     * @param decidedAt when the hub makes the decision (kept to the millisecond, as the Avro field stores it)
     * @throws IllegalArgumentException for a CANCELLED event (nothing to decide: {@link #withdraw} it) or an event
     *                                  without person
     * @throws IllegalStateException    when no rule set covers the event's date
     */
    public EligibilityDecision decide(ReferralEvent event, Instant decidedAt) {
        return decide(event, decidedAt, List.of());
    }

    /**
     * Decides a creation or an update of a referral, knowing the aids the hub already found the same person
     * eligible for on other referrals (the referral state's person history).
     *
     * @param earlierAids what a programme that limits its repeats decides against; empty when unknown
     */
    public EligibilityDecision decide(ReferralEvent event, Instant decidedAt, List<EarlierAid> earlierAids) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(decidedAt, "decidedAt");
        if (event.getEventType() == ReferralEventType.CANCELLED) {
            throw new IllegalArgumentException("Referral event " + event.getEventId()
                    + " is a cancellation: there is no eligibility to decide, withdraw the decision instead");
        }
        if (event.getPerson() == null) {
            throw new IllegalArgumentException("Referral event " + event.getEventId()
                    + " has no person: eligibility cannot be decided");
        }
        LocalDate applicationDate = applicationDate(event);
        RuleSet ruleSet = catalogue.ruleSetFor(applicationDate);
        RuleContext context = new RuleContext(applicationDate, ruleSet, catalogue.referenceSmicOn(applicationDate),
                earlierAids);
        ReferralFacts facts = new ReferralFacts(event);

        List<ProgrammeDecision> decisions = new ArrayList<>();
        programmesToDecide(event, ruleSet).forEach((programme, requested) ->
                decisions.add(assess(programme, facts, context).toDecision(programme, requested)));

        return EligibilityDecision.newBuilder()
                .setDecisionId(decisionIdFor(event.getEventId()))
                .setReferralId(event.getReferralId())
                .setReferralEventId(event.getEventId())
                .setPersonReference(event.getPerson().getPersonReference())
                .setApplicationDate(applicationDate)
                .setDecidedAt(decidedAt.truncatedTo(ChronoUnit.MILLIS))
                .setRuleSetVersion(ruleSet.version())
                .setProgrammes(decisions)
                .setKind(DecisionKind.DECISION)
                .setWithdrawalReason(null)
                .build();
    }

    /**
     * The withdrawal of a cancelled referral's decisions: a record of kind WITHDRAWAL, with no programme, telling
     * consumers that no earlier decision of {@code referralId} stands any more. Like a decision it depends only on
     * the event (and the rule-set file): its id derives from the cancellation event's id, its application date is
     * the cancellation's day in Europe/Paris, and it names the rule-set version in force that day, or "" when no
     * rule set covers it (no rule is applied, so a cancellation is never refused for its date).
     *
     * @param cancellation    a CANCELLED event; it carries no person
     * @param personReference the referral's person reference: the key of the cancellation record, which is that of
     *                        the referral's creation, so the withdrawal follows its decisions on the same partition
     * @param decidedAt       when the hub withdraws (kept to the millisecond)
     * @throws IllegalArgumentException for an event that is not a cancellation, or without person reference
     */
    public EligibilityDecision withdraw(ReferralEvent cancellation, String personReference, Instant decidedAt) {
        Objects.requireNonNull(cancellation, "cancellation");
        Objects.requireNonNull(decidedAt, "decidedAt");
        if (cancellation.getEventType() != ReferralEventType.CANCELLED) {
            throw new IllegalArgumentException("Referral event " + cancellation.getEventId() + " is a "
                    + cancellation.getEventType() + ", not a cancellation: decide it instead");
        }
        if (personReference == null || personReference.isBlank()) {
            throw new IllegalArgumentException("Cancellation " + cancellation.getEventId()
                    + " has no record key: the withdrawal cannot name the person of the referral");
        }
        LocalDate cancellationDate = applicationDate(cancellation);
        return EligibilityDecision.newBuilder()
                .setDecisionId(decisionIdFor(cancellation.getEventId()))
                .setReferralId(cancellation.getReferralId())
                .setReferralEventId(cancellation.getEventId())
                .setPersonReference(personReference)
                .setApplicationDate(cancellationDate)
                .setDecidedAt(decidedAt.truncatedTo(ChronoUnit.MILLIS))
                .setRuleSetVersion(catalogue.findRuleSetFor(cancellationDate).map(RuleSet::version).orElse(""))
                .setProgrammes(List.of())
                .setKind(DecisionKind.WITHDRAWAL)
                .setWithdrawalReason(cancellation.getCancellationReason())
                .build();
    }

    /**
     * The aids of this decision that a later decision for the same person must know of: the seasonal workers' aid
     * when the person was found eligible for it, under the year it counts for. The referral state keeps them in its
     * person history and gives them back to {@link #decide(ReferralEvent, Instant, List)} for the person's other
     * referrals.
     *
     * @return empty for a withdrawal, or when no such programme was found eligible
     */
    public List<EarlierAid> aidsToRemember(ReferralEvent event, EligibilityDecision decision) {
        if (decision == null || decision.getKind() != DecisionKind.DECISION || event.getPerson() == null) {
            return List.of();
        }
        boolean seasonal = decision.getProgrammes().stream().anyMatch(programme ->
                programme.getProgramme() == Programme.AIDE_SAISONNIERS_AGRICOLES
                        && programme.getOutcome() == EligibilityOutcome.ELIGIBLE);
        if (!seasonal) {
            return List.of();
        }
        int year = SeasonalAgriculturalWorkerAidRule.seasonYear(new ReferralFacts(event), decision.getApplicationDate());
        return List.of(new EarlierAid(Programme.AIDE_SAISONNIERS_AGRICOLES, year, event.getReferralId()));
    }

    /** The calendar day in France when the partner event happened: an event at 23:30 UTC is on the next day. */
    public static LocalDate applicationDate(ReferralEvent event) {
        return LocalDate.ofInstant(event.getOccurredAt(), APPLICATION_TIME_ZONE);
    }

    /**
     * Same event, same decision id: a re-decided event (replay, redelivery) overwrites instead of duplicating. A
     * withdrawal's id is derived the same way from its cancellation event, a distinct event of the referral.
     */
    public static String decisionIdFor(String referralEventId) {
        return UUID.nameUUIDFromBytes(("decision:" + referralEventId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Requested programmes first, in the referrer's order, then those the needs suggest in the rule set of the
     * application date (its {@code suggestedProgrammes}); each programme once.
     */
    private static Map<Programme, Boolean> programmesToDecide(ReferralEvent event, RuleSet ruleSet) {
        Map<Programme, Boolean> requestedByProgramme = new LinkedHashMap<>();
        event.getRequestedProgrammes().forEach(programme -> requestedByProgramme.put(programme, true));
        for (Need need : event.getNeeds()) {
            ruleSet.suggestedFor(need).forEach(programme -> requestedByProgramme.putIfAbsent(programme, false));
        }
        return requestedByProgramme;
    }

    private Assessment assess(Programme programme, ReferralFacts facts, RuleContext context) {
        Optional<LocalDate> lastApplicationDate = context.ruleSet().lastApplicationDate(programme);
        if (lastApplicationDate.isPresent()) {
            return closedProgramme(programme, context.applicationDate(), lastApplicationDate.get());
        }
        return rules.get(programme).assess(facts, context);
    }

    private static Assessment closedProgramme(Programme programme, LocalDate applicationDate, LocalDate lastDay) {
        String closure = "plus aucune demande n'est acceptée après le " + FrenchText.date(lastDay);
        return new Assessment()
                .fail(CriterionCode.PROGRAMME_OPEN, "demande du " + FrenchText.date(applicationDate),
                        "demande au plus tard le " + FrenchText.date(lastDay),
                        "Dispositif suspendu : " + closure + " pour " + FrenchText.programme(programme)
                                + " ; orienter la personne vers un autre dispositif.")
                .summaryDetail(closure);
    }

    /** Fails fast, when the hub starts, rather than on the first referral that needs a missing rule or parameter. */
    private void checkEveryOpenProgrammeCanBeDecided() {
        for (RuleSet ruleSet : catalogue.ruleSets()) {
            for (Programme programme : Programme.values()) {
                if (ruleSet.lastApplicationDate(programme).isPresent()) {
                    continue;
                }
                ProgrammeRule rule = rules.get(programme);
                if (rule == null) {
                    throw new IllegalArgumentException("Rule set " + ruleSet.version() + " of "
                            + catalogue.source() + " leaves " + programme + " open, but the engine has no rule for it:"
                            + " list it under closedProgrammes or add a rule");
                }
                for (RuleParameter parameter : rule.parameters()) {
                    if (!ruleSet.has(parameter)) {
                        throw new IllegalArgumentException("Rule set " + ruleSet.version() + " of "
                                + catalogue.source() + " has no parameter " + parameter.key()
                                + ": load it with EligibilityEngine.ruleSetLoader()");
                    }
                }
            }
        }
    }
}
