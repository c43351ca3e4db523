package dev.pgkeep.spring.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

/** Calls the admin endpoints over real HTTP with real JWTs, as curl would. */
public final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    public AdminClient(int port) {
        this.base = "http://localhost:" + port;
    }

    /** A token for {@code subject} with {@code roles}, signed like the host app expects. */
    public static String token(String subject, String... roles) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .subject(subject)
                    .claim("roles", List.of(roles))
                    .issueTime(new Date())
                    .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(TestHostApplication.SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An answer: status, headers, body parsed as JSON (null when empty). */
    public record Answer(
            int status, HttpResponse<String> raw, @Nullable JsonNode json) {
        public String contentType() {
            return raw.headers().firstValue("Content-Type").orElse("");
        }

        public String location() {
            return raw.headers().firstValue("Location").orElseThrow();
        }
    }

    public Answer get(String path, @Nullable String token) {
        return send(request(path, token).GET());
    }

    public Answer delete(String path, @Nullable String token) {
        return send(request(path, token).DELETE());
    }

    public Answer postJson(String path, @Nullable String token, String json) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Answer postRaw(String path, @Nullable String token, byte[] body) {
        return send(request(path, token)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A raw upload without Content-Length (chunked), so only the server's running count can stop it. */
    public Answer postRawChunked(String path, @Nullable String token, byte[] body) {
        return send(request(path, token)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));
    }

    /** Any request with extra headers (Origin, Sec-Fetch-Site...); {@code contentType} null sends no body. */
    public Answer send(
            String method,
            String path,
            @Nullable String token,
            Map<String, String> headers,
            @Nullable String contentType,
            byte[] body) {
        HttpRequest.Builder b = request(path, token);
        headers.forEach(b::header);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.method(
                method,
                body.length == 0 && contentType == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** The multipart/form-data body {@link #postMultipart} sends, and its content type. */
    public static Map.Entry<String, byte[]> multipart(byte[] file, Map<String, String> fields) {
        String boundary = "pgkeep" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (Map.Entry<String, String> f : fields.entrySet()) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                                + f.getValue() + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dump\"\r\n"
                            + "Content-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(file);
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.entry("multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    public Answer postMultipart(String path, @Nullable String token, byte[] file, Map<String, String> fields) {
        Map.Entry<String, byte[]> body = multipart(file, fields);
        return send("POST", path, token, Map.of(), body.getKey(), body.getValue());
    }

    /** Polls a job's Location until it finished, and returns its last state. */
    public JsonNode awaitJob(String location, String token) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> get(location, token).json(),
                        j -> j != null
                                && (j.path("status").asText().equals("succeeded")
                                        || j.path("status").asText().equals("failed")));
    }

    private HttpRequest.Builder request(String path, @Nullable String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Answer send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            boolean isJson =
                    response.headers().firstValue("Content-Type").orElse("").contains("json");
            JsonNode json = response.body().isBlank() || !isJson ? null : JSON.readTree(response.body());
            return new Answer(response.statusCode(), response, json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
