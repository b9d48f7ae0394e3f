/** What the pipeline is built from: injected by the composition root (src/server.ts). */
import type { ApprovalStore } from '../approvals/store.js';
import type { ChangeRunners } from '../approvals/runners.js';
import type { AuditSink } from '../audit/index.js';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../core/logging.js';
import type { Sources } from '../sources.js';

export interface PipelineDeps {
  config: LoadedConfig;
  sources: Sources;
  audit: AuditSink;
  logger: Logger;
  /** Pending changes: one store per state dir, shared by the tools, the executor and the HTTP console. */
  approvals: ApprovalStore;
  /** How approved changes run: every kind the tools create (src/tools/index.ts CHANGE_RUNNERS). */
  runners: ChangeRunners;
}
