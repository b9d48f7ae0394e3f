/** Every prompt the server offers, in listing order. */
import { backupReadiness } from './backup-readiness.js';
import { healthReport } from './health-report.js';
import { optimizeQuery } from './optimize-query.js';
import { reviewMigration } from './review-migration.js';
import type { PromptDef } from './types.js';

export type { PromptDef } from './types.js';

export const PROMPTS: readonly PromptDef[] = [optimizeQuery, reviewMigration, backupReadiness, healthReport];
