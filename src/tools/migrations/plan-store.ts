/**
 * Stored migration plans: `<state_dir>/plans/<id>.json`, written atomically (temp file + fsync +
 * rename, mode 0600; the backups helper's writeJsonAtomic), with the sha256 of the exact steps text and an
 * expiry. Ids and hashes are the approvals store's own (newChangeId, changeHash), so a plan's
 * sha256 is the sha256 its apply_migration change carries.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ApprovalStore } from '../../approvals/store.js';
import { changeHash, newChangeId } from '../../approvals/store.js';
import { writeJsonAtomic } from '../../core/json-file.js';
import { ToolError } from '../../core/errors.js';
import type { StoredPlan } from './migration-plan.js';

const ID = /^[a-z2-7]{10}$/;

/** A plan can be applied for this long after it was made; the schema may have moved on after that. */
export const PLAN_TTL_MS = 24 * 60 * 60_000;

export function plansDir(approvals: ApprovalStore): string {
  return path.join(path.dirname(approvals.dir), 'plans');
}

function fileOf(dir: string, id: string): string {
  if (!ID.test(id))
    throw new ToolError(
      'INVALID_ARGUMENT',
      `"${id}" is not a plan id`,
      'Pass the plan_id that plan_migration returned (10 letters and digits).',
    );
  return path.join(dir, `${id}.json`);
}

export function writePlan(dir: string, plan: StoredPlan): void {
  writeJsonAtomic(fileOf(dir, plan.id), plan);
}

export function readPlan(dir: string, id: string): StoredPlan | undefined {
  try {
    return JSON.parse(fs.readFileSync(fileOf(dir, id), 'utf8')) as StoredPlan;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export const newPlanId = newChangeId;

/** The hash a plan and its change both carry: sha256(source + "\n" + steps text). */
export const planHash = changeHash;
