/** SQLite has no logins: the question is whether this process could write the file (it opens it read-only regardless). */
import fs from 'node:fs';
import type { Posture } from '../../contract/engine.js';

export function sqlitePosture(file: string): Posture {
  let writable = false;
  try {
    fs.accessSync(file, fs.constants.W_OK);
    writable = true;
  } catch {
    writable = false;
  }
  const login = `file ${file}`;
  if (!writable) return { login, findings: [] };
  return {
    login,
    findings: [
      {
        id: 'file_writable',
        severity: 'info',
        message: 'this process may write the database file; dba-mcp opens it read-only',
        fix: 'chmod a-w the file, or run dba-mcp as a user that can only read it.',
      },
    ],
  };
}
