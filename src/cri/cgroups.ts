// cgroupfs helpers for pod cgroups the node places its sandboxes under (`cgroup_parent`): runc
// creates the directories, the node removes them once the pod is gone (as the kubelet's pod
// container manager does). Works on cgroup v1, v2 and the hybrid layout.
import { readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupHierarchy {
  /** mount point, e.g. /sys/fs/cgroup/memory or /sys/fs/cgroup/unified */
  mount: string;
  /** v1 controllers (and name=...) of this hierarchy; empty for cgroup2 */
  controllers: string[];
  version: 1 | 2;
}

/** cgroup hierarchies mounted in this mount namespace (from /proc/self/mountinfo) */
export function cgroupHierarchies(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): CgroupHierarchy[] {
  const out: CgroupHierarchy[] = [];
  const seen = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const fstype = right[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    // bind mounts of a sub-tree (root field != /) are not the hierarchy's root
    if (left[3] !== '/') continue;
    const mount = left[4]!;
    if (seen.has(mount)) continue;
    seen.add(mount);
    if (fstype === 'cgroup2') {
      out.push({ mount, controllers: [], version: 2 });
    } else {
      const opts = (right[2] ?? '').split(',');
      const known = new Set(['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'net_prio', 'blkio', 'perf_event', 'hugetlb', 'pids', 'rdma', 'misc']);
      const controllers = opts.filter((o) => known.has(o) || o.startsWith('name='));
      out.push({ mount, controllers, version: 1 });
    }
  }
  return out;
}

/** the directory of cgroup `path` (e.g. /timonel/node1/podUID) for `controller`, if mounted */
export function cgroupDir(path: string, controller: string, hierarchies = cgroupHierarchies()): string | undefined {
  const h = hierarchies.find((x) => (x.version === 1 ? x.controllers.includes(controller) : false))
    ?? hierarchies.find((x) => x.version === 2 && isPureV2(hierarchies));
  return h ? join(h.mount, path) : undefined;
}

function isPureV2(h: CgroupHierarchy[]): boolean {
  return h.every((x) => x.version === 2);
}

/** reads one file of a cgroup (trimmed), undefined when absent */
export function readCgroupFile(path: string, controller: string, file: string): string | undefined {
  const dir = cgroupDir(path, controller);
  if (!dir) return undefined;
  try { return readFileSync(join(dir, file), 'utf8').trim(); } catch { return undefined; }
}

function rmdirTree(dir: string): number {
  let n = 0;
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return 0; }
  for (const e of entries) {
    const p = join(dir, e);
    try {
      if (statSync(p).isDirectory()) n += rmdirTree(p);
    } catch { /* raced */ }
  }
  try {
    rmdirSync(dir);
    n++;
  } catch { /* busy (processes left) or gone */ }
  return n;
}

/**
 * Removes cgroup `path` and its empty children from every hierarchy (only empty cgroups can be
 * removed: one with processes stays). Returns how many directories were removed.
 */
export function removeCgroup(path: string): number {
  const rel = path.replace(/^\/+/, '');
  if (!rel || rel.includes('..')) throw new Error(`refusing to remove cgroup ${JSON.stringify(path)}`);
  let n = 0;
  for (const h of cgroupHierarchies()) {
    n += rmdirTree(join(h.mount, rel));
    // and the ancestors this removal left empty (never recursively: a sibling may be in use)
    const parts = rel.split('/');
    for (let i = parts.length - 1; i > 0; i--) {
      try {
        rmdirSync(join(h.mount, ...parts.slice(0, i)));
        n++;
      } catch {
        break;
      }
    }
  }
  return n;
}
