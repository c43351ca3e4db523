package dev.pgkeep.spring.security;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The authorization matrix in a host whose own rules permit every request. */
@SpringBootTest(classes = Hosts.PermitAll.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PermitAllHostMatrixTest extends AuthorizationMatrix {
    static final Fixture FIXTURE = new Fixture();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        register(registry, FIXTURE, "/admin/db");
    }

    @Override
    Fixture fixture() {
        return FIXTURE;
    }

    @Override
    String base() {
        return "/admin/db";
    }
}
