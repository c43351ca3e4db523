package dev.pgkeep.spring.security;

import dev.pgkeep.core.spi.AuditSink;
import dev.pgkeep.core.spi.BackupEvent;
import dev.pgkeep.spring.host.TestHostApplication;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurationSupport;

/**
 * The kinds of host application the authorization matrix runs in: all authenticate JWTs (roles from the {@code roles}
 * claim, as {@link TestHostApplication}) and declare the role hierarchy {@code ROLE_OWNER > ROLE_ADMIN}; they differ in
 * their own rules and MVC setup. None scans components, so they do not see each other.
 */
final class Hosts {
    private Hosts() {}

    /** What every host has: the JWT decoder, the role hierarchy, a recording audit sink, an own endpoint. */
    @Configuration(proxyBeanMethods = false)
    @Import({HostController.class, HostForwarder.class})
    static class Common {
        @Bean
        JwtDecoder jwtDecoder() {
            return NimbusJwtDecoder.withSecretKey(new SecretKeySpec(
                            TestHostApplication.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                    .build();
        }

        @Bean
        RoleHierarchy roleHierarchy() {
            return RoleHierarchyImpl.fromHierarchy("ROLE_OWNER > ROLE_ADMIN");
        }

        @Bean
        RecordingSink recordingSink() {
            return new RecordingSink();
        }
    }

    /** The host's own endpoint, which must keep the host's own error handling. */
    @RestController
    static class HostController {
        @GetMapping("/host/numbers/{n}")
        int number(@PathVariable int n) {
            return n * 2;
        }
    }

    /** The host's own page that forwards inside the server to pgkeep's listing (which must stay closed). */
    @Controller
    static class HostForwarder {
        @GetMapping("/host/forward-to-backups")
        String forward() {
            return "forward:/admin/db/backups";
        }
    }

    static SecurityFilterChain chain(HttpSecurity http, boolean authenticated) throws Exception {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("roles");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(roles);
        if (authenticated) {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated());
        } else {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        }
        return http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .oauth2ResourceServer(o -> o.jwt(j -> j.jwtAuthenticationConverter(converter)))
                .build();
    }

    /** Its own rules permit every request. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Common.class)
    static class PermitAll {
        @Bean
        SecurityFilterChain hostSecurity(HttpSecurity http) throws Exception {
            return chain(http, false);
        }
    }

    /** Its own rules let any authenticated caller in: {@code anyRequest().authenticated()}. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Common.class)
    static class Authenticated {
        @Bean
        SecurityFilterChain hostSecurity(HttpSecurity http) throws Exception {
            return chain(http, true);
        }
    }

    /**
     * Permits every request and configures Spring MVC itself by extending {@link WebMvcConfigurationSupport}, which
     * switches Spring Boot's MVC auto-configuration (and every {@code WebMvcConfigurer}) off.
     */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({Common.class, MvcSupport.OwnMvc.class})
    static class MvcSupport {
        @Bean
        SecurityFilterChain hostSecurity(HttpSecurity http) throws Exception {
            return chain(http, false);
        }

        @Configuration(proxyBeanMethods = false)
        static class OwnMvc extends WebMvcConfigurationSupport {}
    }

    /** Records every event; holds operations started by actor {@code holder} until released. */
    static final class RecordingSink implements AuditSink {
        final List<BackupEvent> events = new CopyOnWriteArrayList<>();
        volatile CountDownLatch release = new CountDownLatch(0);

        @Override
        public void onEvent(BackupEvent event) {
            events.add(event);
            if (event.phase() == BackupEvent.Phase.STARTED && "holder".equals(event.actor())) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
