package dev.pgkeep.spring.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The admin endpoints' checks, as a servlet filter on the base path: it runs before Spring MVC (whatever the host's MVC
 * configuration, even one extending {@code WebMvcConfigurationSupport}) and before a multipart body is parsed or
 * spooled, after the host's Spring Security filters have authenticated the caller. In order: cross-site requests
 * (403), access (401/403), then for an upload its declared size (413), the temp folder's free space (507) and a
 * permit of {@code pgkeep.admin.max-concurrent-uploads} (429). The controller repeats the first two for a request this
 * filter did not see (a forward from the host's own code, a servlet mapping it does not cover), so no request reaches
 * a handler unchecked.
 */
public final class AdminRequestGuard extends OncePerRequestFilter {
    static final String CHECKED = AdminRequestGuard.class.getName() + ".CHECKED";
    /** Room for multipart boundaries and form fields on top of the archive itself. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final AdminAccess access;
    private final CrossSiteCheck crossSite;
    private final UploadPermits permits;
    private final long maxUploadBytes;
    private final Path tempDirectory;

    public AdminRequestGuard(
            AdminAccess access, List<String> allowedOrigins, UploadPermits permits, AdminSettings settings) {
        this.access = access;
        this.crossSite = new CrossSiteCheck(allowedOrigins);
        this.permits = permits;
        this.maxUploadBytes = settings.maxUploadBytes();
        this.tempDirectory = settings.tempDirectory();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        AdminRefusal refusal = callerRefusal(request);
        boolean upload = isUpload(request);
        if (refusal == null && upload) {
            refusal = uploadRefusal(request);
        }
        UploadPermits.Permit permit = null;
        if (refusal == null && upload) {
            permit = permits.tryAcquire();
            if (permit == null) {
                refusal = new AdminRefusal(
                        429, "uploads-busy", "Too many uploads", permits.busy().getMessage());
            }
        }
        if (refusal != null) {
            refusal.write(request, response);
            return;
        }
        request.setAttribute(CHECKED, Boolean.TRUE);
        if (permit != null) {
            request.setAttribute(UploadPermits.ATTRIBUTE, permit);
        }
        try {
            chain.doFilter(request, response);
        } finally {
            if (permit != null && !permit.handedOver()) {
                permit.release();
            }
        }
    }

    /** For the controller: throws when a request this filter did not check fails the caller checks. */
    public void requireChecked(HttpServletRequest request) {
        if (request.getAttribute(CHECKED) != null) {
            return;
        }
        AdminRefusal refusal = callerRefusal(request);
        if (refusal != null) {
            throw new AdminAccessDeniedException(refusal);
        }
    }

    private @Nullable AdminRefusal callerRefusal(HttpServletRequest request) {
        AdminRefusal refusal = crossSite.check(request);
        return refusal != null ? refusal : access.check(request);
    }

    /** A body Spring MVC would spool (multipart, whatever the method) or the controller would stage (raw archive). */
    private static boolean isUpload(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return false;
        }
        String t = type.toLowerCase(Locale.ROOT);
        return t.startsWith("multipart/") || t.startsWith("application/octet-stream");
    }

    private @Nullable AdminRefusal uploadRefusal(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        boolean multipart = request.getContentType().toLowerCase(Locale.ROOT).startsWith("multipart/");
        if (declared > maxUploadBytes + (multipart ? MULTIPART_OVERHEAD : 0)) {
            return new AdminRefusal(
                    413,
                    "upload-too-large",
                    "Upload too large",
                    "The upload declares " + declared + " bytes, more than pgkeep.admin.max-upload-size ("
                            + maxUploadBytes + " bytes); nothing was restored.");
        }
        long needed = declared >= 0 ? declared : maxUploadBytes;
        long free;
        try {
            free = Files.getFileStore(tempDirectory).getUsableSpace();
        } catch (IOException e) {
            return null; // staging will fail with the folder's own error
        }
        if (free < needed) {
            return new AdminRefusal(
                    507,
                    "insufficient-storage",
                    "Not enough free space for the upload",
                    "pgkeep.restore.temp-dir has " + free + " bytes free; this upload needs " + needed
                            + (declared >= 0 ? "" : " (its size is not declared, so pgkeep.admin.max-upload-size)")
                            + ". Nothing was restored.");
        }
        return null;
    }
}
