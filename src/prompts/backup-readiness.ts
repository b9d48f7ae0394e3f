/**
 * backup_readiness: the workflow "could we recover this database, and have we proven it?":
 * check, back up if needed, prove by a restore, check again, and say plainly what is missing.
 */
import type { PromptDef } from './types.js';

export const backupReadiness: PromptDef = {
  name: 'backup_readiness',
  title: 'Backup readiness review',
  description:
    'Find out whether a database could be recovered to within its backups.max_age_hours and whether that has been proven by a restore; make and verify a backup if needed, and list what is missing.',
  arguments: [
    {
      name: 'source',
      description: 'The source to review (list_sources names them); optional when only one is configured.',
      required: false,
    },
  ],
  messages({ source }) {
    const on = source ? ` \`${source}\`` : '';
    const src = source ? `{"source": ${JSON.stringify(source)}}` : '{}';
    const text = [
      `Review the backups of the database${on}: could we recover it to within the configured maximum age, and have we proven it by a restore?`,
      '',
      'Work through it in this order, and show me each result before moving on:',
      '',
      `1. Call \`check_backups\` with ${src}. Report the overall status, then each check that is fail or warn with its evidence (ages, counts, the archiver's last failure, the exact error) and its fix. Mention the info checks only as context (e.g. no point-in-time recovery).`,
      '2. If no backup dir is configured, stop there and tell me the config to add (backups: { dir, max_age_hours }).',
      '3. If there is no backup, or the newest is older than max_age_hours or unreadable, ask me, then call `create_backup` (it only reads the database and writes a file on the dba-mcp machine). Tell me its size, duration and table/row counts.',
      '4. If the newest backup has not been proven by a restore, ask me, then call `verify_backup`: it restores into a scratch database or file that it removes afterwards. Report the restore time as our measured recovery time, and any table whose rows differ. If it fails, quote the reason and do not call the backup usable.',
      `5. Call \`check_backups\` with ${src} again and compare with step 1.`,
      '6. Sum up in three lines: the recovery point (age of the newest proven backup, and whether point-in-time recovery is possible), the measured recovery time, and the remaining risks with their fixes (e.g. schedule create_backup and verify_backup, enable WAL archiving or binary logging).',
      'Never change server settings yourself; the fixes are for a person to apply.',
    ].join('\n');
    return [{ role: 'user', content: { type: 'text', text } }];
  },
};
