package fr.referralhub.security;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import fr.referralhub.api.ErrorProblems;
import fr.referralhub.operations.OperatorAudit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.DefaultAuthenticationEventPublisher;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestHeaderRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.StringUtils;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The hub's access rules (the shared security contract, COMMON.md):
 * <ul>
 * <li>{@code /api/v1/**}: a chain of its own with only the firewall and the security headers; the Camel routes
 * authenticate partners by API key and answer 401/403 as problem+json themselves. No session, no cookie, no CSRF.</li>
 * <li>{@code /actuator/health/**}, {@code /actuator/info}: open, for Kubernetes probes; health details only for
 * VIEWER/OPERATOR (management.endpoint.health.show-details=when-authorized).</li>
 * <li>{@code /actuator/prometheus}: VIEWER. The hub's one HTTP port also serves partners, so open metrics would show
 * every partner the others' volumes and outcomes. Prometheus scrapes with HTTP Basic (scrape_config basic_auth) as a
 * dedicated VIEWER account.</li>
 * <li>the rest of {@code /actuator} (Hawtio console, Jolokia, metrics, partners): VIEWER or OPERATOR; Jolokia
 * only the exec calls the console needs, the changing ones for OPERATOR and audited; nothing else, in any profile
 * ({@link JolokiaPolicy}, enforced by {@link JolokiaOperationGuard} and by Jolokia's own jolokia-access.xml).</li>
 * <li>{@code /ops/**}: GET (and HEAD) for VIEWER or OPERATOR, any other method for OPERATOR.</li>
 * </ul>
 * People log in on Spring Security's login form ({@code /login}), which sends them back to the page they asked for;
 * scripts (Jolokia clients, Prometheus, /ops automation) send HTTP Basic credentials with each request. Failed logins
 * slow further attempts ({@link LoginThrottle}); requests another web site makes a browser send are refused, in every
 * profile ({@link SameOriginFilter}).
 *
 * <p>Why not Hawtio's own login page ({@code hawtio.authenticationEnabled=true}): its bridge to Spring Security
 * (io.hawt:hawtio-springboot-security) is not published on Maven Central for Hawtio 5.2.0, and without it Hawtio would
 * authenticate against a JAAS realm of its own, a second user base that /ops and /actuator would not share. So Hawtio's
 * authentication stays off and Spring Security guards its URLs; the price is that Hawtio's UI shows no user menu:
 * operators log out with {@code /logout}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({HubSecurityProperties.class, LoginThrottleProperties.class})
public class SecurityConfiguration {

    static final String DEV_ANONYMOUS = "dev-anonymous";
    /** The partner API: API keys checked by the Camel routes (see {@link #partnerApiSecurity}). */
    private static final String PARTNER_API = "/api/v1/**";

    /**
     * URL patterns in the rules below are path patterns on the whole path: Hawtio registers servlets of its own next to
     * Spring MVC's, and Spring Security then cannot guess which servlet a bare pattern means.
     */
    @Bean
    PathPatternRequestMatcher.Builder pathPatternRequestMatcherBuilder() {
        return PathPatternRequestMatcher.withDefaults();
    }

    /**
     * Spring Security's firewall refuses paths that are not normalised ({@code /actuator/./jolokia}), encoded '.', '/',
     * '%' or line breaks, ';' and the like, before any rule or servlet sees them: answered 400 problem+json here, like
     * every refusal (issue 18), instead of going through the error page with what the firewall just refused.
     */
    @Bean
    RequestRejectedHandler rejectedRequests() {
        return (request, response, rejected) -> {
            ErrorProblems.Answer answer = ErrorProblems.answerFor(HttpServletResponse.SC_BAD_REQUEST, request.getMethod());
            SecurityProblems.write(response, HttpServletResponse.SC_BAD_REQUEST, answer.type(), answer.title(),
                    answer.detail());
        };
    }

    /** The same firewall as the security chain's, before every other filter (see {@link MalformedPathFilter}). */
    @Bean
    FilterRegistrationBean<MalformedPathFilter> malformedPaths(RequestRejectedHandler rejectedRequests) {
        FilterRegistrationBean<MalformedPathFilter> registration =
                new FilterRegistrationBean<>(new MalformedPathFilter(new StrictHttpFirewall(), rejectedRequests));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        // {bcrypt}... hashes; the prefix keeps room for a stronger scheme later without invalidating old hashes.
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService operatorAccounts(HubSecurityProperties properties) {
        // Also when disabled: a UserDetailsService of ours stops Spring Boot from creating (and logging) a
        // generated default password.
        return properties.enabled() ? OperatorAccounts.from(properties) : new InMemoryUserDetailsManager();
    }

    /**
     * Spring Security's authentication events (one per failed or successful login, Basic or form), which
     * {@link LoginThrottle} counts. Declared here rather than left to Spring Boot's default so the throttle does not
     * silently stop counting should that default change.
     */
    @Bean
    AuthenticationEventPublisher authenticationEventPublisher(ApplicationEventPublisher publisher) {
        return new DefaultAuthenticationEventPublisher(publisher);
    }

    @Bean
    LoginThrottle loginThrottle(LoginThrottleProperties properties, ObjectProvider<Clock> clock) {
        return new LoginThrottle(properties, clock.getIfAvailable(Clock::systemUTC));
    }

    /**
     * Spring Security observes each filter of each request when an observation registry is present, even with
     * {@code management.observations.enable.spring.security=false}: the observations are no-ops but the wrapping
     * around every filter stays, about a tenth of the partner API's request threads under load (issue 14).
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * The partner API's own chain, in every profile: partners authenticate with an API key in the Camel routes, so
     * nothing of the operators' chain applies to them (no session, login, CSRF, saved request or role), and its
     * dozen filters cost about a sixth of the request threads' time under load (issue 14). Kept: the firewall (every
     * chain has it) and the security headers, written before the route runs (see {@link #writeSecurityHeadersEagerly}).
     */
    @Bean
    @Order(1)
    SecurityFilterChain partnerApiSecurity(HttpSecurity http) throws Exception {
        writeSecurityHeadersEagerly(http);
        return http
                .securityMatcher(PARTNER_API)
                .securityContext(context -> context.disable())
                .sessionManagement(session -> session.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .servletApi(servletApi -> servletApi.disable())
                .logout(logout -> logout.disable())
                .csrf(csrf -> csrf.disable())
                .exceptionHandling(errors -> errors.disable())
                .build();
    }

    @Bean
    SecurityFilterChain hubSecurity(HttpSecurity http, HubSecurityProperties properties, LoginThrottle loginThrottle,
            ObjectProvider<OperatorAudit> operatorAudit,
            @Value("${management.endpoints.web.base-path:/actuator}") String actuator,
            @Value("${hub.security.allowed-origins:}") List<String> allowedOrigins,
            @Value("${server.servlet.session.cookie.secure:false}") boolean secureCookies) throws Exception {
        writeSecurityHeadersEagerly(http);
        List<String> jolokiaPaths = List.of(actuator + "/jolokia", actuator + "/hawtio/jolokia");
        // In every profile, dev included: a foreign web page must not drive the console or Jolokia...
        http.addFilterBefore(new SameOriginFilter(allowedOrigins.stream().filter(StringUtils::hasText).toList(),
                jolokiaPaths), CsrfFilter.class);
        // ...and nobody gets the host through Jolokia; every change is audited (under dev-anonymous in dev).
        http.addFilterAfter(new JolokiaOperationGuard(jolokiaPaths, (actor, action, target, outcome, reasons) ->
                operatorAudit.getObject().jolokia(actor, action, target, outcome, reasons)), AuthorizationFilter.class);
        if (!properties.enabled()) {
            return devOpen(http);
        }
        AuthenticationEntryPoint problem401 = (request, response, e) -> SecurityProblems.write(response,
                HttpServletResponse.SC_UNAUTHORIZED, "login-required", "Login required",
                "Log in (form at /login, or HTTP Basic credentials) as an operator with role VIEWER or OPERATOR.");
        // A browser navigating to a page goes to the login form (form login's own entry point); anything else
        // (scripts, Hawtio's background requests) gets 401 problem+json WITHOUT a WWW-Authenticate: Basic challenge,
        // so a browser never prompts for and caches Basic credentials. That makes an Authorization header a
        // deliberate credential, never an ambient one (see CSRF below).
        MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(new HeaderContentNegotiationStrategy(),
                MediaType.TEXT_HTML);
        html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        RequestMatcher browserNavigation = new AndRequestMatcher(html,
                new NegatedRequestMatcher(new RequestHeaderRequestMatcher("X-Requested-With", "XMLHttpRequest")));

        http
                .authorizeHttpRequests(authorize -> authorize
                        // The published contracts (OpenAPI, AsyncAPI, schemas) are for partners and services: no data in them.
                        .requestMatchers(HttpMethod.GET, "/api/openapi.yaml", "/api/asyncapi.yaml", "/api/schemas/**").permitAll()
                        .requestMatchers(actuator + "/health", actuator + "/health/**", actuator + "/info").permitAll()
                        .requestMatchers("/login", "/error").permitAll()
                        // Hub instances reading each other's referral state: signed by the peer, checked by the
                        // controller (fr.referralhub.state.ReferralStatePeerController), never an operator's session.
                        .requestMatchers(HttpMethod.GET, "/internal/v1/referral-state/**").permitAll()
                        .requestMatchers(HttpMethod.GET, "/ops/**").hasAnyRole(Roles.VIEWER, Roles.OPERATOR)
                        .requestMatchers(HttpMethod.HEAD, "/ops/**").hasAnyRole(Roles.VIEWER, Roles.OPERATOR)
                        .requestMatchers("/ops/**").hasRole(Roles.OPERATOR)
                        .requestMatchers(actuator + "/prometheus").hasAnyRole(Roles.VIEWER, Roles.OPERATOR)
                        .requestMatchers(actuator, actuator + "/**").hasAnyRole(Roles.VIEWER, Roles.OPERATOR)
                        .anyRequest().authenticated())
                .formLogin(form -> form.permitAll())
                // After login, back to the page asked for, without Spring's "?continue" marker in the URL (Hawtio
                // routes on the client side and would carry it along).
                .requestCache(cache -> cache.requestCache(savedRequests(browserNavigation)))
                .httpBasic(basic -> basic.authenticationEntryPoint(problem401))
                .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
                .exceptionHandling(errors -> errors
                        // Registered before form login's, so it is the default and wins for non-navigations.
                        .defaultAuthenticationEntryPointFor(problem401, new NegatedRequestMatcher(browserNavigation))
                        .accessDeniedHandler((request, response, e) -> {
                            if (e instanceof CsrfException) {
                                SecurityProblems.write(response, HttpServletResponse.SC_FORBIDDEN, "csrf-token-required",
                                        "CSRF token missing or invalid", "A request riding on a login session must "
                                                + "echo the XSRF-TOKEN cookie in the X-XSRF-TOKEN header (Hawtio "
                                                + "does); scripts send HTTP Basic credentials instead.");
                            } else {
                                SecurityProblems.write(response, HttpServletResponse.SC_FORBIDDEN, "operator-required",
                                        "Role not allowed", "Your role does not allow " + request.getMethod() + " "
                                                + request.getRequestURI() + " (VIEWER reads; OPERATOR also changes).");
                            }
                        }))
                // The console is a single-page app: Hawtio reads the XSRF-TOKEN cookie and sends it back as the
                // X-XSRF-TOKEN header on its Jolokia POSTs. Exempt: requests carrying their own Authorization header
                // (scripts: never ambient, see the entry point).
                .csrf(csrf -> csrf
                        .csrfTokenRepository(csrfCookie(secureCookies))
                        .csrfTokenRequestHandler(new SinglePageAppCsrfHandler())
                        .ignoringRequestMatchers(new RequestHeaderRequestMatcher("Authorization")))
                .addFilterAfter(new CsrfCookieFilter(), AuthorizationFilter.class)
                // Before the password is checked: a blocked guesser learns nothing.
                .addFilterBefore(new LoginThrottleFilter(loginThrottle,
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/login")),
                        UsernamePasswordAuthenticationFilter.class);
        return http.build();
    }

    /**
     * The XSRF-TOKEN cookie: readable by Hawtio's script (not HttpOnly: it echoes the value in a header), so it carries
     * the session cookie's other protections: Secure like it (server.servlet.session.cookie.secure, on outside dev), and
     * SameSite=Strict, so no other site's request carries it.
     */
    private static CookieCsrfTokenRepository csrfCookie(boolean secure) {
        CookieCsrfTokenRepository repository = CookieCsrfTokenRepository.withHttpOnlyFalse();
        repository.setCookieCustomizer(cookie -> cookie.secure(secure).sameSite("Strict"));
        return repository;
    }

    /**
     * Spring Security writes its headers (no-cache, nosniff, frame options) when the response commits. When that
     * happened on another thread (the partner API's answers did, while its routes ran on async threads), it raced with
     * Tomcat recycling the response: NullPointerExceptions in Tomcat's MimeHeaders.recycle and an empty answer to the
     * next request on the connection (spring-security#9175). Written before the request goes on, the headers never
     * depend on which thread answers.
     */
    private static void writeSecurityHeadersEagerly(HttpSecurity http) throws Exception {
        http.headers(headers -> headers.addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
            @Override
            public <O extends HeaderWriterFilter> O postProcess(O filter) {
                filter.setShouldWriteHeadersEagerly(true);
                return filter;
            }
        }));
    }

    /** Only page navigations are remembered (not the favicon or a background request that was refused). */
    private static HttpSessionRequestCache savedRequests(RequestMatcher browserNavigation) {
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        cache.setMatchingRequestParameterName(null);
        cache.setRequestMatcher(new AndRequestMatcher(browserNavigation,
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/**")));
        return cache;
    }

    /** Dev profile: no login; every caller is "dev-anonymous" with both roles, so role checks in code still pass. */
    private static SecurityFilterChain devOpen(HttpSecurity http) throws Exception {
        http
                .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .addFilterBefore(new OncePerRequestFilter() {
                    @Override
                    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                            FilterChain chain) throws ServletException, IOException {
                        if (SecurityContextHolder.getContext().getAuthentication() == null) {
                            SecurityContextHolder.setContext(new SecurityContextImpl(
                                    UsernamePasswordAuthenticationToken.authenticated(DEV_ANONYMOUS, null,
                                            AuthorityUtils.createAuthorityList("ROLE_" + Roles.VIEWER,
                                                    "ROLE_" + Roles.OPERATOR))));
                        }
                        chain.doFilter(request, response);
                    }
                }, AnonymousAuthenticationFilter.class);
        return http.build();
    }

    /**
     * Spring Security's recipe for single-page apps: the header (sent by Hawtio) carries the raw cookie value; a form
     * (the login and logout pages) carries the BREACH-safe masked value.
     */
    static final class SinglePageAppCsrfHandler extends CsrfTokenRequestAttributeHandler {

        private final CsrfTokenRequestHandler masked = new XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
            masked.handle(request, response, token);
        }

        @Override
        public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
            if (StringUtils.hasText(request.getHeader(token.getHeaderName()))) {
                return super.resolveCsrfTokenValue(request, token);
            }
            return masked.resolveCsrfTokenValue(request, token);
        }
    }

    /**
     * Loads the deferred token on every request so the XSRF-TOKEN cookie exists before Hawtio's first POST (the partner
     * API, whose answers carry no cookie, has its own chain).
     */
    static final class CsrfCookieFilter extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
