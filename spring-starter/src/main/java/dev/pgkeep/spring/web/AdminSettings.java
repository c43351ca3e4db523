package dev.pgkeep.spring.web;

import java.nio.file.Path;
import java.util.List;

/**
 * What the admin endpoints need from the configuration.
 *
 * @param production whether every restore needs {@code confirm} (pgkeep.environment=production or a prod profile)
 * @param safetyBackup whether restores first back up their target
 * @param maxUploadBytes the largest accepted upload
 * @param tempDirectory where uploads are streamed to
 * @param allowedTargets name patterns ({@code *} wildcards) of unconfigured databases a restore may target
 */
public record AdminSettings(
        String basePath,
        boolean production,
        boolean safetyBackup,
        long maxUploadBytes,
        Path tempDirectory,
        List<String> allowedTargets) {}
