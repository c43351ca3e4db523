package dev.pgkeep.spring.web;

import dev.pgkeep.spring.jobs.FailureStatus;
import dev.pgkeep.spring.jobs.JobConflictException;
import dev.pgkeep.spring.jobs.JobsFullException;
import dev.pgkeep.spring.jobs.JobsShuttingDownException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error of the admin endpoints into an RFC 9457 {@code application/problem+json} answer whose
 * {@code type} is {@code urn:pgkeep:problem:<kind>}; Spring MVC's own errors (unreadable JSON, missing part,
 * unsupported media type) become problem details too.
 */
@RestControllerAdvice(assignableTypes = PgkeepAdminController.class)
public class PgkeepProblemAdvice {
    private static final Logger log = LoggerFactory.getLogger(PgkeepProblemAdvice.class);

    /**
     * Spring MVC's own exceptions as problem details, through a private {@link ResponseEntityExceptionHandler}: being
     * no bean of that type, it leaves Spring Boot's own ({@code spring.mvc.problemdetails.enabled}) to the host.
     */
    private final ResponseEntityExceptionHandler mvcErrors = new ResponseEntityExceptionHandler() {};

    /** The prefix of pgkeep's problem type URIs. */
    public static final String TYPE_PREFIX = "urn:pgkeep:problem:";

    @ExceptionHandler(JobConflictException.class)
    ResponseEntity<ProblemDetail> conflict(JobConflictException e, HttpServletRequest request) {
        ProblemDetail problem = problem(409, "backup-in-progress", "Backup already running", e.getMessage(), request);
        problem.setProperty("runningJobId", e.runningJobId());
        return ResponseEntity.status(409).body(problem);
    }

    @ExceptionHandler(JobsFullException.class)
    ResponseEntity<ProblemDetail> full(JobsFullException e, HttpServletRequest request) {
        return ResponseEntity.status(503).body(problem(503, "jobs-full", "Job queue full", e.getMessage(), request));
    }

    @ExceptionHandler(JobsShuttingDownException.class)
    ResponseEntity<ProblemDetail> shuttingDown(JobsShuttingDownException e, HttpServletRequest request) {
        return ResponseEntity.status(503).body(problem(503, "shutting-down", "Shutting down", e.getMessage(), request));
    }

    @ExceptionHandler(UploadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(UploadTooLargeException e, HttpServletRequest request) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .body(problem(413, "upload-too-large", "Upload too large", e.getMessage(), request));
    }

    @ExceptionHandler(UnsupportedArchiveException.class)
    ResponseEntity<ProblemDetail> unsupported(UnsupportedArchiveException e, HttpServletRequest request) {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .body(problem(415, "unsupported-archive", "Not a pgkeep-readable archive", e.getMessage(), request));
    }

    @ExceptionHandler(JobNotFoundException.class)
    ResponseEntity<ProblemDetail> noJob(JobNotFoundException e, HttpServletRequest request) {
        return ResponseEntity.status(404).body(problem(404, "job-not-found", "Job not found", e.getMessage(), request));
    }

    @ExceptionHandler(UploadsBusyException.class)
    ResponseEntity<ProblemDetail> busy(UploadsBusyException e, HttpServletRequest request) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .body(problem(429, "uploads-busy", "Too many uploads", e.getMessage(), request));
    }

    @ExceptionHandler(AdminAccessDeniedException.class)
    ResponseEntity<ProblemDetail> denied(AdminAccessDeniedException e, HttpServletRequest request) {
        AdminRefusal r = e.refusal();
        return ResponseEntity.status(r.status()).body(problem(r.status(), r.type(), r.title(), r.detail(), request));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<?> failure(Exception e, HttpServletRequest request, WebRequest web) {
        try {
            ResponseEntity<Object> mvc = mvcErrors.handleException(e, web);
            if (mvc != null) {
                return mvc;
            }
        } catch (Exception notSpringMvcs) {
            // not one of Spring MVC's exceptions: pgkeep's mapping below
        }
        FailureStatus mapped = FailureStatus.of(e);
        if (mapped.status() >= 500) {
            log.error("pgkeep admin request {} {} failed", request.getMethod(), request.getRequestURI(), e);
        }
        String detail = FailureStatus.publicDetail(e);
        return ResponseEntity.status(mapped.status())
                .body(problem(mapped.status(), mapped.type(), mapped.title(), detail, request));
    }

    static ProblemDetail problem(int status, String type, String title, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail);
        problem.setType(URI.create(TYPE_PREFIX + type));
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }
}
