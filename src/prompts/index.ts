/** Every prompt the server offers, in listing order. */
import { optimizeQuery } from './optimize-query.js';
import type { PromptDef } from './types.js';

export type { PromptDef } from './types.js';

import { backupReadiness } from './backup-readiness.js';
import { healthReport } from './health-report.js';

export const PROMPTS: readonly PromptDef[] = [optimizeQuery, backupReadiness, healthReport];
