import { pino, type Logger } from 'pino';

export type { Logger };

export interface LogOptions {
  level?: string;
  /** A file to append to; default: stderr. Never stdout: stdout is the stdio transport. */
  file?: string;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const destination = opts.file ? pino.destination({ dest: opts.file, mkdir: true, sync: false }) : pino.destination(2);
  return pino(
    {
      name: 'dba-mcp',
      level: opts.level ?? 'info',
      redact: {
        paths: ['dsn', '*.dsn', 'password', '*.password', 'authorization', '*.authorization', 'token', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
