/** The engine side of plan_migration / apply_migration (#7). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MigrationOps {}
