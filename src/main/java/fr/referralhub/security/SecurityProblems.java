package fr.referralhub.security;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.api.ProblemDetails;
import jakarta.servlet.http.HttpServletResponse;

/** 401/403 answers of the operator side as application/problem+json, like the partner API's. */
final class SecurityProblems {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SecurityProblems() {
    }

    static void write(HttpServletResponse response, int status, String type, String title, String detail)
            throws IOException {
        Map<String, Object> problem = ProblemDetails.body(status, type, title, detail, List.of());
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        JSON.writeValue(response.getOutputStream(), problem);
    }
}
