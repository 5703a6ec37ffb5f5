// OOM kills seen in the kernel log (/dev/kmsg), by container. containerd 1.6 learns of an OOM kill
// through the shim's cgroup v1 OOM notification, which is registered only after the container
// started: a container that is OOM-killed at once (or while the node is busy) can exit without
// the event and read `Error` instead of `OOMKilled`. The kernel writes an `oom-kill:` record naming
// the killed task's memory cgroup (`task_memcg=/.../<container id>`) before the task dies, so the
// record is there by the time the exit is reported.
import { closeSync, constants, openSync, readSync } from 'node:fs';

const ID = /([0-9a-f]{64})(?:\.scope)?$/;

/** the container id (64 hex digits, last element of the killed task's memory cgroup) of an oom-kill record */
export function oomKilledContainer(record: string): string | undefined {
  const msg = record.slice(record.indexOf(';') + 1);
  if (!msg.startsWith('oom-kill:')) return undefined;
  const m = /(?:^|,)task_memcg=([^,\n]*)/.exec(msg.slice('oom-kill:'.length));
  if (!m) return undefined;
  const last = m[1]!.split('/').pop() ?? '';
  return ID.exec(last)?.[1];
}

export class KmsgOomWatcher {
  private fd: number | undefined;
  private readonly buf = Buffer.alloc(16 * 1024);
  /** container id -> when seen (insertion order: oldest first) */
  private readonly killed = new Map<string, number>();
  private failed = false;

  constructor(private readonly path = '/dev/kmsg', private readonly max = 10_000) {}

  /** reads every record available now (non-blocking) */
  drain(): void {
    if (this.failed) return;
    if (this.fd === undefined) {
      try {
        this.fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
      } catch {
        this.failed = true;
        return;
      }
    }
    for (let i = 0; i < 100_000; i++) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') continue; // records were overwritten before we read them: go on
        if (code !== 'EAGAIN') this.close(true);
        return;
      }
      if (n <= 0) return;
      const id = oomKilledContainer(this.buf.toString('utf8', 0, n));
      if (id) {
        this.killed.delete(id);
        this.killed.set(id, Date.now());
        if (this.killed.size > this.max) this.killed.delete(this.killed.keys().next().value!);
      }
    }
  }

  /** true when the kernel logged an OOM kill of a task of this container */
  wasOomKilled(containerId: string): boolean {
    this.drain();
    return this.killed.has(containerId);
  }

  /** whether the kernel log can be read here */
  get available(): boolean {
    this.drain();
    return !this.failed;
  }

  close(failed = false): void {
    if (this.fd !== undefined) {
      try { closeSync(this.fd); } catch { /* closed */ }
    }
    this.fd = undefined;
    if (failed) this.failed = true;
  }
}
