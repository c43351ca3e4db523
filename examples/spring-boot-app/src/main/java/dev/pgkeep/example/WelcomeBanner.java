package dev.pgkeep.example;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

/**
 * Once the app is up, says where to try it: the admin API, Swagger UI and health URLs, and, when it runs on the
 * throwaway database (a local trial, see {@link ThrowawayDatabase}), an admin token valid for an hour, signed like
 * {@code mint-token.sh} signs one. With a configured database no token is printed: use {@code mint-token.sh}.
 */
@Component
class WelcomeBanner {
    private static final Logger log = LoggerFactory.getLogger(WelcomeBanner.class);

    private final Environment environment;
    private final String secret;

    WelcomeBanner(Environment environment, @Value("${example.jwt.secret}") String secret) {
        this.environment = environment;
        this.secret = secret;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
        String throwaway = environment.getProperty("example.throwaway.description");
        StringBuilder text = new StringBuilder("\n\npgkeep example is up");
        text.append(throwaway == null ? "" : " on a throwaway PostgreSQL: " + throwaway)
                .append('\n');
        text.append("  Admin API:  ").append(base).append("/admin/db/backups\n");
        text.append("  Swagger UI: ").append(base).append("/swagger-ui.html\n");
        text.append("  Health:     ").append(base).append("/actuator/health/pgkeep\n");
        if (throwaway != null) {
            text.append("  Try it (the token is an ADMIN's, valid for 1 h):\n");
            text.append("    TOKEN=").append(adminToken(Duration.ofHours(1))).append('\n');
            text.append("    curl -s -i -X POST ")
                    .append(base)
                    .append("/admin/db/backup -H \"Authorization: Bearer $TOKEN\"\n");
            text.append("    curl -s ").append(base).append("/admin/db/backups -H \"Authorization: Bearer $TOKEN\"\n");
        } else {
            text.append("  Tokens: TOKEN=$(./mint-token.sh alice ADMIN)\n");
        }
        log.info("{}", text);
    }

    /** An HS256 JWT for subject {@code example-admin} with role ADMIN, as {@code mint-token.sh} makes. */
    String adminToken(Duration validity) {
        SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        Instant now = Instant.now();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .subject("example-admin")
                .claim("roles", List.of("ADMIN"))
                .issuedAt(now)
                .expiresAt(now.plus(validity))
                .build();
        return NimbusJwtEncoder.withSecretKey(key)
                .build()
                .encode(JwtEncoderParameters.from(
                        JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
    }
}
