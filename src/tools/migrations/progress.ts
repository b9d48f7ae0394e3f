/**
 * Step-by-step progress of a running migration, for whoever in this process is waiting on it (an
 * apply_migration call approved by elicitation turns it into notifications/progress). The runner
 * reports; nobody listening is fine.
 */
type Listener = (done: number, total: number, message: string) => void;

const listeners = new Map<string, Set<Listener>>();

export function onMigrationProgress(changeId: string, listener: Listener): () => void {
  const set = listeners.get(changeId) ?? new Set<Listener>();
  set.add(listener);
  listeners.set(changeId, set);
  return () => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(changeId);
  };
}

export function reportMigrationProgress(changeId: string, done: number, total: number, message: string): void {
  for (const l of listeners.get(changeId) ?? []) {
    try {
      l(done, total, message);
    } catch {
      /* a listener's failure is not the migration's */
    }
  }
}
