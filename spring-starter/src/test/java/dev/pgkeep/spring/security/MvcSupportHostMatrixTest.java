package dev.pgkeep.spring.security;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The authorization matrix in a host extending {@code WebMvcConfigurationSupport}, where no {@code WebMvcConfigurer} applies. */
@SpringBootTest(classes = Hosts.MvcSupport.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MvcSupportHostMatrixTest extends AuthorizationMatrix {
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
