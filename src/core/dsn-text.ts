/** DSN text helpers every layer may use: split off the userinfo, and print a DSN without its secrets. */

const SECRET_PARAMS = /^(password|pass|pwd|sslpassword|sslkey|token|secret|api[_-]?key)$/i;

/**
 * Splits `scheme://userinfo@host...` at the last `@`: a password taken from an environment
 * variable may hold a raw `@`, `:`, `/` or `?`, which hosts never do. (An `@` in a query
 * parameter must therefore be written %40.)
 */
export function splitUserinfo(
  dsn: string,
): { prefix: string; user: string; password: string | undefined; rest: string } | undefined {
  const start = dsn.indexOf('://') + 3;
  const at = dsn.lastIndexOf('@');
  if (start < 3 || at < start) return undefined;
  const userinfo = dsn.slice(start, at);
  const colon = userinfo.indexOf(':');
  return {
    prefix: dsn.slice(0, start),
    user: colon < 0 ? userinfo : userinfo.slice(0, colon),
    password: colon < 0 ? undefined : userinfo.slice(colon + 1),
    rest: dsn.slice(at),
  };
}

/** The DSN with its password and secret query parameters replaced, safe to print or log. */
export function redactDsn(dsn: string): string {
  const parts = splitUserinfo(dsn);
  const withoutPassword = parts?.password !== undefined ? `${parts.prefix}${parts.user}:***${parts.rest}` : dsn;
  return withoutPassword.replace(/([?&])([^=&#]+)=([^&#]*)/g, (whole, sep: string, key: string) =>
    SECRET_PARAMS.test(key) ? `${sep}${key}=***` : whole,
  );
}
