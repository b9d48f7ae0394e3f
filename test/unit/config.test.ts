import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, interpolateEnv } from '../../src/config/load.js';
import { redactDsn } from '../../src/core/dsn-text.js';
import { parseDsn, sourceIdFromDsn } from '../../src/config/dsn.js';
import { defaultStateDir } from '../../src/config/state-dir.js';

function configFile(yaml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-config-'));
  const file = path.join(dir, 'dba-mcp.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}

function loadError(yaml: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    loadConfig({ config: configFile(yaml) }, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('config file', () => {
  it('applies defaults: read-only mode, 500 rows, stdio on 127.0.0.1', () => {
    const loaded = loadConfig(
      { config: configFile('sources:\n  - id: shop\n    dsn: postgres://app@db.internal:5432/shop\n') },
      {},
    );
    const [shop] = loaded.sources;
    expect(shop?.mode).toBe('read-only');
    expect(shop?.limits.max_rows).toBe(500);
    expect(shop?.parsed.engine).toBe('postgres');
    expect(loaded.config.transport).toMatchObject({ type: 'stdio', host: '127.0.0.1' });
    expect(loaded.demo).toBe(false);
  });

  it('refuses a misspelled safety key, naming its path, the closest valid key and all valid keys', () => {
    const message = loadError('sources:\n  - id: a\n    dsn: sqlite:///tmp/a.db\n    mdoe: read-write\n');
    expect(message).toContain('sources[0].mdoe');
    expect(message).toContain('did you mean "mode"');
    expect(message).toMatch(
      /valid keys here: id, dsn, description, mode, privilege_check, deny_tables, allow_functions, limits, masking/,
    );
  });

  it('refuses unknown keys in nested sections and at the top level', () => {
    expect(loadError('sources:\n  - id: a\n    dsn: sqlite:///tmp/a.db\n    limits: { max_row: 5 }\n')).toContain(
      'sources[0].limits.max_row',
    );
    expect(loadError('transprot: { type: http }\n')).toContain('did you mean "transport"');
  });

  it('refuses bad values with the path', () => {
    expect(loadError('sources:\n  - id: a\n    dsn: sqlite:///tmp/a.db\n    mode: yolo\n')).toContain(
      'sources[0].mode',
    );
    expect(
      loadError('sources:\n  - { id: a, dsn: "sqlite:///tmp/a.db" }\n  - { id: a, dsn: "sqlite:///tmp/b.db" }\n'),
    ).toContain('duplicate source id "a"');
    expect(loadError('sources:\n  - { id: a, dsn: "oracle://x" }\n')).toContain('sources[0].dsn');
  });

  it('interpolates ${ENV} secrets and fails closed when one is missing', () => {
    const yaml = 'sources:\n  - id: a\n    dsn: postgres://app:${DB_PASS}@h/db\n';
    const loaded = loadConfig({ config: configFile(yaml) }, { DB_PASS: 'p@ss' });
    expect(loaded.sources[0]?.dsn).toBe('postgres://app:p@ss@h/db');
    expect(loaded.sources[0]?.redactedDsn).toBe('postgres://app:***@h/db');
    expect(loadError(yaml, {})).toContain('environment variable DB_PASS is not set');
    expect(interpolateEnv('cost: $${HOME}', {}, [])).toBe('cost: ${HOME}');
  });

  it('refuses YAML that is not a mapping, and unreadable files', () => {
    expect(loadError('- just\n- a list\n')).toContain('must hold a mapping');
    expect(() => loadConfig({ config: '/nonexistent/dba-mcp.yaml' }, {})).toThrow(/cannot read config file/);
  });
});

describe('flags and environment', () => {
  it('serves the demo when no source is configured, under the state dir', () => {
    const loaded = loadConfig({ stateDir: '/tmp/state-x' }, {});
    expect(loaded.demo).toBe(true);
    expect(loaded.sources.map((s) => s.id)).toEqual(['demo']);
    expect(loaded.sources[0]?.parsed.file).toBe('/tmp/state-x/demo/shop-v1.db');
  });

  it('takes the state dir from the flag, then DBA_MCP_STATE_DIR, then the platform default', () => {
    expect(loadConfig({ stateDir: '/a' }, { DBA_MCP_STATE_DIR: '/b' }).stateDir).toBe('/a');
    expect(loadConfig({}, { DBA_MCP_STATE_DIR: '/b' }).stateDir).toBe('/b');
    expect(loadConfig({}, { XDG_STATE_HOME: '/xdg' }).stateDir).toBe(
      process.platform === 'linux' ? '/xdg/dba-mcp' : defaultStateDir({ XDG_STATE_HOME: '/xdg' }),
    );
  });

  it('adds --dsn sources with readable, unique ids and lets flags override the transport', () => {
    const loaded = loadConfig(
      { dsn: ['postgres://u@h/shop', 'mysql://u@h/shop', 'sqlite:///data/app.db'], transport: 'http', port: '9000' },
      {},
    );
    expect(loaded.sources.map((s) => s.id)).toEqual(['shop', 'shop-2', 'app']);
    expect(loaded.config.transport).toMatchObject({ type: 'http', port: 9000 });
  });

  it('refuses a bad transport or port given as a flag', () => {
    expect(() => loadConfig({ transport: 'carrier-pigeon' }, {})).toThrow(/transport.type/);
    expect(() => loadConfig({ port: 'eighty' }, {})).toThrow(/transport.port/);
  });

  it('takes the HTTP token from DBA_MCP_AUTH_TOKEN and refuses a short one', () => {
    expect(loadConfig({}, { DBA_MCP_AUTH_TOKEN: 'x'.repeat(32) }).config.transport.auth_token).toBe('x'.repeat(32));
    expect(() => loadConfig({}, { DBA_MCP_AUTH_TOKEN: 'short' })).toThrow(/at least 16 characters/);
  });

  it('freezes the result', () => {
    const loaded = loadConfig({}, {});
    expect(Object.isFrozen(loaded.sources[0]?.limits)).toBe(true);
  });
});

describe('DSNs', () => {
  it('maps every scheme to its engine', () => {
    expect(parseDsn('postgresql://h/db').engine).toBe('postgres');
    expect(parseDsn('mariadb://h/db').engine).toBe('mysql');
    expect(parseDsn('MYSQL://h/db').engine).toBe('mysql');
    expect(parseDsn('sqlite:///abs/file.db').file).toBe('/abs/file.db');
    expect(parseDsn('sqlite://rel/file.db', '/base').file).toBe('/base/rel/file.db');
  });

  it('refuses unknown schemes and empty sqlite paths', () => {
    expect(() => parseDsn('oracle://h/db')).toThrow(/postgres:\/\//);
    expect(() => parseDsn('sqlite://')).toThrow(/needs a file/);
  });

  it('never shows a password or secret parameter', () => {
    expect(redactDsn('postgres://user:hunter2@h:5432/db?sslmode=require&password=x2')).toBe(
      'postgres://user:***@h:5432/db?sslmode=require&password=***',
    );
    expect(redactDsn('mysql://root@h/db')).toBe('mysql://root@h/db');
  });

  it('derives ids from the database or file name', () => {
    expect(sourceIdFromDsn(parseDsn('postgres://h/my-db'))).toBe('my-db');
    expect(sourceIdFromDsn(parseDsn('sqlite:///x/shop.v2.sqlite'))).toBe('shop_v2');
    expect(sourceIdFromDsn(parseDsn('mysql://h'))).toBe('mysql');
  });
});

describe('DSN passwords with URL characters', () => {
  it('percent-encodes user and password for the driver and redacts all of the password', () => {
    const parsed = parseDsn('postgres://app:p@ss:w/rd?@db.example:5432/shop?sslmode=require');
    expect(parsed.url?.hostname).toBe('db.example');
    expect(parsed.url?.username).toBe('app');
    expect(decodeURIComponent(parsed.url!.password)).toBe('p@ss:w/rd?');
    expect(parsed.database).toBe('shop');
    expect(redactDsn('postgres://app:p@ss:w/rd@db.example/shop')).toBe('postgres://app:***@db.example/shop');
  });

  it('keeps an already encoded password as it is', () => {
    expect(parseDsn('mysql://u:a%40b@h/db').url?.password).toBe('a%40b');
  });
});

describe('--dsn with ${ENV}', () => {
  it('takes the password from the environment, so it stays out of the process list', () => {
    const loaded = loadConfig({ dsn: ['postgres://app:${SHOP_PW}@localhost/shop'] }, { SHOP_PW: 'pw' });
    expect(loaded.sources[0]?.parsed.url?.password).toBe('pw');
    expect(() => loadConfig({ dsn: ['postgres://app:${NOPE}@localhost/shop'] }, {})).toThrow(/NOPE is not set/);
  });
});

describe('admin token', () => {
  it('must differ from the MCP token', () => {
    expect(() => loadConfig({}, { DBA_MCP_AUTH_TOKEN: 's'.repeat(20), DBA_MCP_ADMIN_TOKEN: 's'.repeat(20) })).toThrow(
      /admin_token must differ from auth_token/,
    );
    expect(
      loadConfig({}, { DBA_MCP_AUTH_TOKEN: 's'.repeat(20), DBA_MCP_ADMIN_TOKEN: 'a'.repeat(20) }).config.transport
        .admin_token,
    ).toBe('a'.repeat(20));
  });
});
