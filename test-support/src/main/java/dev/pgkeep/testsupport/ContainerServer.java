package dev.pgkeep.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** PostgreSQL 15 in a container, used when a Docker engine is reachable. */
final class ContainerServer implements ServerProcess {
    private final PostgreSQLContainer container;

    private ContainerServer(PostgreSQLContainer container) {
        this.container = container;
    }

    /** Whether Testcontainers can reach a Docker engine; never throws, whatever is missing. */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) { // NoClassDefFoundError and friends count as "no Docker" too
            return false;
        }
    }

    static ContainerServer start(String superuser, String password) {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:15")
                .withUsername(superuser)
                .withPassword(password)
                .withDatabaseName("postgres");
        container.start();
        return new ContainerServer(container);
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(5432);
    }

    @Override
    public void stop() {
        container.stop();
    }

    @Override
    public String describe() {
        return "container " + container.getDockerImageName();
    }
}
