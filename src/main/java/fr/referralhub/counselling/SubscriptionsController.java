package fr.referralhub.counselling;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import fr.referralhub.api.FieldError;
import fr.referralhub.api.JsonErrorPosition;
import fr.referralhub.api.ProblemDetails;
import fr.referralhub.counselling.StoredSubscription.Origin;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /ops/subscriptions}: operators list, read, create or replace ({@code PUT}, idempotent) and delete counselling
 * subscriptions. A write returns once the subscription is stored on its topic and in force on this instance; the
 * other instances follow it from the topic. Access (VIEWER reads, OPERATOR writes) is Spring Security's, on
 * {@code /ops/**}. An operator API, not a referral flow: a plain Spring controller rather than a Camel route.
 *
 * <p>An operator's change to a subscription the configuration declares stands in for the configuration's version for
 * good (configuration changes to it are ignored): every answer says so ({@code overridesConfiguration} and a note),
 * and {@code POST /{id}/restore-configuration} puts the configuration's version back.
 */
@RestController
@RequestMapping("/ops/subscriptions")
public class SubscriptionsController {

    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;
    private static final Logger log = LoggerFactory.getLogger(SubscriptionsController.class);
    private static final String RESTORE = "/ops/subscriptions/%s/restore-configuration";

    private final SubscriptionStore store;
    private final boolean securityEnabled;

    public SubscriptionsController(SubscriptionStore store,
                                   @Value("${hub.security.enabled:true}") boolean securityEnabled) {
        this.store = store;
        this.securityEnabled = securityEnabled;
    }

    /**
     * A subscription as answered: as stored, and whether it stands in for the configuration's version of it (then
     * {@code note} says what that means and how to go back).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SubscriptionAnswer(SubscriptionDeclaration subscription, Origin origin, String updatedBy,
                                     String updatedAt, boolean overridesConfiguration, String note) {
    }

    @GetMapping
    public List<SubscriptionAnswer> list() {
        return store.all().stream().map(this::answer).toList();
    }

    @GetMapping("/{id}")
    public ResponseEntity<?> one(@PathVariable String id) {
        return store.stored(id).<ResponseEntity<?>>map(stored -> ResponseEntity.ok(answer(stored)))
                .orElseGet(() -> notFound(id));
    }

    /** Puts the configuration's version back over an operator's change or deletion; configuration changes apply again. */
    @PostMapping("/{id}/restore-configuration")
    public ResponseEntity<?> restoreConfiguration(@PathVariable String id, HttpServletRequest request) {
        Optional<StoredSubscription> restored;
        try {
            restored = store.restoreConfigured(id, operator(request));
        } catch (RuntimeException e) {
            return unavailable(e);
        }
        if (restored.isEmpty()) {
            return problem(404, "not-configured", "Not a configured subscription", "The configuration "
                    + "(hub.subscriptions) declares no subscription '" + id + "': there is no version of it to restore.",
                    List.of());
        }
        log.info("Subscription {} restored to the configuration's version by {}", id, operator(request));
        return ResponseEntity.ok(answer(restored.get()));
    }

    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<?> put(@PathVariable String id, @RequestBody String body, HttpServletRequest request) {
        SubscriptionDeclaration declaration;
        try {
            declaration = SubscriptionStore.JSON.readValue(body, SubscriptionDeclaration.class);
        } catch (JsonProcessingException e) {
            return problem(400, "invalid-subscription", "Invalid subscription",
                    "The body is not a subscription; nothing was stored.", List.of(reason(e)));
        }
        if (declaration == null) {
            return problem(400, "invalid-subscription", "Invalid subscription", "The body is empty.", List.of());
        }
        if (declaration.id() != null && !declaration.id().equals(id)) {
            return problem(422, "invalid-subscription", "Invalid subscription", "1 field is invalid; nothing was stored.",
                    List.of(new FieldError("id", "must be the id of the path, '" + id + "' (or left out)")));
        }
        SubscriptionDeclaration withId = new SubscriptionDeclaration(id, declaration.serviceId(),
                declaration.description(), declaration.match(), declaration.profile(), declaration.delivery());
        boolean existed = store.stored(id).isPresent();
        StoredSubscription stored;
        try {
            stored = store.put(withId, operator(request));
        } catch (InvalidSubscriptionException e) {
            return problem(422, "invalid-subscription", "Invalid subscription", e.errors().size() == 1
                    ? "1 field is invalid; nothing was stored." : e.errors().size() + " fields are invalid; nothing was stored.",
                    e.errors());
        } catch (RuntimeException e) {
            return unavailable(e);
        }
        SubscriptionAnswer answer = answer(stored);
        log.info("Subscription {} {} by {}{}", id, existed ? "replaced" : "created", stored.updatedBy(),
                answer.overridesConfiguration() ? ", over the configuration's version (configuration changes to it "
                        + "are ignored until it is restored)" : "");
        return existed ? ResponseEntity.ok(answer)
                : ResponseEntity.created(URI.create("/ops/subscriptions/" + id)).body(answer);
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<?> delete(@PathVariable String id, HttpServletRequest request) {
        try {
            if (!store.delete(id, operator(request))) {
                return notFound(id);
            }
        } catch (RuntimeException e) {
            return unavailable(e);
        }
        log.info("Subscription {} deleted by {}", id, operator(request));
        return ResponseEntity.noContent().build();
    }

    private SubscriptionAnswer answer(StoredSubscription stored) {
        String id = stored.subscription().id();
        boolean overrides = store.overridesConfiguration(id);
        return new SubscriptionAnswer(stored.subscription(), stored.origin(), stored.updatedBy(), stored.updatedAt(),
                overrides, overrides ? "hub.subscriptions declares " + id + " too: this operator's version is in force "
                        + "instead of it, and configuration changes to it are ignored, until POST " + RESTORE.formatted(id)
                        + " puts the configuration's version back." : null);
    }

    /** The shared security contract: the servlet principal, or "dev-anonymous" where security is off. */
    private String operator(HttpServletRequest request) {
        if (!securityEnabled) {
            return "dev-anonymous";
        }
        return request.getUserPrincipal() == null ? "unknown" : request.getUserPrincipal().getName();
    }

    /** Jackson's complaint as a field-level reason, with the path as the operator wrote it. */
    private static FieldError reason(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new FieldError(path(unknown), "unknown field; expected one of " + unknown.getKnownPropertyIds()
                    .stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
        }
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String expected = mismatch.getTargetType() == null ? "another type"
                    : mismatch.getTargetType().getSimpleName().replace("Integer", "a whole number")
                            .replace("List", "a list").replace("String", "a string");
            return new FieldError(path(mismatch), "wrong type: expected " + expected);
        }
        return new FieldError("", "not valid JSON" + JsonErrorPosition.of(e));
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            }
        }
        return path.toString();
    }

    private ResponseEntity<?> notFound(String id) {
        return problem(404, "unknown-subscription", "Unknown subscription", "No subscription has the id '" + id + "'."
                + (store.overridesConfiguration(id) ? " The configuration declares it and an operator deleted it: POST "
                + RESTORE.formatted(id) + " puts the configuration's version back." : ""), List.of());
    }

    private ResponseEntity<?> unavailable(RuntimeException e) {
        log.warn("Subscription not stored: {}", e.toString());
        return problem(503, "hub-unavailable", "Hub temporarily unavailable",
                "The subscriptions topic did not acknowledge the change in time; retry (PUT and DELETE are idempotent).",
                List.of());
    }

    private static ResponseEntity<?> problem(int status, String type, String title, String detail,
                                             List<FieldError> errors) {
        return ResponseEntity.status(status).contentType(PROBLEM)
                .body(ProblemDetails.body(status, type, title, detail, errors));
    }
}
