package dev.pgkeep.spring.security;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The authorization matrix in a permit-all host serving the endpoints under {@code pgkeep.admin.base-path=/ops/backups}. */
@SpringBootTest(classes = Hosts.PermitAll.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CustomBasePathHostMatrixTest extends AuthorizationMatrix {
    static final Fixture FIXTURE = new Fixture();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        register(registry, FIXTURE, "/ops/backups");
    }

    @Override
    Fixture fixture() {
        return FIXTURE;
    }

    @Override
    String base() {
        return "/ops/backups";
    }
}
