package fr.referralhub.security;

import java.io.IOException;

import fr.referralhub.api.ProblemDetails;
import jakarta.servlet.http.HttpServletResponse;

/** 401/403 answers of the operator side as application/problem+json, like the partner API's. */
final class SecurityProblems {

    private SecurityProblems() {
    }

    static void write(HttpServletResponse response, int status, String type, String title, String detail)
            throws IOException {
        ProblemDetails.write(response, status, type, title, detail);
    }
}
