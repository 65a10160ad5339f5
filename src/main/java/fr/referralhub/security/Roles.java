package fr.referralhub.security;

/** Role names as code checks them: {@code request.isUserInRole(Roles.OPERATOR)}. */
public final class Roles {

    /** Reads: browse routes, read attributes and metrics, GET on /ops. */
    public static final String VIEWER = "VIEWER";
    /** Also acts: stop/start routes, write attributes, Jolokia exec (replays...), non-GET on /ops. */
    public static final String OPERATOR = "OPERATOR";

    private Roles() {
    }
}
