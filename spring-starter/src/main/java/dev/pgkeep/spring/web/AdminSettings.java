package dev.pgkeep.spring.web;

import java.nio.file.Path;

/**
 * What the admin endpoints need from the configuration.
 *
 * @param production whether every restore needs {@code confirm} (pgkeep.environment=production or a prod profile)
 * @param safetyBackup whether restores first back up their target
 * @param maxUploadBytes the largest accepted upload
 * @param tempDirectory where uploads are streamed to
 */
public record AdminSettings(
        String basePath, boolean production, boolean safetyBackup, long maxUploadBytes, Path tempDirectory) {}
