package fr.referralhub.operations;

import fr.referralhub.api.ProblemDetails;
import fr.referralhub.operations.Callers.AccessDenied;
import fr.referralhub.operations.Callers.Caller;
import fr.referralhub.operations.DeadLetterOperations.Filter;
import fr.referralhub.operations.DeadLetterOperations.Inspection;
import fr.referralhub.operations.DeadLetterOperations.Listing;
import fr.referralhub.operations.DeadLetterReplay.NotReplayable;
import fr.referralhub.operations.DeadLetterReplay.ReplayUnavailable;
import fr.referralhub.operations.DeadLetterReplay.Result;
import fr.referralhub.operations.OperatorAudit.AuditUnavailable;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dead letters over HTTP for operators: {@code GET /ops/dead-letters} (metadata, VIEWER or OPERATOR),
 * {@code GET /ops/dead-letters/{id}} (with the decrypted original, OPERATOR, audited) and
 * {@code POST /ops/dead-letters/{id}/replay} (OPERATOR, audited). Errors are {@code application/problem+json}.
 */
@RestController
@RequestMapping("/ops/dead-letters")
class DeadLettersController {

    static final String CHANNEL = "HTTP";
    private static final Logger log = LoggerFactory.getLogger(DeadLettersController.class);

    private final DeadLetterOperations operations;
    private final Callers callers;

    DeadLettersController(DeadLetterOperations operations, Callers callers) {
        this.operations = operations;
        this.callers = callers;
    }

    @GetMapping
    Listing list(@RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) String before,
                 @RequestParam(required = false) String route, @RequestParam(required = false) String topic,
                 @RequestParam(required = false) String partner, HttpServletRequest request) {
        callers.of(request).requireViewer();
        return operations.list(limit, blankToNull(before),
                new Filter(blankToNull(route), blankToNull(topic), blankToNull(partner)));
    }

    @GetMapping("/{id}")
    Inspection inspect(@PathVariable String id, HttpServletRequest request) {
        Caller caller = callers.of(request).requireOperator();
        return operations.inspect(id, caller.name(), CHANNEL);
    }

    /** 200 when published or a duplicate; 422 with the reasons when refused again (no new dead letter). */
    @PostMapping("/{id}/replay")
    ResponseEntity<Object> replay(@PathVariable String id, HttpServletRequest request) {
        Caller caller = callers.of(request).requireOperator();
        Result result = operations.replay(id, caller.name(), CHANNEL);
        if (result.outcome() != DeadLetterReplay.Outcome.REFUSED) {
            return ResponseEntity.ok(result);
        }
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_ENTITY, "replay-refused", "Replay refused",
                "Dead letter " + id + " was refused again by " + result.route()
                        + "; nothing was published and no new dead letter was written. Fix the cause, then replay.");
        problem.setProperty("deadLetterId", id);
        problem.setProperty("outcome", result.outcome());
        problem.setProperty("reasons", result.reasons());
        return ResponseEntity.unprocessableEntity().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler(AccessDenied.class)
    ResponseEntity<ProblemDetail> denied(AccessDenied denied) {
        boolean unauthenticated = !denied.caller().authenticated();
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(unauthenticated ? 401 : 403);
        if (unauthenticated) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"referral-hub\"");
        }
        return answer.body(problem(unauthenticated ? HttpStatus.UNAUTHORIZED : HttpStatus.FORBIDDEN,
                unauthenticated ? "unauthenticated" : "forbidden", unauthenticated ? "Login required" : "Forbidden",
                denied.getMessage()));
    }

    @ExceptionHandler(DeadLetterNotFound.class)
    ResponseEntity<ProblemDetail> notFound(DeadLetterNotFound e) {
        return ResponseEntity.status(404).body(problem(HttpStatus.NOT_FOUND, "dead-letter-not-found",
                "No such dead letter", e.getMessage()));
    }

    @ExceptionHandler({NotReplayable.class, DeadLetterOperations.Undecryptable.class})
    ResponseEntity<ProblemDetail> notReplayable(RuntimeException e) {
        return ResponseEntity.status(409).body(problem(HttpStatus.CONFLICT, "dead-letter-not-processable",
                "Dead letter cannot be processed here", e.getMessage()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badRequest(IllegalArgumentException e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage());
        return ResponseEntity.badRequest().body(problem);
    }

    /** An outage of the broker, registry or audit topic: nothing was shown or done; retry later. */
    @ExceptionHandler({ReplayUnavailable.class, AuditUnavailable.class, org.apache.kafka.common.KafkaException.class})
    ResponseEntity<ProblemDetail> unavailable(RuntimeException e) {
        log.warn("Dead-letter operation failed, Kafka unavailable: {}", e.toString());
        return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, "30").body(problem(
                HttpStatus.SERVICE_UNAVAILABLE, "hub-unavailable", "Hub temporarily unavailable", e.getMessage()));
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(ProblemDetails.type(type));
        problem.setTitle(title);
        return problem;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
