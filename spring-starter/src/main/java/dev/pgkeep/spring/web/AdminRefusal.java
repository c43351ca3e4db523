package dev.pgkeep.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;

/**
 * Why an admin request is refused before it reaches a handler, as the RFC 9457 problem it is answered with.
 *
 * @param type the last segment of the problem type URI, e.g. {@code forbidden}
 */
public record AdminRefusal(int status, String type, String title, String detail) {

    /** Writes the problem; the request's body (an upload) is never read, so the connection is not kept. */
    void write(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            response.setHeader("Connection", "close");
        }
        String body = "{\"type\":\"" + PgkeepProblemAdvice.TYPE_PREFIX + type + "\",\"title\":\"" + json(title)
                + "\",\"status\":" + status + ",\"detail\":\"" + json(detail) + "\",\"instance\":\""
                + json(request.getRequestURI()) + "\"}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        response.flushBuffer();
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
