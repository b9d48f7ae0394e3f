#!/usr/bin/env node
/**
 * Writes the reference docs that the code describes, so they cannot drift from it:
 *   docs/configuration.md  = docs/src/configuration.md + a reference built from ConfigSchema
 *   docs/tools.md          = docs/src/tools.md + one section per tool of TOOLS, each followed by
 *                            its hand-written partial docs/src/tools/<tool name>.md
 *
 *   node scripts/gen-docs.mjs          (npm run docs)        write the files
 *   node scripts/gen-docs.mjs --check  (npm run docs:check)  exit 1 and name each stale file
 *
 * The TypeScript sources are loaded by bundling an entry that imports only src/config/schema.ts
 * and src/tools/index.ts with esbuild (as scripts/build.mjs bundles the server) into a temporary
 * file under node_modules/.cache, importing it and removing it. The output depends on nothing but
 * the sources and the templates: no dates, no paths, no environment.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARKER_CONFIG = '<!-- gen-docs: configuration reference -->';
const MARKER_TOOLS = '<!-- gen-docs: tools reference -->';
const SAFE_INT = Number.MAX_SAFE_INTEGER;

// ---------------------------------------------------------------------------------------------
// Loading the sources

async function loadSources() {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'dba-mcp-docs');
  fs.mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, `entry-${process.pid}-${Date.now().toString(36)}.mjs`);
  try {
    await build({
      stdin: {
        contents: [
          "export { ConfigSchema } from './src/config/schema.ts';",
          "export { TOOLS } from './src/tools/index.ts';",
          "export { annotationsFor } from './src/tools/define-tool.ts';",
          "export { z } from 'zod';",
        ].join('\n'),
        resolveDir: ROOT,
        sourcefile: 'gen-docs-entry.ts',
        loader: 'ts',
      },
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // As in scripts/build.mjs: native addon and WASM packages stay external.
      external: ['better-sqlite3', 'pg-native', 'libpg-query', '@guanmingchiu/sqlparser-ts'],
      banner: {
        js: "import { createRequire as __dbaMcpRequire } from 'node:module'; const require = __dbaMcpRequire(import.meta.url);",
      },
      logLevel: 'warning',
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema to Markdown

/** Text fit for one Markdown table cell. */
function cell(text) {
  return String(text ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function code(value) {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

/** GitHub's heading anchor. */
function slug(heading) {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/** A short type name: string, integer, string[], object, "a" | "b", string | null, ... */
function typeOf(s) {
  if (!s || typeof s !== 'object') return 'any';
  if (s.const !== undefined) return code(s.const);
  if (Array.isArray(s.anyOf)) return unique(s.anyOf.map(typeOf)).join(' | ');
  if (Array.isArray(s.oneOf)) return unique(s.oneOf.map(typeOf)).join(' | ');
  if (Array.isArray(s.type)) return unique(s.type.map((type) => typeOf({ ...s, type }))).join(' | ');
  switch (s.type) {
    case 'array': {
      const item = typeOf(s.items);
      return isUnion(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'object':
      // A record of a known value type; a record of anything (additionalProperties {} or true) is just an object.
      if (
        !s.properties &&
        s.additionalProperties &&
        typeof s.additionalProperties === 'object' &&
        Object.keys(s.additionalProperties).length
      ) {
        return `map of ${typeOf(s.additionalProperties)}`;
      }
      return 'object';
    case undefined:
      return 'any';
    default:
      return s.type;
  }
}

/** True when the type text is a union at its top level (outside parentheses). */
function isUnion(text) {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && text.startsWith(' | ', i)) return true;
  }
  return false;
}

function unique(list) {
  return [...new Set(list)];
}

function range(min, max, unit) {
  const lo = min !== undefined && min > -SAFE_INT ? min : undefined;
  const hi = max !== undefined && max < SAFE_INT ? max : undefined;
  const u = unit ? ` ${unit}` : '';
  if (lo !== undefined && hi !== undefined) return `${lo} to ${hi}${u}`;
  if (lo !== undefined) return `at least ${lo}${u}`;
  if (hi !== undefined) return `at most ${hi}${u}`;
  return undefined;
}

/** The values a field accepts beyond its type: enums, ranges, lengths, patterns (also of array items). */
function allowed(s) {
  if (!s || typeof s !== 'object') return [];
  const out = [];
  if (Array.isArray(s.enum)) out.push(s.enum.map(code).join(', '));
  const r = range(s.minimum, s.maximum);
  if (r) out.push(r);
  if (s.exclusiveMinimum !== undefined) out.push(`above ${s.exclusiveMinimum}`);
  if (s.exclusiveMaximum !== undefined) out.push(`below ${s.exclusiveMaximum}`);
  const len =
    s.minLength === 1 && s.maxLength === undefined ? 'not empty' : range(s.minLength, s.maxLength, 'characters');
  if (len) out.push(len);
  if (s.pattern !== undefined) out.push(`matches ${code(s.pattern)}`);
  const items = range(s.minItems, s.maxItems, 'items');
  if (items) out.push(items);
  if (s.type === 'array' && s.items) {
    const inner = allowed(s.items);
    if (inner.length) out.push(`each: ${inner.join('; ')}`);
  }
  for (const branch of s.anyOf ?? []) out.push(...allowed(branch));
  return out;
}

function isObjectSchema(s) {
  return s && s.type === 'object' && s.properties;
}

// ---------------------------------------------------------------------------------------------
// docs/configuration.md

function configReference(z, ConfigSchema) {
  const root = z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-7' });
  const lines = [];
  // Depth-first: each section, then the sections of its nested objects, then its next sibling.
  const queue = [{ title: 'Top level', prefix: '', schema: root }];
  while (queue.length) {
    const { title, prefix, schema } = queue.shift();
    const children = [];
    const required = new Set(schema.required ?? []);
    const rows = [];
    for (const [key, prop] of Object.entries(schema.properties)) {
      const keyPath = `${prefix}${key}`;
      const nested = isObjectSchema(prop)
        ? prop
        : prop.type === 'array' && isObjectSchema(prop.items)
          ? prop.items
          : undefined;
      let description = prop.description ?? '';
      if (nested) {
        const childPath = nested === prop ? keyPath : `${keyPath}[]`;
        const heading = `\`${childPath}\``;
        children.push({ title: heading, prefix: `${childPath}.`, schema: nested });
        description = `${description}${description ? ' ' : ''}See [${heading}](#${slug(heading)}).`;
      }
      const emptyObject =
        prop.default &&
        typeof prop.default === 'object' &&
        !Array.isArray(prop.default) &&
        Object.keys(prop.default).length === 0;
      const dflt = required.has(key)
        ? '**required**'
        : emptyObject
          ? "its keys' defaults"
          : prop.default !== undefined
            ? code(prop.default)
            : '';
      rows.push(
        `| \`${key}\` | ${cell(typeOf(prop))} | ${cell(dflt)} | ${cell(allowed(prop).join('; '))} | ${cell(description)} |`,
      );
    }
    queue.unshift(...children);
    lines.push(`### ${title}`, '');
    if (schema.description) lines.push(schema.description, '');
    lines.push('| key | type | default | allowed | description |', '|---|---|---|---|---|', ...rows, '');
  }
  return [
    'Every key the config file accepts, generated from the schema the server validates it with',
    '(`src/config/schema.ts`). Any other key is refused at start. "required" keys have no default;',
    'an empty default means the key is optional and unset unless given.',
    '',
    ...lines,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// docs/tools.md

/** What src/pipeline/tools.ts adds to every tool of scope 'source', described without the configured ids. */
const SOURCE_FIELD = {
  type: 'string (a source id)',
  description:
    'The database to use: the id of a configured source. Optional when only one source is configured; list_sources describes them.',
};

/** The annotations a client sees: derived from the access class, then the tool's own hints (as src/pipeline/tools.ts does). */
let annotationsFor;
function annotationsOf(def) {
  return { ...annotationsFor(def.access), ...def.annotations };
}

function fieldSummary(s) {
  const target = s.type === 'array' && isObjectSchema(s.items) ? s.items : isObjectSchema(s) ? s : undefined;
  if (!target) {
    const branch = (s.anyOf ?? []).find((b) => isObjectSchema(b) || (b.type === 'array' && isObjectSchema(b.items)));
    return branch ? fieldSummary(branch) : '';
  }
  return `Fields: ${Object.keys(target.properties)
    .map((k) => `\`${k}\``)
    .join(', ')}.`;
}

function sentence(text) {
  const t = text.trim();
  return t && !/[.:!?]$/.test(t) ? `${t}.` : t;
}

/** A type, with the values it allows (enums, ranges, lengths) after it. */
function typeWithLimits(prop) {
  const extra = allowed(prop);
  return `${typeOf(prop)}${extra.length ? `; ${extra.join('; ')}` : ''}`;
}

function toolSection(z, def, partial) {
  const input = z.toJSONSchema(z.object(def.input).strict(), { io: 'input', target: 'draft-7' });
  const output = z.toJSONSchema(z.object(def.output), { io: 'output', target: 'draft-7' });
  const lines = [`## \`${def.name}\``, ''];
  const hints = Object.entries(annotationsOf(def))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  lines.push(`**${def.title}**. Access: \`${def.access}\`. Annotations: ${hints}.`, '');
  if (partial) lines.push(partial.trim(), '');

  lines.push(
    '**Description** (what the model reads):',
    '',
    ...def.description.split('\n').map((l) => `> ${l}`.trimEnd()),
    '',
  );

  lines.push('**Input**', '');
  const required = new Set(input.required ?? []);
  const inputRows = Object.entries(input.properties ?? {}).map(([key, prop]) => {
    const dflt = prop.default !== undefined ? ` Default: ${code(prop.default)}.` : '';
    return `| \`${key}\` | ${cell(typeWithLimits(prop))} | ${required.has(key) ? 'yes' : 'no'} | ${cell(`${sentence(prop.description ?? '')}${dflt}`)} |`;
  });
  if (def.scope === 'source')
    inputRows.unshift(`| \`source\` | ${cell(SOURCE_FIELD.type)} | no | ${cell(SOURCE_FIELD.description)} |`);
  if (inputRows.length) lines.push('| field | type | required | description |', '|---|---|---|---|', ...inputRows, '');
  else lines.push('No arguments.', '');

  lines.push("**Output** (`structuredContent`, matching the tool's `outputSchema`)", '');
  const outRequired = new Set(output.required ?? []);
  const outputRows = Object.entries(output.properties ?? {}).map(([key, prop]) => {
    const text = [sentence(prop.description ?? ''), fieldSummary(prop)].filter(Boolean).join(' ');
    return `| \`${key}\`${outRequired.has(key) ? '' : ' (optional)'} | ${cell(typeWithLimits(prop))} | ${cell(text)} |`;
  });
  lines.push('| field | type | description |', '|---|---|---|', ...outputRows, '');
  return lines.join('\n');
}

function toolsReference(z, tools, partials) {
  return tools.map((def) => toolSection(z, def, partials.get(def.name))).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Templates and files

function read(rel) {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8');
}

function merge(templateRel, marker, generated) {
  const template = read(templateRel);
  const parts = template.split(marker);
  if (parts.length !== 2) throw new Error(`${templateRel} must hold the marker ${marker} exactly once`);
  const header = `<!-- Generated by scripts/gen-docs.mjs from ${templateRel} and the code: edit those, then run npm run docs. -->\n`;
  const before = parts[0].replace(/\s*$/, '\n\n');
  const after = parts[1].replace(/^\s*/, '');
  return `${header}${before}${generated.trim()}\n${after ? `\n${after}` : ''}`.replace(/\s*$/, '\n');
}

function toolPartials(toolNames) {
  const dir = 'docs/src/tools';
  const partials = new Map();
  for (const file of fs.readdirSync(path.join(ROOT, dir)).sort()) {
    if (!file.endsWith('.md')) continue;
    const name = file.slice(0, -'.md'.length);
    if (!toolNames.has(name))
      throw new Error(`${dir}/${file} belongs to no tool: TOOLS has no "${name}" (rename or remove it)`);
    partials.set(name, read(`${dir}/${file}`));
  }
  return partials;
}

export async function generate() {
  const loaded = await loadSources();
  const { z, ConfigSchema, TOOLS } = loaded;
  annotationsFor = loaded.annotationsFor;
  const partials = toolPartials(new Set(TOOLS.map((t) => t.name)));
  // The overview table in the template is hand-written: it must name every tool.
  const overview = read('docs/src/tools.md').split(MARKER_TOOLS)[0];
  const missing = TOOLS.filter((t) => !overview.includes(`[\`${t.name}\`](#${slug(`\`${t.name}\``)})`)).map(
    (t) => t.name,
  );
  if (missing.length) throw new Error(`the overview table of docs/src/tools.md does not link ${missing.join(', ')}`);
  return new Map([
    ['docs/configuration.md', merge('docs/src/configuration.md', MARKER_CONFIG, configReference(z, ConfigSchema))],
    ['docs/tools.md', merge('docs/src/tools.md', MARKER_TOOLS, toolsReference(z, TOOLS, partials))],
  ]);
}

async function main() {
  const check = process.argv.includes('--check');
  const files = await generate();
  let stale = 0;
  for (const [rel, text] of files) {
    const file = path.join(ROOT, rel);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current === text) continue;
    if (check) {
      stale++;
      process.stderr.write(
        `${rel} is ${current === undefined ? 'missing' : 'stale'}: it differs from what the code and docs/src generate. Run npm run docs and commit the result.\n`,
      );
    } else {
      fs.writeFileSync(file, text);
      process.stdout.write(`wrote ${rel}\n`);
    }
  }
  if (check && stale === 0) process.stdout.write(`docs are up to date (${[...files.keys()].join(', ')})\n`);
  process.exitCode = stale ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`gen-docs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  });
}
