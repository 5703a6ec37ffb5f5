// Controller expectations (after Kubernetes' ControllerExpectations): after a controller creates or
// deletes dependents it waits to see those writes in its informer before acting on the cache again,
// so a lagging cache does not make it create or delete twice. Expectations expire after a while in
// case a watch event is lost.

interface Entry { add: number; del: number; at: number }

export class Expectations {
  private m = new Map<string, Entry>();

  constructor(private readonly ttlMs = 5 * 60_000, private readonly now: () => number = Date.now) {}

  expect(key: string, add: number, del: number): void {
    const e = this.m.get(key);
    if (e && (e.add > 0 || e.del > 0)) { e.add += add; e.del += del; e.at = this.now(); return; }
    this.m.set(key, { add, del, at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.del--;
  }

  satisfied(key: string): boolean {
    const e = this.m.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.at > this.ttlMs;
  }

  forget(key: string): void {
    this.m.delete(key);
  }
}

/** UIDs whose finalizer removal was requested but not observed yet, per owner key. */
export class UidExpectations {
  private m = new Map<string, Set<string>>();

  expect(key: string, uids: string[]): void {
    let s = this.m.get(key);
    if (!s) this.m.set(key, (s = new Set()));
    for (const u of uids) s.add(u);
  }

  observed(key: string, uid: string): void {
    const s = this.m.get(key);
    if (!s) return;
    s.delete(uid);
    if (!s.size) this.m.delete(key);
  }

  get(key: string): Set<string> {
    return this.m.get(key) ?? new Set();
  }

  forget(key: string): void {
    this.m.delete(key);
  }
}
