package dev.pgkeep.testsupport.junit;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.TestDatabase;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A throwaway PostgreSQL server and database for one test class, optionally filled from a fixture backup:
 *
 * <pre>{@code
 * @PgkeepPostgres(database = "shop", fixture = "classpath:fixtures/shop.dump")
 * class ShopRepositoryTest {
 *     @PgkeepPostgres.Inject static TestDatabase db;
 *
 *     @Test
 *     void findsTheFixtureCustomers(TestDatabase db) { ... db.jdbcUrl() ... }
 * }
 * }</pre>
 *
 * <p>Before the class's {@code @BeforeAll} methods run, {@link PgkeepPostgresExtension} starts a private server
 * ({@link PostgresServer#start()}: {@code initdb} in a temporary folder with the PostgreSQL programs found on this
 * machine, or a container when Testcontainers and Docker are there) and creates {@link #database()}, empty or
 * restored from {@link #fixture()} with pgkeep. After the class the server is stopped and its files removed.
 *
 * <p>It injects {@link PostgresServer}, {@link TestDatabase} and {@link DatabaseConnection} (pgkeep's connection to
 * the database) into parameters of constructors, lifecycle and test methods, and into fields marked {@link Inject}
 * (static fields before {@code @BeforeAll}, instance fields when the instance is made). {@code @Nested} classes share
 * their enclosing class's server.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PgkeepPostgresExtension.class)
public @interface PgkeepPostgres {

    /**
     * The database made for the class. On a {@link #sharedServer() shared server} a random suffix is added (see
     * {@link TestDatabase#name()} for the name used).
     */
    String database() default "app";

    /**
     * A backup to restore into {@link #database()} before the class, with pgkeep: a pgkeep repository folder (its
     * newest good backup, of {@link #fixtureDatabase()} if it holds several databases) or an archive file (a
     * {@code pg_dump --format=custom} file, plain or gzip/zstd-compressed, like the {@code dump.pgc} in a repository).
     * {@code classpath:fixtures/shop.dump} is looked up on the test class path; anything else is a path relative to
     * the working directory (the module folder under Maven and Gradle). Empty (the default): an empty database.
     */
    String fixture() default "";

    /** Which database's newest backup, when {@link #fixture()} is a repository holding several; empty: its only one. */
    String fixtureDatabase() default "";

    /**
     * Use the one server every test class in this JVM shares ({@link PostgresServer#shared()}), which starts once
     * and saves a few seconds per class; the class still gets its own database, dropped after the class.
     */
    boolean sharedServer() default false;

    /** Marks a field of type {@link PostgresServer}, {@link TestDatabase} or {@link DatabaseConnection} to be set. */
    @Target(ElementType.FIELD)
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface Inject {}
}
