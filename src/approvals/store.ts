/**
 * The approvals store: one JSON file per change in `<state_dir>/approvals/`, written atomically
 * (temp file + rename, mode 0600). Two transitions must happen at most once, whoever races for
 * them (the server, the CLI, a second server on the same state dir), so each is guarded by a lock
 * file created with O_EXCL: `<id>.decided` (pending -> approved | rejected | expired) and
 * `<id>.run` (approved -> executing). Whoever creates the lock file owns the transition.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChangeOutcome, ChangeStatus, DecisionPath, StoredChange } from './types.js';
import { writeJsonAtomic } from '../core/json-file.js';

export type { ChangeKind, ChangeOutcome, ChangeStatus, DecisionPath, StoredChange } from './types.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const ID = /^[a-z2-7]{10}$/;

/** 10 characters of base32 from the OS random source (50 bits): not guessable, safe in a file name. */
export function newChangeId(): string {
  return [...randomBytes(10)].map((b) => ALPHABET[b & 31]).join('');
}

export function changeHash(source: string, sql: string): string {
  return createHash('sha256').update(`${source}\n${sql}`, 'utf8').digest('hex');
}

/** Why a decision or an execution was refused: shown to the person as is. */
export class ApprovalError extends Error {
  override readonly name = 'ApprovalError';
}

export type NewChange = Omit<StoredChange, 'v' | 'id' | 'sha256' | 'created_at' | 'expires_at' | 'status'>;

export class ApprovalStore {
  readonly dir: string;

  constructor(
    stateDir: string,
    private readonly ttlMinutes = 60,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = path.join(stateDir, 'approvals');
  }

  #file(id: string, ext = '.json'): string {
    if (!ID.test(id))
      throw new ApprovalError(`"${id}" is not a change id (10 letters and digits, as request_change printed it)`);
    return path.join(this.dir, `${id}${ext}`);
  }

  #write(change: StoredChange): void {
    writeJsonAtomic(this.#file(change.id), change);
  }

  /** Creates the lock file; false when someone else already did. */
  #lock(id: string, ext: string): boolean {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    try {
      fs.closeSync(
        fs.openSync(this.#file(id, ext), fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600),
      );
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  create(input: NewChange): StoredChange {
    const created = this.now();
    const change: StoredChange = {
      v: 1,
      id: newChangeId(),
      ...input,
      sha256: changeHash(input.source, input.sql),
      created_at: created.toISOString(),
      expires_at: new Date(created.getTime() + this.ttlMinutes * 60_000).toISOString(),
      status: 'pending',
    };
    this.#write(change);
    return change;
  }

  get(id: string): StoredChange | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.#file(id), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return JSON.parse(text) as StoredChange;
  }

  /** Every stored change, newest first. */
  list(): StoredChange[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const changes: StoredChange[] = [];
    for (const name of names) {
      const m = /^([a-z2-7]{10})\.json$/.exec(name);
      const change = m ? this.#tryGet(m[1]!) : undefined;
      if (change) changes.push(change);
    }
    return changes.sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  #tryGet(id: string): StoredChange | undefined {
    try {
      return this.get(id);
    } catch {
      return undefined; // a half-visible or damaged file is skipped, not fatal
    }
  }

  isExpired(change: StoredChange): boolean {
    return this.now().getTime() >= Date.parse(change.expires_at);
  }

  /** The status a person should see: a pending change past its expiry is expired. */
  effectiveStatus(change: StoredChange): ChangeStatus {
    return change.status === 'pending' && this.isExpired(change) ? 'expired' : change.status;
  }

  /**
   * Records a person's decision, once. Refused when the change is unknown, already decided, or
   * expired (an expired change is marked so). `sha256` is the hash of what the person was shown.
   */
  decide(
    id: string,
    decision: 'approved' | 'rejected',
    by: string,
    via: DecisionPath,
    opts: { sha256?: string; recorded?: boolean } = {},
  ): StoredChange {
    const change = this.get(id);
    if (!change) throw new ApprovalError(`no change ${id}`);
    if (change.status !== 'pending')
      throw new ApprovalError(`change ${id} is ${change.status}, not pending: it was already decided`);
    if (opts.sha256 !== undefined && opts.sha256 !== change.sha256)
      throw new ApprovalError(`change ${id} is not the change that was shown (sha256 differs)`);
    if (this.isExpired(change)) {
      this.expire(id);
      throw new ApprovalError(`change ${id} expired at ${change.expires_at}; ask for it again with request_change`);
    }
    if (!this.#lock(id, '.decided')) throw new ApprovalError(`change ${id} was already decided`);
    const decided: StoredChange = {
      ...change,
      status: decision,
      decision: { decision, by, path: via, at: this.now().toISOString(), sha256: change.sha256 },
      ...(opts.recorded ? { decision_recorded: true } : {}),
    };
    this.#write(decided);
    return decided;
  }

  /** Marks a pending change past its expiry as expired (once); returns it, or undefined if it was not ours to mark. */
  expire(id: string): StoredChange | undefined {
    const change = this.get(id);
    if (!change || change.status !== 'pending' || !this.isExpired(change)) return undefined;
    if (!this.#lock(id, '.decided')) return undefined;
    const expired: StoredChange = {
      ...change,
      status: 'expired',
      decision: {
        decision: 'expired',
        by: 'dba-mcp',
        path: 'server',
        at: this.now().toISOString(),
        sha256: change.sha256,
      },
    };
    this.#write(expired);
    return expired;
  }

  /** After the server wrote the decision to its audit log. */
  markDecisionRecorded(id: string): void {
    const change = this.get(id);
    if (change && !change.decision_recorded) this.#write({ ...change, decision_recorded: true });
  }

  /**
   * approved -> executing, at most once ever: the caller that creates `<id>.run` gets the change
   * to run; anyone else gets undefined. Refused (ApprovalError) when the stored SQL no longer
   * matches the hash that was approved.
   */
  claim(id: string): StoredChange | undefined {
    const change = this.get(id);
    if (!change || change.status !== 'approved') return undefined;
    if (!this.#lock(id, '.run')) return undefined;
    const hash = changeHash(change.source, change.sql);
    if (hash !== change.sha256 || change.decision?.sha256 !== change.sha256) {
      const failed: StoredChange = {
        ...change,
        status: 'failed',
        outcome: {
          rows_affected: null,
          error: {
            code: 'APPROVAL_MISMATCH',
            message: 'the stored SQL does not match the sha256 that was approved; it was not run',
          },
          finished_at: this.now().toISOString(),
        },
      };
      this.#write(failed);
      throw new ApprovalError(`change ${id}: the stored SQL does not match the approved sha256; not run`);
    }
    const executing: StoredChange = { ...change, status: 'executing' };
    this.#write(executing);
    return executing;
  }

  finish(id: string, outcome: ChangeOutcome): StoredChange {
    const change = this.get(id);
    if (!change) throw new ApprovalError(`no change ${id}`);
    const done: StoredChange = {
      ...change,
      status: outcome.error ? 'failed' : 'executed',
      outcome: { ...outcome, finished_at: this.now().toISOString() },
    };
    this.#write(done);
    return done;
  }
}

/** Who is deciding at a terminal: OS user@hostname. */
export function localPerson(): string {
  let user = process.env.USER ?? 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry: keep $USER */
  }
  return `${user}@${os.hostname()}`;
}
