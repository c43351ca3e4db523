package dev.pgkeep.spring.autoconfigure;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when public keys or a secret key are configured (a list property needs the binder, not a name check). */
final class EncryptionConfiguredCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Binder binder = Binder.get(context.getEnvironment());
        boolean publicKeys = !binder.bind("pgkeep.encryption.public-keys", Bindable.listOf(String.class))
                .orElse(List.of())
                .isEmpty();
        boolean secretKey =
                binder.bind("pgkeep.encryption.secret-key", String.class).isBound();
        return publicKeys || secretKey
                ? ConditionOutcome.match("pgkeep.encryption keys are configured")
                : ConditionOutcome.noMatch("no pgkeep.encryption keys");
    }
}
