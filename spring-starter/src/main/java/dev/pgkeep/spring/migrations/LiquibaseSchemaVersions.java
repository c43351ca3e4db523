package dev.pgkeep.spring.migrations;

import dev.pgkeep.core.BackupManifest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.integration.spring.SpringLiquibase;
import liquibase.integration.spring.SpringResourceAccessor;

/**
 * Liquibase's changelog table and the host's changelog: the last changeset applied ({@code id::author::file}), which
 * changesets this code holds, which are pending. Read with the host's own {@link SpringLiquibase} settings.
 */
public final class LiquibaseSchemaVersions implements SchemaVersionSource {
    static final String TOOL = "liquibase";

    private final SpringLiquibase liquibase;

    public LiquibaseSchemaVersions(SpringLiquibase liquibase) {
        this.liquibase = liquibase;
    }

    @Override
    public Optional<BackupManifest.SchemaVersion> current() {
        String schema =
                liquibase.getLiquibaseSchema() != null ? liquibase.getLiquibaseSchema() : liquibase.getDefaultSchema();
        String table = liquibase.getDatabaseChangeLogTable() != null
                ? liquibase.getDatabaseChangeLogTable()
                : "databasechangelog";
        String qualified =
                (schema == null ? "" : quote(schema) + ".") + quote(table.toLowerCase(java.util.Locale.ROOT));
        try (Connection c = liquibase.getDataSource().getConnection();
                Statement st = c.createStatement()) {
            if (!exists(c, schema, table)) {
                return Optional.empty();
            }
            try (ResultSet rs = st.executeQuery("SELECT id, author, filename, description FROM " + qualified
                    + " ORDER BY orderexecuted DESC LIMIT 1")) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new BackupManifest.SchemaVersion(
                        TOOL, rs.getString(1) + "::" + rs.getString(2) + "::" + rs.getString(3), rs.getString(4)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read Liquibase's changelog table " + qualified + ": " + e, e);
        }
    }

    /** Known when this code's changelog holds a changeset of that id and author. */
    @Override
    public boolean knows(BackupManifest.SchemaVersion version) {
        if (!TOOL.equals(version.tool())) {
            return true;
        }
        String[] parts = version.version().split("::", 3);
        if (parts.length < 2) {
            return true;
        }
        return withLiquibase(lb -> lb.getDatabaseChangeLog().getChangeSets().stream()
                .anyMatch(cs -> cs.getId().equals(parts[0]) && cs.getAuthor().equals(parts[1])));
    }

    @Override
    public List<String> pending() {
        return withLiquibase(lb -> lb
                .listUnrunChangeSets(
                        new Contexts(liquibase.getContexts()), new LabelExpression(liquibase.getLabelFilter()))
                .stream()
                .map(ChangeSet::getId)
                .toList());
    }

    private interface LiquibaseCall<T> {
        T apply(Liquibase liquibase) throws LiquibaseException;
    }

    private <T> T withLiquibase(LiquibaseCall<T> call) {
        DataSource dataSource = liquibase.getDataSource();
        try (Connection c = dataSource.getConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            if (liquibase.getDefaultSchema() != null) {
                database.setDefaultSchemaName(liquibase.getDefaultSchema());
            }
            if (liquibase.getLiquibaseSchema() != null) {
                database.setLiquibaseSchemaName(liquibase.getLiquibaseSchema());
            }
            if (liquibase.getDatabaseChangeLogTable() != null) {
                database.setDatabaseChangeLogTableName(liquibase.getDatabaseChangeLogTable());
            }
            Liquibase lb = new Liquibase(
                    liquibase.getChangeLog(), new SpringResourceAccessor(liquibase.getResourceLoader()), database);
            return call.apply(lb);
        } catch (SQLException | LiquibaseException e) {
            throw new IllegalStateException(
                    "Cannot read the Liquibase changelog " + liquibase.getChangeLog() + ": " + e, e);
        }
    }

    private static boolean exists(Connection c, String schema, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData()
                .getTables(null, schema, table.toLowerCase(java.util.Locale.ROOT), new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
