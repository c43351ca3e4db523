package dev.pgkeep.testsupport;

/** A running PostgreSQL server that a {@link PostgresServer} drives: a local cluster or a container. */
interface ServerProcess {
    String host();

    int port();

    /** Stops the server and removes everything it stored; safe to call twice. */
    void stop();

    /** Stops the server at once (as a crash would: {@code pg_ctl stop -m immediate}) and starts it again. */
    default void restart() {
        throw new UnsupportedOperationException("restarting " + describe() + " is not supported");
    }

    /** For messages: where the server runs. */
    String describe();
}
