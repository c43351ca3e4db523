package dev.pgkeep.testsupport;

/** A running PostgreSQL server that a {@link PostgresServer} drives: a local cluster or a container. */
interface ServerProcess {
    String host();

    int port();

    /** Stops the server and removes everything it stored; safe to call twice. */
    void stop();

    /** For messages: where the server runs. */
    String describe();
}
