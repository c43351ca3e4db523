package dev.pgkeep.cli;

import java.lang.reflect.Field;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Option;

/**
 * Resolves the options' picocli {@code defaultValue = "${env:NAME}"} defaults from the environment the command runs
 * with: {@link System#getenv()} in {@code main}, a map in tests. A blank variable counts as unset, as it always has.
 * When this gives nothing, picocli's own reading of {@code ${env:NAME}} applies (an unset variable: no default).
 */
record EnvironmentDefaults(CliEnvironment environment) implements CommandLine.IDefaultValueProvider {
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    @Override
    public @Nullable String defaultValue(ArgSpec argument) {
        // the annotation's text: picocli's ArgSpec.defaultValue() is already interpolated from System.getenv()
        if (!(argument.userObject() instanceof Field field) || !field.isAnnotationPresent(Option.class)) {
            return null;
        }
        Matcher variable = ENV.matcher(field.getAnnotation(Option.class).defaultValue());
        return variable.matches() ? environment.getenv(variable.group(1)) : null;
    }
}
