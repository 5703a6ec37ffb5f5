// tmpfs for emptyDir volumes with `medium: Memory` (as the kubelet's empty_dir plugin does):
// mounted on the volume's host directory with `size=<sizeLimit>` (no sizeLimit: the tmpfs default,
// half of RAM), then bind-mounted into the pod's containers by the runtime like any host path.
// Writing past the size fails with ENOSPC inside the containers.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** the filesystem type mounted exactly at `dir`, if any (from /proc/self/mountinfo) */
export function mountTypeAt(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string | undefined {
  let found: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const mp = line.slice(0, sep).split(' ')[4]?.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp === dir) found = line.slice(sep + 3).split(' ')[0]; // the last one listed is on top
  }
  return found;
}

/** mounts a tmpfs of `sizeBytes` (rounded up to whole KiB; undefined: no limit given) at `dir` */
export async function mountTmpfs(dir: string, sizeBytes?: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (mountTypeAt(dir) === 'tmpfs') return;
  const opts = ['mode=0777'];
  if (sizeBytes !== undefined && sizeBytes > 0) opts.push(`size=${Math.ceil(sizeBytes / 1024)}k`);
  await execFileP('mount', ['-t', 'tmpfs', '-o', opts.join(','), 'tmpfs', dir]);
}

/** unmounts whatever is mounted at `dir` (all stacked mounts); no-op when nothing is */
export async function unmountAll(dir: string): Promise<void> {
  for (let i = 0; i < 10 && mountTypeAt(dir) !== undefined; i++) {
    try { await execFileP('umount', [dir]); } catch { await execFileP('umount', ['-l', dir]).catch(() => undefined); }
  }
}

/** mount points at or under `dir` (from /proc/self/mountinfo), deepest first */
export function mountsBelow(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const base = dir.replace(/\/+$/, '');
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const mp = line.split(' ')[4]?.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp && (mp === base || mp.startsWith(base + '/'))) out.push(mp);
  }
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

/** unmounts everything mounted at or under `dir` (a pod's volumes); returns how many were */
export async function unmountBelow(dir: string): Promise<number> {
  let n = 0;
  for (let round = 0; round < 5; round++) {
    const mps = mountsBelow(dir);
    if (mps.length === 0) break;
    for (const mp of mps) {
      try { await execFileP('umount', [mp]); n++; } catch {
        try { await execFileP('umount', ['-l', mp]); n++; } catch { /* gone with its parent */ }
      }
    }
  }
  return n;
}
