/** Alerts sent to people when an operation fails: Slack and generic webhooks. */
@NullMarked
package dev.pgkeep.core.alert;

import org.jspecify.annotations.NullMarked;
