/** The source's check_health thresholds (config `health`), with the defaults for a source built without them. */
import type { ResolvedSource } from '../../config/load.js';
import { HealthThresholdsSchema, type HealthThresholds } from '../../core/settings.js';
import type { EngineAdapter } from '../../engines/contract/engine.js';
import type { HealthOps } from '../../engines/contract/health.js';
import { ToolError } from '../../core/errors.js';

const DEFAULTS = HealthThresholdsSchema.parse({});

export function thresholdsOf(source: ResolvedSource): HealthThresholds {
  return (source as { health?: HealthThresholds }).health ?? DEFAULTS;
}

/** The engine's health slot, or UNSUPPORTED_BY_ENGINE. */
export function healthOf(engine: EngineAdapter, tool: string): HealthOps {
  if (!engine.health)
    throw new ToolError(
      'UNSUPPORTED_BY_ENGINE',
      `${tool} is not available for ${engine.name}`,
      "list_sources shows each source's engine; check_health covers PostgreSQL, MySQL/MariaDB and SQLite.",
    );
  return engine.health;
}
