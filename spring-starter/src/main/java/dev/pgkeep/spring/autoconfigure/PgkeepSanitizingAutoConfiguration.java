package dev.pgkeep.spring.autoconfigure;

import java.util.regex.Pattern;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Keeps pgkeep's secrets out of {@code /actuator/configprops} and {@code /actuator/env} when an application shows
 * their values ({@code management.endpoint.configprops.show-values}): passwords, passphrases, tokens, secret and
 * private keys, webhook URLs are masked, and a password inside a database or repository URL is replaced.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class PgkeepSanitizingAutoConfiguration {
    private static final Pattern SECRET_KEY = Pattern.compile(
            "password|passphrase|secret|token|credential|private[-_.]?key|access[-_.]?key|webhook[-_.]?url");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/@:?#]*:)[^@/?#]*@");
    private static final Pattern QUERY_PASSWORD =
            Pattern.compile("([?&](?:password|sslpassword|secret[a-z_-]*)=)[^&#]*", Pattern.CASE_INSENSITIVE);

    @Bean
    @ConditionalOnMissingBean(name = "pgkeepSecretsSanitizer")
    SanitizingFunction pgkeepSecretsSanitizer() {
        return PgkeepSanitizingAutoConfiguration::sanitize;
    }

    static SanitizableData sanitize(SanitizableData data) {
        String key = data.getLowerCaseKey();
        if (!key.startsWith("pgkeep.") && !key.startsWith("pgkeep_")) {
            return data;
        }
        if (SECRET_KEY.matcher(key).find()) {
            return data.withSanitizedValue();
        }
        if (data.getValue() instanceof CharSequence text) {
            String masked = QUERY_PASSWORD
                    .matcher(URL_PASSWORD.matcher(text).replaceAll("$1" + SanitizableData.SANITIZED_VALUE + "@"))
                    .replaceAll("$1" + SanitizableData.SANITIZED_VALUE);
            return masked.contentEquals(text) ? data : data.withValue(masked);
        }
        return data;
    }
}
