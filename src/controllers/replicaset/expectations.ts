// Controller expectations (after Kubernetes' UIDTrackingControllerExpectations): after a controller
// creates or deletes pods it waits until its informer has seen those changes before it acts on the
// same key again, so a burst of creates is not repeated from a stale cache. Expectations expire
// after a TTL in case a watch event is lost.

interface Entry {
  add: number;
  del: number;
  at: number;
}

export const EXPECTATIONS_TTL_MS = 5 * 60_000;

export class Expectations {
  private entries = new Map<string, Entry>();
  private deleting = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now, private readonly ttlMs = EXPECTATIONS_TTL_MS) {}

  /** Forget previous expectations; expect `adds` creations. */
  expectCreations(key: string, adds: number): void {
    this.entries.set(key, { add: adds, del: 0, at: this.now() });
  }

  /** Forget previous expectations; expect the deletion of these pods (by namespace/name key). */
  expectDeletions(key: string, podKeys: readonly string[]): void {
    const set = new Set(podKeys);
    this.deleting.set(key, set);
    this.entries.set(key, { add: 0, del: set.size, at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e) e.add--;
  }

  /** Counts a deletion once per expected pod, whether seen as a deletionTimestamp or a delete. */
  deletionObserved(key: string, podKey: string): void {
    const set = this.deleting.get(key);
    if (!set?.delete(podKey)) return;
    const e = this.entries.get(key);
    if (e) e.del--;
  }

  /** True when nothing is outstanding (or never was), or the expectations have expired. */
  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.at > this.ttlMs;
  }

  /** Outstanding creations and deletions (for tests and diagnostics). */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.entries.get(key);
    return e && { add: e.add, del: e.del };
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.deleting.delete(key);
  }
}
