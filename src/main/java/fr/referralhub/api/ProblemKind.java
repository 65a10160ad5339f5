package fr.referralhub.api;

/**
 * One way the hub refuses a request.
 *
 * @param status HTTP status
 * @param type   stable problem type, the last segment of {@link ProblemDetails#TYPE_BASE}{@code type}: clients
 *               branch on it, so it never changes once published
 * @param title  short English title, the same for every occurrence
 */
public record ProblemKind(int status, String type, String title) {
}
