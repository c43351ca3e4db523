package dev.pgkeep.spring.host;

import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A host application as a user would write it: JWTs signed with an HMAC secret, roles from the {@code roles} claim.
 * Its own rules permit every request, so the tests prove that pgkeep's endpoints stay closed anyway.
 */
@SpringBootApplication
public class TestHostApplication {
    public static final String SECRET = "test-only-hmac-secret-of-at-least-32-bytes!";

    @Bean
    JwtDecoder jwtDecoder() {
        return NimbusJwtDecoder.withSecretKey(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .build();
    }

    @Bean
    SecurityFilterChain hostSecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return statelessJwt(http).build();
    }

    /** Stateless, no CSRF, JWT bearer tokens with their {@code roles} claim as {@code ROLE_} authorities. */
    public static HttpSecurity statelessJwt(HttpSecurity http) throws Exception {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("roles");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(roles);
        return http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .oauth2ResourceServer(o -> o.jwt(j -> j.jwtAuthenticationConverter(converter)));
    }

    @Bean
    RecordingAuditSink recordingAuditSink() {
        return new RecordingAuditSink();
    }

    /**
     * Records every event; holds backups started by {@code holder} until released (to test overlapping runs), and
     * the end of backups of {@code late-holder} (whose dump is done, its job still running) until released too.
     */
    public static final class RecordingAuditSink implements AuditSink {
        public final List<BackupEvent> events = new CopyOnWriteArrayList<>();
        public volatile CountDownLatch release = new CountDownLatch(0);
        public volatile CountDownLatch releaseEnd = new CountDownLatch(0);

        @Override
        public void onEvent(BackupEvent event) {
            events.add(event);
            if (event.operation() == BackupEvent.Operation.BACKUP
                    && event.phase() == BackupEvent.Phase.STARTED
                    && "holder".equals(event.actor())) {
                await(release);
            }
            if (event.operation() == BackupEvent.Operation.BACKUP
                    && event.phase() == BackupEvent.Phase.SUCCEEDED
                    && "late-holder".equals(event.actor())) {
                await(releaseEnd);
            }
        }

        private static void await(CountDownLatch latch) {
            try {
                latch.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
