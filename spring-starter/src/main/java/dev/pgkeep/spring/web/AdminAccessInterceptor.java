package dev.pgkeep.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Fails closed: every admin request needs an authenticated principal (else 401) holding the required authority
 * (else 403), whatever the host's own security rules say about the path. Authentication itself is the host's Spring
 * Security configuration (JWT, basic, session...); this check only reads its result.
 */
public final class AdminAccessInterceptor implements HandlerInterceptor {
    private static final Logger denied = LoggerFactory.getLogger("pgkeep.admin.denied");

    private final String requiredAuthority;
    private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

    public AdminAccessInterceptor(String requiredAuthority) {
        this.requiredAuthority = requiredAuthority;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || trust.isAnonymous(auth)) {
            denied.warn(
                    "pgkeep admin: unauthenticated {} {} from {} refused",
                    request.getMethod(),
                    request.getRequestURI(),
                    request.getRemoteAddr());
            write(
                    response,
                    request,
                    401,
                    "unauthenticated",
                    "Authentication required",
                    "pgkeep's admin endpoints need an authenticated caller with authority " + requiredAuthority + ".");
            return false;
        }
        boolean allowed = auth.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .anyMatch(requiredAuthority::equals);
        if (!allowed) {
            denied.warn(
                    "pgkeep admin: {} from {} lacks {} for {} {}",
                    auth.getName(),
                    request.getRemoteAddr(),
                    requiredAuthority,
                    request.getMethod(),
                    request.getRequestURI());
            write(
                    response,
                    request,
                    403,
                    "forbidden",
                    "Forbidden",
                    "pgkeep's admin endpoints need authority " + requiredAuthority + ", which '" + auth.getName()
                            + "' does not have.");
            return false;
        }
        return true;
    }

    private static void write(
            HttpServletResponse response,
            HttpServletRequest request,
            int status,
            String type,
            String title,
            String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        String body = "{\"type\":\"" + PgkeepProblemAdvice.TYPE_PREFIX + type + "\",\"title\":\"" + json(title)
                + "\",\"status\":" + status + ",\"detail\":\"" + json(detail) + "\",\"instance\":\""
                + json(request.getRequestURI()) + "\"}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
