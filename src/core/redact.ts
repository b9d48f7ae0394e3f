/**
 * Secrets never reach the log: a generic pass over whatever a call carried. Values under secret
 * keys become "[redacted]", DSNs lose their password (redactDsn), and password literals in SQL
 * or connection strings (PASSWORD '...', IDENTIFIED BY '...', password=...) are replaced.
 */
import { redactDsn } from './dsn-text.js';

export const REDACTED = '[redacted]';

const SECRET_KEY =
  /pass(word|wd|phrase)?$|^pwd$|secret|token|^dsn$|_dsn$|authori[sz]ation|api[_-]?key|credential|private[_-]?key|cookie|session[_-]?key/i;
const SQL_SECRETS: readonly [RegExp, string][] = [
  // PASSWORD 'x', IDENTIFIED BY 'x', IDENTIFIED WITH plugin BY 'x', ENCRYPTED PASSWORD E'x'
  [
    /\b(password|identified(?:\s+with\s+\S+)?\s+by)(\s*(?:=\s*)?)([EeNn]?'(?:[^']|'')*'|"(?:[^"]|"")*"|\$\$[\s\S]*?\$\$)/gi,
    `$1$2'${REDACTED}'`,
  ],
  // libpq key=value connection strings: password=x, password='x y'
  [/\b(password|sslpassword)(\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'";]+)/gi, `$1$2${REDACTED}`],
];

/** Replaces password literals in SQL text and conninfo strings; everything else is kept. */
export function scrubSecrets(text: string): string {
  if (!/password|identified/i.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of SQL_SECRETS) out = out.replace(pattern, replacement);
  return out;
}

const isSchemeChar = (c: string) => /[A-Za-z0-9+.-]/.test(c);
const isLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);

/**
 * Every `scheme://...` token (up to white space) handed to redactDsn. A linear scan: a regex that
 * looked for the scheme before each `://` re-read long runs of scheme characters at every start
 * (100,000 characters of `a+a+...` took 13 s), and refused calls and prompts reach this too.
 */
function redactUrls(value: string): string {
  if (!value.includes('://')) return value;
  let out = '';
  let copied = 0;
  let from = 0;
  for (let at = value.indexOf('://', from); at >= 0; at = value.indexOf('://', from)) {
    let runStart = at;
    while (runStart > copied && isSchemeChar(value[runStart - 1]!)) runStart--;
    // the scheme starts at the run's first letter (also right after a word character: x_postgres://...)
    let start = runStart;
    while (start < at && !isLetter(value[start])) start++;
    from = at + 3;
    if (start === at) continue;
    let end = from;
    while (end < value.length && !/\s/.test(value[end]!)) end++;
    out += value.slice(copied, start) + redactDsn(value.slice(start, end));
    copied = from = end;
  }
  return out + value.slice(copied);
}

/** A string with DSN passwords and password literals replaced. */
export function redactText(value: string): string {
  return scrubSecrets(redactUrls(value));
}

/** A deep copy of `value` with secrets redacted. Never mutates its input. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 20) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = SECRET_KEY.test(key) && v !== null && v !== undefined ? REDACTED : redactValue(v, depth + 1);
  return out;
}

export function redactArgs(args: Record<string, unknown>): Record<string, unknown> {
  return redactValue(args) as Record<string, unknown>;
}
