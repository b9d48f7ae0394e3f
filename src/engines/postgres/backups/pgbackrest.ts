/**
 * pgBackRest, when it is installed: `pgbackrest info --output=json` per stanza (RULES 4.1):
 * status code 0, the newest backup's stop time against max_age_hours, and its error flag.
 */
import { findBinary } from '../../kit/backups/binaries.js';
import { ageHours, describeAge, hoursSince } from '../../kit/backups/files.js';
import { runProgram, stderrTail } from '../../kit/backups/process.js';
import type { BackupCheck, BackupEnv } from '../../contract/backups.js';

interface Stanza {
  name: string;
  status?: { code?: number; message?: string };
  backup?: { label?: string; type?: string; error?: boolean; timestamp?: { stop?: number } }[];
  archive?: { max?: string }[];
}

function stanzaCheck(s: Stanza, env: BackupEnv): BackupCheck {
  const newest = s.backup?.at(-1);
  const stop = newest?.timestamp?.stop ? new Date(newest.timestamp.stop * 1000) : undefined;
  const evidence = {
    stanza: s.name,
    status_code: s.status?.code ?? null,
    status: s.status?.message ?? null,
    newest: newest?.label ?? null,
    type: newest?.type ?? null,
    stopped_at: stop?.toISOString() ?? null,
    age_hours: stop ? ageHours(stop) : null,
    error: newest?.error ?? null,
    archive_max: s.archive?.at(-1)?.max ?? null,
  };
  const id = `pgbackrest_${s.name}`;
  if (s.status?.code !== 0)
    return {
      id,
      status: 'fail',
      message: `pgBackRest stanza ${s.name}: ${s.status?.message ?? 'unknown status'} (code ${s.status?.code})`,
      evidence,
      fix: 'Run pgbackrest --stanza=NAME check and fix what it reports.',
    };
  if (newest?.error)
    return {
      id,
      status: 'fail',
      message: `pgBackRest stanza ${s.name}: the newest backup ${newest.label} found checksum errors while it ran`,
      evidence,
      fix: 'Run pgbackrest verify, and check the data files for corruption.',
    };
  if (!stop || hoursSince(stop) > env.maxAgeHours)
    return {
      id,
      status: 'fail',
      message: `pgBackRest stanza ${s.name}: the newest backup is ${stop ? describeAge(stop) : 'of unknown age,'} old (max ${env.maxAgeHours} h)`,
      evidence,
      fix: 'Check the pgBackRest backup schedule.',
    };
  return {
    id,
    status: 'ok',
    message: `pgBackRest stanza ${s.name}: ${newest?.type} backup ${newest?.label} ${describeAge(stop)} old`,
    evidence,
  };
}

export async function pgBackRestChecks(env: BackupEnv): Promise<BackupCheck[]> {
  const bin = findBinary({ names: ['pgbackrest'], install: '' });
  if (!bin) {
    if (!env.pgbackrestStanza) return [];
    return [
      {
        id: 'pgbackrest',
        status: 'warn',
        message: `backups.pgbackrest_stanza is ${env.pgbackrestStanza}, but pgbackrest is not installed on the machine running dba-mcp`,
        evidence: { stanza: env.pgbackrestStanza, installed: false },
        fix: 'Install pgBackRest here (with its config), or remove pgbackrest_stanza.',
      },
    ];
  }
  const args = [...(env.pgbackrestStanza ? [`--stanza=${env.pgbackrestStanza}`] : []), 'info', '--output=json'];
  const res = await runProgram(bin, args, { signal: env.signal });
  if (res.code !== 0)
    return [
      {
        id: 'pgbackrest',
        status: 'warn',
        message: `pgbackrest info failed: ${stderrTail(res.stderr || res.stdout, 3)}`,
        evidence: { exit_code: res.code },
      },
    ];
  const stanzas = JSON.parse(res.stdout) as Stanza[];
  if (!stanzas.length)
    return [
      {
        id: 'pgbackrest',
        status: 'info',
        message: 'pgBackRest is installed but has no stanza',
        evidence: { stanzas: 0 },
      },
    ];
  return stanzas.map((s) => stanzaCheck(s, env));
}
