package dev.pgkeep.testsupport.junit;

import dev.pgkeep.core.DatabaseConnection;
import dev.pgkeep.testsupport.Fixtures;
import dev.pgkeep.testsupport.PostgresServer;
import dev.pgkeep.testsupport.TestDatabase;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The extension behind {@link PgkeepPostgres}; see there. One server and database per annotated class, kept in that
 * class's extension store and closed with it. Written against the Jupiter API that JUnit 5.x and 6 share.
 */
public final class PgkeepPostgresExtension implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PgkeepPostgresExtension.class);
    private static final List<Class<?>> INJECTABLE =
            List.of(PostgresServer.class, TestDatabase.class, DatabaseConnection.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ClassResources resources = resources(context);
        injectFields(context.getRequiredTestClass(), null, resources);
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws Exception {
        injectFields(testInstance.getClass(), testInstance, resources(context));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return INJECTABLE.contains(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return resources(extensionContext).value(parameterContext.getParameter().getType());
    }

    /** The server and database of the nearest annotated class around {@code context}, made on first use. */
    @SuppressWarnings("deprecation") // getOrComputeIfAbsent and CloseableResource: what JUnit 5.x users have too
    private static ClassResources resources(ExtensionContext context) {
        ExtensionContext owner = context;
        while (!isAnnotatedClass(owner)) {
            owner = owner.getParent()
                    .orElseThrow(() -> new ExtensionConfigurationException(
                            "PgkeepPostgresExtension needs @PgkeepPostgres on the test class (or an enclosing one)"));
        }
        Class<?> testClass = owner.getRequiredTestClass();
        PgkeepPostgres settings = AnnotationSupport.findAnnotation(testClass, PgkeepPostgres.class)
                .orElseThrow();
        return owner.getStore(NAMESPACE)
                .getOrComputeIfAbsent(testClass, c -> ClassResources.create(settings, testClass), ClassResources.class);
    }

    private static boolean isAnnotatedClass(ExtensionContext context) {
        Optional<Class<?>> testClass = context.getTestClass();
        return context.getTestMethod().isEmpty()
                && testClass.isPresent()
                && context.getElement().equals(testClass)
                && AnnotationSupport.isAnnotated(testClass.get(), PgkeepPostgres.class);
    }

    private static void injectFields(Class<?> type, @Nullable Object instance, ClassResources resources)
            throws IllegalAccessException {
        List<Field> fields = AnnotationSupport.findAnnotatedFields(
                type,
                PgkeepPostgres.Inject.class,
                f -> Modifier.isStatic(f.getModifiers()) == (instance == null),
                HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            if (!INJECTABLE.contains(field.getType()) || Modifier.isFinal(field.getModifiers())) {
                throw new ExtensionConfigurationException("@PgkeepPostgres.Inject field " + field
                        + " must be a non-final PostgresServer, TestDatabase or DatabaseConnection");
            }
            field.setAccessible(true);
            field.set(instance, resources.value(field.getType()));
        }
    }

    /** What one annotated class gets; closing it removes all of it. */
    @SuppressWarnings("deprecation")
    private static final class ClassResources implements ExtensionContext.Store.CloseableResource {
        private final PostgresServer server;
        private final boolean ownServer;
        private final TestDatabase database;

        private ClassResources(PostgresServer server, boolean ownServer, TestDatabase database) {
            this.server = server;
            this.ownServer = ownServer;
            this.database = database;
        }

        static ClassResources create(PgkeepPostgres settings, Class<?> testClass) {
            boolean shared = settings.sharedServer();
            PostgresServer server = shared ? PostgresServer.shared() : PostgresServer.start();
            try {
                String name = shared ? PostgresServer.uniqueDatabaseName(settings.database()) : settings.database();
                if (settings.fixture().isEmpty()) {
                    server.createDatabase(name);
                } else {
                    restoreFixture(settings, testClass, server, name);
                }
                return new ClassResources(server, !shared, new TestDatabase(server, name));
            } catch (RuntimeException e) {
                if (!shared) {
                    server.close();
                }
                throw e;
            }
        }

        private static void restoreFixture(
                PgkeepPostgres settings, Class<?> testClass, PostgresServer server, String name) {
            Path scratch = null;
            try {
                scratch = Files.createTempDirectory("pgkeep-fixture-");
                ClassLoader loader = testClass.getClassLoader();
                Path fixture = Fixtures.locate(
                        settings.fixture(), loader == null ? ClassLoader.getSystemClassLoader() : loader, scratch);
                String fixtureDatabase = settings.fixtureDatabase().isEmpty() ? null : settings.fixtureDatabase();
                Fixtures.restore(server, name, fixture, fixtureDatabase);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                if (scratch != null) {
                    deleteQuietly(scratch);
                }
            }
        }

        Object value(Class<?> type) {
            if (type == PostgresServer.class) {
                return server;
            }
            if (type == TestDatabase.class) {
                return database;
            }
            return database.connection();
        }

        @Override
        public void close() {
            if (ownServer) {
                server.close();
            } else {
                server.dropDatabase(database.name());
            }
        }

        private static void deleteQuietly(Path dir) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary folder; the OS cleans it up eventually
            }
        }
    }
}
