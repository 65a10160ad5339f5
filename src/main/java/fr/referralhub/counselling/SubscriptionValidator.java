package fr.referralhub.counselling;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import fr.referralhub.api.FieldError;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;
import fr.referralhub.counselling.Subscription.Criteria;
import fr.referralhub.counselling.Subscription.DeliveryMode;
import fr.referralhub.counselling.Subscription.EligibilityCriterion;
import fr.referralhub.territory.InseeCodes;

/**
 * Checks a {@link SubscriptionDeclaration} and gives every reason it is wrong at once, each naming its field as the
 * operator wrote it ({@code match.departements[1]}). The same rules apply to configuration (a wrong entry stops the
 * start-up), to the admin API (422 problem+json) and to records read back from the topic.
 */
public final class SubscriptionValidator {

    /** Ids become topic names ({@code counselling.<serviceId>}) and URL segments: keep them plain. */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final int MAX_AGE = 120;
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1");

    private SubscriptionValidator() {
    }

    /** Validates with webhook URLs in https only (production rule). */
    public static Subscription validate(SubscriptionDeclaration declaration) {
        return validate(declaration, false);
    }

    /**
     * @param allowHttpLocalhost whether a webhook may be plain http to localhost / 127.0.0.1 (dev profile and
     *                           tests only: a receiver on the developer's machine)
     */
    public static Subscription validate(SubscriptionDeclaration declaration, boolean allowHttpLocalhost) {
        List<FieldError> errors = new ArrayList<>();
        if (declaration == null) {
            throw new InvalidSubscriptionException(List.of(new FieldError("", "a subscription is required")));
        }
        checkId(declaration.id(), "id", errors);
        checkId(declaration.serviceId(), "serviceId", errors);
        if (declaration.description() != null && declaration.description().length() > 200) {
            errors.add(new FieldError("description", "at most 200 characters"));
        }
        Criteria criteria = criteria(declaration.match(), errors);
        Set<CounsellingField> profile = profile(declaration.profile(), errors);
        DeliveryMode mode = deliveryMode(declaration.delivery(), allowHttpLocalhost, errors);
        if (!errors.isEmpty()) {
            throw new InvalidSubscriptionException(errors);
        }
        return new Subscription(declaration.id(), declaration.serviceId(), declaration.description(), criteria,
                profile, mode, declaration);
    }

    private static void checkId(String id, String field, List<FieldError> errors) {
        if (id == null || id.isBlank()) {
            errors.add(new FieldError(field, "required"));
        } else if (!ID.matcher(id).matches()) {
            errors.add(new FieldError(field, "lower-case letters, digits and dashes, at most 63, e.g. adil-93"));
        }
    }

    private static Criteria criteria(SubscriptionDeclaration.Match match, List<FieldError> errors) {
        if (match == null) {
            errors.add(new FieldError("match", "required: at least the territory (departements or communes)"));
            return null;
        }
        Set<String> departements = codes(match.departements(), "match.departements", InseeCodes::isDepartement,
                "is not an INSEE departement code (e.g. 93, 2A, 971)", errors);
        Set<String> communes = codes(match.communes(), "match.communes", InseeCodes::isCommune,
                "is not an INSEE commune code (5 characters, e.g. 93066, 2A004)", errors);
        if (nullToEmpty(match.departements()).isEmpty() && nullToEmpty(match.communes()).isEmpty()) {
            // Counselling services work on a territory; an empty one would send every referral in France.
            errors.add(new FieldError("match.departements", "a subscription needs a territory: at least one "
                    + "departement or commune"));
        }
        Set<Need> needs = enums(match.needs(), "match.needs", Need.class, errors);
        if (needs.contains(Need.SANTE)) {
            errors.add(new FieldError("match.needs", "SANTE is health data: it is never shared with counselling "
                    + "services, so no referral could match it"));
        }
        Set<Programme> programmes = enums(match.programmes(), "match.programmes", Programme.class, errors);
        List<EligibilityCriterion> eligibility = new ArrayList<>();
        List<SubscriptionDeclaration.EligibilityMatch> wanted = nullToEmpty(match.eligibility());
        for (int i = 0; i < wanted.size(); i++) {
            String field = "match.eligibility[" + i + "]";
            SubscriptionDeclaration.EligibilityMatch one = wanted.get(i);
            if (one == null) {
                errors.add(new FieldError(field, "required: a programme and an outcome"));
                continue;
            }
            Programme programme = oneEnum(one.programme(), field + ".programme", Programme.class, errors);
            EligibilityOutcome outcome = oneEnum(one.outcome(), field + ".outcome", EligibilityOutcome.class, errors);
            if (programme != null && outcome != null) {
                eligibility.add(new EligibilityCriterion(programme, outcome));
            }
        }
        checkAge(match.minAge(), "match.minAge", errors);
        checkAge(match.maxAge(), "match.maxAge", errors);
        if (match.minAge() != null && match.maxAge() != null && match.minAge() > match.maxAge()) {
            errors.add(new FieldError("match.maxAge", "smaller than minAge (" + match.minAge()
                    + "): the age range is inverted"));
        }
        return new Criteria(departements, communes, needs, programmes, List.copyOf(eligibility), match.minAge(),
                match.maxAge());
    }

