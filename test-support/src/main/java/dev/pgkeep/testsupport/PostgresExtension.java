package dev.pgkeep.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the JVM-wide {@link PostgresServer#shared()} into test constructors, lifecycle methods and test methods:
 * {@code @ExtendWith(PostgresExtension.class) class MyTest { @Test void works(PostgresServer pg) { ... } }}.
 */
public final class PostgresExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PostgresServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return PostgresServer.shared();
    }
}
