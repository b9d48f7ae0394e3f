// Bundled on the fly by bench/guards.mjs: the pieces the guard benchmark drives.
export { ENGINES } from '../src/engines/registry.js';
export { loadConfig } from '../src/config/load.js';
export { createLogger } from '../src/core/logging.js';
export { judgeClassification } from '../src/guards/statement.js';
export { parseSqlparser } from '../src/engines/kit/sqlparser/parser.js';
