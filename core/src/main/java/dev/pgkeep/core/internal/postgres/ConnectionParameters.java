package dev.pgkeep.core.internal.postgres;

import dev.pgkeep.core.BadInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The query parameters of a database URL, as pgkeep hands them to libpq through its environment. Every parameter is
 * either a libpq connection keyword that has an environment variable, a pgjdbc name translated to one, a pure JDBC
 * driver setting that does not change which server is reached nor how ({@link #DRIVER_ONLY}, ignored on purpose), or
 * an error: a parameter pgkeep ignored could be one that was meant to secure the connection.
 */
public final class ConnectionParameters {
    private ConnectionParameters() {}

    /** libpq connection keywords and the environment variables libpq reads them from. */
    static final Map<String, String> LIBPQ = libpq();

    /** pgjdbc parameter names with a libpq keyword of the same meaning. */
    static final Map<String, String> JDBC_NAMES = Map.of(
            "ApplicationName", "application_name",
            "connectTimeout", "connect_timeout",
            "gssEncMode", "gssencmode",
            "channelBinding", "channel_binding",
            "sslNegotiation", "sslnegotiation",
            "kerberosServerName", "krbsrvname");

    /**
     * pgjdbc settings of the Java driver's own behaviour (timeouts of its sockets and logins, statement caching, type
     * handling, schema of its session): the tools have their own, and none of these changes which server is reached
     * or how it is authenticated or encrypted.
     */
    public static final Set<String> DRIVER_ONLY = Set.of(
            "loginTimeout",
            "socketTimeout",
            "cancelSignalTimeout",
            "tcpKeepAlive",
            "prepareThreshold",
            "preparedStatementCacheQueries",
            "preparedStatementCacheSizeMiB",
            "defaultRowFetchSize",
            "reWriteBatchedInserts",
            "stringtype",
            "binaryTransfer",
            "autosave",
            "cleanupSavepoints",
            "readOnly",
            "readOnlyMode",
            "currentSchema",
            "logUnclosedConnections",
            "assumeMinServerVersion",
            "escapeSyntaxCallMode",
            "adaptiveFetch",
            "sendBufferSize",
            "receiveBufferSize",
            "disableColumnSanitiser",
            "hideUnprivilegedObjects",
            "logServerErrorDetail",
            "quoteReturningIdentifiers",
            "loggerLevel",
            "loggerFile",
            "allowEncodingChanges",
            "unknownLength",
            "maxResultBuffer",
            "databaseMetadataCacheFields",
            "databaseMetadataCacheFieldsMiB",
            "preferQueryMode",
            "tcpNoDelay",
            "binaryTransferEnable",
            "binaryTransferDisable",
            "xmlFactoryFactory",
            "groupStartupParameters",
            "hostRecheckSeconds",
            "loadBalanceHosts");

    /** Parameters that cannot reach libpq safely, with what to do instead. */
    static final Map<String, String> REFUSED = Map.of(
            "sslpassword",
            "libpq reads a client key's passphrase only from a connection string, which would put it on the tools'"
                    + " command line; use a key file without a passphrase, readable only by the user pgkeep runs as"
                    + " (chmod 0600)",
            "sslfactory",
            "the tools (libpq) cannot use a Java SSL factory; give sslmode (verify-full) and sslrootcert instead",
            "sslfactoryarg",
            "the tools (libpq) cannot use a Java SSL factory; give sslmode (verify-full) and sslrootcert instead",
            "sslhostnameverifier",
            "the tools (libpq) cannot use a Java hostname verifier; sslmode=verify-full checks the host name",
            "sslpasswordcallback",
            "the tools (libpq) cannot call Java code for a key's passphrase; use a key file without a passphrase",
            "socketFactory",
            "the tools (libpq) cannot connect through a Java socket factory (a cloud connector, a tunnel); run its"
                    + " proxy (e.g. the Cloud SQL Auth Proxy) and give its host and port",
            "authenticationPluginClassName",
            "the tools (libpq) cannot call a Java authentication plugin (e.g. IAM tokens); give them a password"
                    + " through PGPASSWORD or a passfile");

    private static final Set<String> SSLMODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /**
     * The libpq form of a URL's query parameters, in their order: {@code ssl=true} (or a bare {@code ssl}) becomes
     * {@code sslmode=verify-full} when no {@code sslmode} is given, as pgjdbc reads it since 42.2.5; pgjdbc names are
     * translated, {@link #DRIVER_ONLY} ones dropped; anything else fails naming the parameter and what is supported.
     */
    public static Map<String, String> fromUrl(Map<String, String> query) {
        Map<String, String> libpq = new LinkedHashMap<>();
        @Nullable String ssl = null;
        for (Map.Entry<String, String> e : query.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name.equals("ssl")) {
                ssl = value;
            } else if (name.equals("targetServerType")) {
                libpq.put("target_session_attrs", targetSessionAttrs(value));
            } else if (JDBC_NAMES.containsKey(name)) {
                libpq.put(JDBC_NAMES.get(name), value);
            } else if (!DRIVER_ONLY.contains(name)) {
                libpq.put(name, value);
            }
        }
        if (ssl != null) {
            if (ssl.isEmpty() || ssl.equalsIgnoreCase("true")) {
                libpq.putIfAbsent("sslmode", "verify-full");
            } else if (!ssl.equalsIgnoreCase("false")) {
                throw new BadInputException("The database URL's parameter ssl=" + ssl
                        + " is neither true nor false; give ssl=true (which means sslmode=verify-full) or an sslmode.");
            }
        }
        return requireLibpq(libpq);
    }

    /** {@code parameters} when every key is a libpq keyword pgkeep can pass through the environment; else fails. */
    public static Map<String, String> requireLibpq(Map<String, String> parameters) {
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            String name = e.getKey();
            if (REFUSED.containsKey(name)) {
                throw new BadInputException(
                        "The database URL's parameter '" + name + "' is not supported: " + REFUSED.get(name) + ".");
            }
            if (!LIBPQ.containsKey(name)) {
                throw new BadInputException("The database URL's parameter '" + name + "' is not one pgkeep"
                        + " understands, so it is refused rather than ignored. Supported: "
                        + String.join(", ", LIBPQ.keySet())
                        + "; the pgjdbc names ssl, targetServerType, " + String.join(", ", JDBC_NAMES.keySet())
                        + "; and, ignored as settings of the Java driver only, "
                        + String.join(", ", DRIVER_ONLY.stream().sorted().toList())
                        + ".");
            }
            if (e.getValue().indexOf('\0') >= 0) {
                throw new BadInputException("The database URL's parameter '" + name + "' holds a NUL character.");
            }
            if (name.equals("sslmode") && !SSLMODES.contains(e.getValue())) {
                throw new BadInputException("The database URL's sslmode '" + e.getValue() + "' is not one of "
                        + String.join(", ", SSLMODES.stream().sorted().toList()) + ".");
            }
        }
        return parameters;
    }

    /** The environment variables that give libpq {@code parameters}. */
    public static Map<String, String> environment(Map<String, String> parameters) {
        Map<String, String> env = new LinkedHashMap<>();
        parameters.forEach((k, v) -> env.put(LIBPQ.get(k), v));
        return env;
    }

    private static String targetSessionAttrs(String targetServerType) {
        switch (targetServerType) {
            case "any":
                return "any";
            case "primary":
            case "master":
                return "primary";
            case "secondary":
            case "slave":
                return "standby";
            case "preferSecondary":
            case "preferSlave":
                return "prefer-standby";
            default:
                throw new BadInputException("The database URL's targetServerType=" + targetServerType
                        + " has no libpq equivalent; use any, primary, secondary or preferSecondary, or give libpq's"
                        + " target_session_attrs.");
        }
    }

    private static Map<String, String> libpq() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sslmode", "PGSSLMODE");
        m.put("sslrootcert", "PGSSLROOTCERT");
        m.put("sslcert", "PGSSLCERT");
        m.put("sslkey", "PGSSLKEY");
        m.put("sslcrl", "PGSSLCRL");
        m.put("sslcrldir", "PGSSLCRLDIR");
        m.put("sslsni", "PGSSLSNI");
        m.put("sslcertmode", "PGSSLCERTMODE");
        m.put("sslnegotiation", "PGSSLNEGOTIATION");
        m.put("ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION");
        m.put("ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION");
        m.put("gssencmode", "PGGSSENCMODE");
        m.put("channel_binding", "PGCHANNELBINDING");
        m.put("require_auth", "PGREQUIREAUTH");
        m.put("requirepeer", "PGREQUIREPEER");
        m.put("krbsrvname", "PGKRBSRVNAME");
        m.put("gsslib", "PGGSSLIB");
        m.put("connect_timeout", "PGCONNECT_TIMEOUT");
        m.put("application_name", "PGAPPNAME");
        m.put("options", "PGOPTIONS");
        m.put("target_session_attrs", "PGTARGETSESSIONATTRS");
        m.put("load_balance_hosts", "PGLOADBALANCEHOSTS");
        m.put("client_encoding", "PGCLIENTENCODING");
        m.put("hostaddr", "PGHOSTADDR");
        m.put("passfile", "PGPASSFILE");
        m.put("service", "PGSERVICE");
        return java.util.Collections.unmodifiableMap(m);
    }
}
