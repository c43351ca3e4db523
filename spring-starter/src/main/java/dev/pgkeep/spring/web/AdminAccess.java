package dev.pgkeep.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether the caller of an admin request may use the admin endpoints: {@code null} when it may, else the
 * refusal (401 or 403). {@link SpringSecurityAdminAccess} with Spring Security; {@link #unsecured()} only with
 * {@code pgkeep.admin.allow-unsecured=true} and no Spring Security.
 */
@FunctionalInterface
public interface AdminAccess {

    @Nullable
    AdminRefusal check(HttpServletRequest request);

    /** Lets every caller in. */
    static AdminAccess unsecured() {
        return request -> null;
    }
}
