package dev.pgkeep.spring.autoconfigure;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code pgkeep.signing.trusted-keys} lists a key (a list property needs the binder). */
final class TrustedKeysConfiguredCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        boolean trusted = !Binder.get(context.getEnvironment())
                .bind("pgkeep.signing.trusted-keys", Bindable.listOf(String.class))
                .orElse(List.of())
                .isEmpty();
        return trusted
                ? ConditionOutcome.match("pgkeep.signing.trusted-keys are configured")
                : ConditionOutcome.noMatch("no pgkeep.signing.trusted-keys");
    }
}
