package dev.pgkeep.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsUtils;

/**
 * Refuses state-changing admin requests a browser sends on behalf of another site (CSRF): an upload restore, a
 * bodiless {@code POST /backup} or {@code .../verify} needs no CORS preflight, so a host with session cookies and
 * CSRF protection off could otherwise have its database overwritten from any page its admin visits. Refused: a
 * request marked {@code Sec-Fetch-Site: cross-site}, or whose {@code Origin} is not the request's own origin; unless
 * the {@code Origin} is in {@code pgkeep.admin.allowed-origins}. Clients that are not browsers (curl, schedulers)
 * send neither header and pass.
 */
final class CrossSiteCheck {
    private static final Logger denied = LoggerFactory.getLogger("pgkeep.admin.denied");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final CorsConfiguration allowed = new CorsConfiguration();

    CrossSiteCheck(List<String> allowedOrigins) {
        allowed.setAllowedOriginPatterns(allowedOrigins);
    }

    @Nullable
    AdminRefusal check(HttpServletRequest request) {
        if (SAFE_METHODS.contains(request.getMethod())) {
            return null;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && allowed.checkOrigin(origin) != null) {
            return null;
        }
        String site = request.getHeader("Sec-Fetch-Site");
        boolean crossSite = "cross-site".equalsIgnoreCase(site);
        if (!crossSite && (origin == null || !otherOrigin(request))) {
            return null;
        }
        denied.warn(
                "pgkeep admin: cross-site {} {} from {} refused (Origin {}, Sec-Fetch-Site {})",
                request.getMethod(),
                request.getRequestURI(),
                request.getRemoteAddr(),
                origin,
                site);
        return new AdminRefusal(
                403,
                "cross-site",
                "Cross-site request refused",
                "pgkeep refuses state-changing admin requests from another site (Origin "
                        + (origin == null ? "absent" : "'" + printable(origin) + "'") + ", Sec-Fetch-Site "
                        + (site == null ? "absent" : "'" + printable(site) + "'")
                        + "). Call the endpoints from the application's own origin, or list the calling origin in"
                        + " pgkeep.admin.allowed-origins.");
    }

    private static boolean otherOrigin(HttpServletRequest request) {
        try {
            return CorsUtils.isCorsRequest(request);
        } catch (IllegalArgumentException malformed) {
            return true; // "null" and other unparseable origins are nobody's own
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
