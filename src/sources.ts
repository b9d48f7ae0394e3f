/**
 * The configured sources and their engines. An engine is loaded and created on first use, so
 * the server starts without touching any database and a source that is down affects only itself.
 */
import type { ResolvedSource } from './config/load.js';
import { ENGINES } from './engines/registry.js';
import type { EngineAdapter, EngineDeps } from './engines/contract/engine.js';
import { ToolError } from './core/errors.js';

export class Sources {
  readonly #byId: ReadonlyMap<string, ResolvedSource>;
  readonly #engines = new Map<string, Promise<EngineAdapter>>();

  constructor(
    readonly list: readonly ResolvedSource[],
    private readonly deps: EngineDeps,
  ) {
    this.#byId = new Map(list.map((s) => [s.id, s]));
  }

  get ids(): string[] {
    return this.list.map((s) => s.id);
  }

  /** The source a call names, or the only one when it names none. */
  resolve(id: string | undefined): ResolvedSource {
    if (id === undefined) {
      if (this.list.length === 1) return this.list[0]!;
      throw new ToolError(
        'SOURCE_REQUIRED',
        `this server has ${this.list.length} sources; say which one`,
        `Pass "source": one of ${this.ids.join(', ')} (list_sources describes them).`,
      );
    }
    const found = this.#byId.get(id);
    if (!found)
      throw new ToolError(
        'SOURCE_NOT_FOUND',
        `no source named "${id}"`,
        `Configured sources: ${this.ids.join(', ')}. Call list_sources.`,
      );
    return found;
  }

  engine(source: ResolvedSource): Promise<EngineAdapter> {
    let engine = this.#engines.get(source.id);
    if (!engine) {
      engine = ENGINES[source.parsed.engine].load().then((mod) => mod.createEngine(source, this.deps));
      engine.catch(() => this.#engines.delete(source.id));
      this.#engines.set(source.id, engine);
    }
    return engine;
  }

  async closeAll(): Promise<void> {
    const engines = [...this.#engines.values()];
    this.#engines.clear();
    await Promise.allSettled(engines.map(async (e) => (await e).close()));
  }
}