    private static void checkAge(Integer age, String field, List<FieldError> errors) {
        if (age != null && (age < 0 || age > MAX_AGE)) {
            errors.add(new FieldError(field, "an age in years, from 0 to " + MAX_AGE));
        }
    }

    private static Set<CounsellingField> profile(List<String> profile, List<FieldError> errors) {
        if (profile == null || profile.isEmpty()) {
            errors.add(new FieldError("profile", "required: the field groups the service may see, e.g. [HOME, AGE, NEEDS] ("
                    + names(CounsellingField.class) + ")"));
            return Set.of();
        }
        return enums(profile, "profile", CounsellingField.class, errors);
    }

    private static DeliveryMode deliveryMode(SubscriptionDeclaration.Delivery delivery, boolean allowHttpLocalhost,
                                             List<FieldError> errors) {
        if (delivery == null || delivery.mode() == null) {
            if (delivery != null && (delivery.url() != null || delivery.secretRef() != null)) {
                errors.add(new FieldError("delivery.mode", "required with a url or secretRef: WEBHOOK"));
            }
            return DeliveryMode.KAFKA;
        }
        DeliveryMode mode = oneEnum(delivery.mode(), "delivery.mode", DeliveryMode.class, errors);
        if (mode == DeliveryMode.WEBHOOK) {
            checkWebhookUrl(delivery.url(), allowHttpLocalhost, errors);
            if (delivery.secretRef() == null || delivery.secretRef().isBlank()) {
                errors.add(new FieldError("delivery.secretRef", "required: the name of the signing secret, configured "
                        + "as hub.webhook-secrets.<name> on the hub (never the secret itself)"));
            } else if (!ID.matcher(delivery.secretRef()).matches()) {
                errors.add(new FieldError("delivery.secretRef", "the NAME of a secret (lower-case letters, digits and "
                        + "dashes, at most 63, e.g. adil-93), not the secret itself"));
            }
        } else if (mode == DeliveryMode.KAFKA && (delivery.url() != null || delivery.secretRef() != null)) {
            errors.add(new FieldError(delivery.url() != null ? "delivery.url" : "delivery.secretRef",
                    "only for WEBHOOK delivery: a KAFKA subscription reads its topic"));
        }
        return mode;
    }

    private static void checkWebhookUrl(String url, boolean allowHttpLocalhost, List<FieldError> errors) {
        String problem = webhookUrlProblem(url, allowHttpLocalhost);
        if (problem != null) {
            errors.add(new FieldError("delivery.url", problem));
        }
    }

    /**
     * Why a URL cannot be a webhook the hub POSTs to (also partners' feedback webhooks); null when it can.
     *
     * @param allowHttpLocalhost whether plain http to localhost / 127.0.0.1 is allowed (dev profile and tests)
     */
    public static String webhookUrlProblem(String url, boolean allowHttpLocalhost) {
        if (url == null || url.isBlank()) {
            return "required for WEBHOOK: the https URL the hub POSTs to";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "not a URL: " + e.getReason();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || host.isBlank() || !(scheme.equals("https") || scheme.equals("http"))) {
            return "an absolute https URL with a host, e.g. https://service.example/referrals";
        } else if (uri.getUserInfo() != null) {
            // Credentials in the URL would be stored on the topic and answered by GET: the signature authenticates.
            return "must not hold credentials (user:password@): the hub signs each request with the webhook's "
                    + "secret instead";
        } else if (scheme.equals("http") && !(allowHttpLocalhost && LOCAL_HOSTS.contains(host.toLowerCase(Locale.ROOT)))) {
            return allowHttpLocalhost ? "https required (plain http only to localhost or 127.0.0.1)"
                    : "https required: referrals hold personal data and cross the network";
        }
        return null;
    }

    private static Set<String> codes(List<String> codes, String field, Function<String, Boolean> valid, String reason,
                                     List<FieldError> errors) {
        Set<String> checked = new LinkedHashSet<>();
        List<String> given = nullToEmpty(codes);
        for (int i = 0; i < given.size(); i++) {
            if (Boolean.TRUE.equals(valid.apply(given.get(i)))) {
                checked.add(given.get(i));
            } else {
                errors.add(new FieldError(field + "[" + i + "]", "'" + given.get(i) + "' " + reason));
            }
        }
        // Not Set.copyOf: its contains(null) throws, and a referral's home departement may be unknown.
        return Collections.unmodifiableSet(checked);
    }

    private static <E extends Enum<E>> Set<E> enums(List<String> values, String field, Class<E> type,
                                                    List<FieldError> errors) {
        Set<E> checked = EnumSet.noneOf(type);
        List<String> given = nullToEmpty(values);
        for (int i = 0; i < given.size(); i++) {
            E value = oneEnum(given.get(i), field + "[" + i + "]", type, errors);
            if (value != null) {
                checked.add(value);
            }
        }
        // Not Set.copyOf: its contains(null) throws, and a referral's home departement may be unknown.
        return Collections.unmodifiableSet(checked);
    }

    private static <E extends Enum<E>> E oneEnum(String value, String field, Class<E> type, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "required, one of " + names(type)));
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException unknown) {
            errors.add(new FieldError(field, "unknown value '" + value + "', expected one of " + names(type)));
            return null;
        }
    }

    private static String names(Class<? extends Enum<?>> type) {
        return Arrays.toString(type.getEnumConstants());
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
