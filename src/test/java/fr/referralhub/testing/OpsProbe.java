package fr.referralhub.testing;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A test-only operator endpoint under /ops, answering who called and with which roles, through the servlet API only
 * (the shared contract: code reads getUserPrincipal() and isUserInRole()).
 */
@TestComponent
@RestController
public class OpsProbe {

    @GetMapping("/ops/probe")
    public Map<String, Object> read(HttpServletRequest request) {
        return caller(request);
    }

    @PostMapping("/ops/probe")
    public Map<String, Object> act(HttpServletRequest request) {
        return caller(request);
    }

    private static Map<String, Object> caller(HttpServletRequest request) {
        return Map.of("user", request.getUserPrincipal() == null ? "" : request.getUserPrincipal().getName(),
                "viewer", request.isUserInRole("VIEWER"),
                "operator", request.isUserInRole("OPERATOR"));
    }
}
