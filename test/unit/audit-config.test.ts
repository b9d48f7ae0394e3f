import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditFileOf } from '../../src/audit/setup.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function load(yaml: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-audit-cfg-'));
  dirs.push(dir);
  const file = path.join(dir, 'c.yaml');
  fs.writeFileSync(file, yaml);
  return loadConfig({ config: file, stateDir: path.join(dir, 'state') }, {});
}

describe('the audit config section', () => {
  it('defaults: <state-dir>/audit/audit.jsonl, 64 MB files, literals kept', () => {
    const loaded = load('');
    expect(loaded.config.audit).toEqual({ max_file_mb: 64, redact_literals: false });
    expect(auditFileOf(loaded)).toBe(path.join(loaded.stateDir, 'audit', 'audit.jsonl'));
  });

  it('audit.path is relative to the config file', () => {
    const loaded = load('audit:\n  path: logs/dba.jsonl\n');
    expect(auditFileOf(loaded)).toBe(path.join(path.dirname(loaded.configFile!), 'logs', 'dba.jsonl'));
  });

  it('is strict: a misspelled key stops the server, naming the right one', () => {
    expect(() => load('audit:\n  redact_literal: true\n')).toThrow(ConfigError);
    expect(() => load('audit:\n  redact_literal: true\n')).toThrow(
      /audit\.redact_literal.*did you mean "redact_literals"/s,
    );
  });

  it('refuses a path that is not a .jsonl file and a rotation size under 1 MB', () => {
    expect(() => load('audit:\n  path: /var/log/dba-mcp/\n')).toThrow(/must end in \.jsonl/);
    expect(() => load('audit:\n  max_file_mb: 0.5\n')).toThrow(ConfigError);
  });
});
