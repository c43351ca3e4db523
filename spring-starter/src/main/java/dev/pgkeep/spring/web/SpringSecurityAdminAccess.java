package dev.pgkeep.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Fails closed: every admin request needs an authenticated principal (else 401) that the authorization manager grants
 * (else 403), whatever the host's own rules say about the path. The manager is by default Spring Security's
 * {@link AuthorityAuthorizationManager} for {@code pgkeep.admin.required-authority}, with the host's
 * {@link RoleHierarchy} when it has one. Authentication itself is the host's Spring Security configuration (JWT, basic,
 * session...); this check only reads its result.
 */
public final class SpringSecurityAdminAccess implements AdminAccess {
    private static final Logger denied = LoggerFactory.getLogger("pgkeep.admin.denied");

    private final String requiredAuthority;
    private final AuthorizationManager<HttpServletRequest> manager;
    private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

    public SpringSecurityAdminAccess(String requiredAuthority, AuthorizationManager<HttpServletRequest> manager) {
        this.requiredAuthority = requiredAuthority;
        this.manager = manager;
    }

    /** The default manager: {@code requiredAuthority}, implied through {@code hierarchy} when there is one. */
    public static AuthorizationManager<HttpServletRequest> authorityManager(
            String requiredAuthority, @Nullable RoleHierarchy hierarchy) {
        AuthorityAuthorizationManager<HttpServletRequest> manager =
                AuthorityAuthorizationManager.hasAuthority(requiredAuthority);
        if (hierarchy != null) {
            manager.setRoleHierarchy(hierarchy);
        }
        return manager;
    }

    @Override
    public @Nullable AdminRefusal check(HttpServletRequest request) {
        Authentication auth =
                SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication();
        if (auth == null || !trust.isAuthenticated(auth)) {
            denied.warn(
                    "pgkeep admin: unauthenticated {} {} from {} refused",
                    request.getMethod(),
                    request.getRequestURI(),
                    request.getRemoteAddr());
            return new AdminRefusal(
                    401,
                    "unauthenticated",
                    "Authentication required",
                    "pgkeep's admin endpoints need an authenticated caller with authority " + requiredAuthority + ".");
        }
        AuthorizationResult result = manager.authorize(() -> auth, request);
        if (result == null || !result.isGranted()) {
            denied.warn(
                    "pgkeep admin: {} from {} lacks {} for {} {}",
                    auth.getName(),
                    request.getRemoteAddr(),
                    requiredAuthority,
                    request.getMethod(),
                    request.getRequestURI());
            return new AdminRefusal(
                    403,
                    "forbidden",
                    "Forbidden",
                    "pgkeep's admin endpoints need authority " + requiredAuthority + ", which '" + auth.getName()
                            + "' does not have.");
        }
        return null;
    }
}
