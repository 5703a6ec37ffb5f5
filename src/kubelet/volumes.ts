// Pod volumes as host directories (the kubelet's volume manager, for runtimes without mounts of
// their own the directories are what containers see):
//   emptyDir            <podDir>/volumes/kubernetes.io~empty-dir/<name>
//                       (medium: Memory -> a tmpfs there, sized as the kubelet sizes it; root only)
//   configMap / secret  <podDir>/volumes/kubernetes.io~configmap|secret/<name>/<key files>
//   downwardAPI         <podDir>/volumes/kubernetes.io~downward-api/<name>/<files>
//   projected           <podDir>/volumes/kubernetes.io~projected/<name>/<files>
//   hostPath            the host path itself (DirectoryOrCreate/FileOrCreate create it)
//   persistentVolumeClaim  <dataDir>/pvc/<namespace>/<claim> (kept across pods: stable storage)
// A volume the kubelet cannot set up (missing ConfigMap...) fails with a FailedMount message.
import { chmodSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import type { Container, Pod, Volume, DownwardAPIVolumeFile, KeyToPath } from 'kubernetes-types/core/v1.js';
import type { EnvObjects } from './env.js';
import { podFieldValue, resourceFieldValue } from './env.js';
import type { Mount } from './runtime.js';
import { emptyDirMemorySize } from '../cri/resources.js';
import { mountTmpfs, unmountBelow } from '../cri/tmpfs.js';

export class VolumeError extends Error {
  constructor(readonly volume: string, message: string) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${message}`);
    this.name = 'VolumeError';
  }
}

export interface VolumeContext {
  podDir: string;
  dataDir: string;
  objects: EnvObjects;
  podIPs: string[];
  hostIPs: string[];
  nodeName: string;
  allocatable: { cpu: number; memory: number; 'ephemeral-storage': number };
}

function writeFiles(dir: string, files: Array<{ path: string; data: Buffer | string; mode?: number }>, defaultMode?: number): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const rel = normalize(f.path);
    if (rel.startsWith('..') || rel.startsWith('/')) continue;
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.data);
    const mode = f.mode ?? defaultMode;
    if (mode !== undefined) { try { chmodSync(p, mode & 0o777); } catch { /* best effort */ } }
  }
}

function keyed(all: Record<string, Buffer | string>, items: KeyToPath[] | undefined, what: string, optional: boolean | undefined): Array<{ path: string; data: Buffer | string; mode?: number }> {
  if (!items?.length) return Object.entries(all).map(([k, v]) => ({ path: k, data: v }));
  const out: Array<{ path: string; data: Buffer | string; mode?: number }> = [];
  for (const it of items) {
    if (!(it.key in all)) {
      if (optional) continue;
      throw new Error(`configmap references non-existent config key: ${it.key}`.replace('configmap', what));
    }
    out.push({ path: it.path, data: all[it.key]!, mode: it.mode });
  }
  return out;
}

async function configMapFiles(ns: string, name: string, items: KeyToPath[] | undefined, optional: boolean | undefined, ctx: VolumeContext) {
  const cm = await ctx.objects.configMap(ns, name);
  if (!cm) {
    if (optional) return [];
    throw new Error(`configmap "${name}" not found`);
  }
  const all: Record<string, Buffer | string> = { ...(cm.data ?? {}) };
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) all[k] = Buffer.from(v, 'base64');
  return keyed(all, items, 'configmap', optional);
}

async function secretFiles(ns: string, name: string, items: KeyToPath[] | undefined, optional: boolean | undefined, ctx: VolumeContext) {
  const s = await ctx.objects.secret(ns, name);
  if (!s) {
    if (optional) return [];
    throw new Error(`secret "${name}" not found`);
  }
  const all: Record<string, Buffer | string> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) all[k] = Buffer.from(v, 'base64');
  for (const [k, v] of Object.entries(s.stringData ?? {})) all[k] ??= v;
  return keyed(all, items, 'secret', optional);
}

function downwardFiles(pod: Pod, items: DownwardAPIVolumeFile[] | undefined, ctx: VolumeContext) {
  const out: Array<{ path: string; data: string; mode?: number }> = [];
  const first = pod.spec?.containers?.[0] as Container | undefined;
  for (const it of items ?? []) {
    let v = '';
    if (it.fieldRef) v = podFieldValue(pod, it.fieldRef.fieldPath, ctx);
    else if (it.resourceFieldRef && first) v = resourceFieldValue(pod, first, it.resourceFieldRef, ctx.allocatable);
    out.push({ path: it.path, data: v, mode: it.mode });
  }
  return out;
}

/** The host directory of each volume of the pod (set up now). */
export async function setupVolumes(pod: Pod, ctx: VolumeContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ns = pod.metadata?.namespace ?? 'default';
  for (const v of pod.spec?.volumes ?? []) {
    try {
      out.set(v.name, await setupVolume(pod, ns, v, ctx));
    } catch (err) {
      if (err instanceof VolumeError) throw err;
      throw new VolumeError(v.name, (err as Error).message);
    }
  }
  return out;
}

async function setupVolume(pod: Pod, ns: string, v: Volume, ctx: VolumeContext): Promise<string> {
  const vol = (kind: string) => join(ctx.podDir, 'volumes', `kubernetes.io~${kind}`, v.name);
  if (v.hostPath) {
    const p = v.hostPath.path;
    const type = v.hostPath.type ?? '';
    if (type === 'DirectoryOrCreate') mkdirSync(p, { recursive: true });
    else if (type === 'FileOrCreate' && !existsSync(p)) { mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, ''); }
    else if ((type === 'Directory' || type === 'File') && !existsSync(p)) throw new Error(`hostPath type check failed: ${p} is not a ${type.toLowerCase()}`);
    return p;
  }
  if (v.configMap) {
    const dir = vol('configmap');
    writeFiles(dir, await configMapFiles(ns, v.configMap.name ?? '', v.configMap.items, v.configMap.optional, ctx), v.configMap.defaultMode);
    return dir;
  }
  if (v.secret) {
    const dir = vol('secret');
    writeFiles(dir, await secretFiles(ns, v.secret.secretName ?? '', v.secret.items, v.secret.optional, ctx), v.secret.defaultMode ?? 0o644);
    return dir;
  }
  if (v.downwardAPI) {
    const dir = vol('downward-api');
    writeFiles(dir, downwardFiles(pod, v.downwardAPI.items, ctx), v.downwardAPI.defaultMode);
    return dir;
  }
  if (v.projected) {
    const dir = vol('projected');
    const files: Array<{ path: string; data: Buffer | string; mode?: number }> = [];
    for (const src of v.projected.sources ?? []) {
      if (src.configMap) files.push(...await configMapFiles(ns, src.configMap.name ?? '', src.configMap.items, src.configMap.optional, ctx));
      else if (src.secret) files.push(...await secretFiles(ns, src.secret.name ?? '', src.secret.items, src.secret.optional, ctx));
      else if (src.downwardAPI) files.push(...downwardFiles(pod, src.downwardAPI.items, ctx));
      // serviceAccountToken and clusterTrustBundle sources are not issued by this node agent
    }
    writeFiles(dir, files, v.projected.defaultMode);
    return dir;
  }
  if (v.persistentVolumeClaim) {
    const dir = join(ctx.dataDir, 'pvc', ns, v.persistentVolumeClaim.claimName);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  // emptyDir, and every other kind as an empty directory
  const dir = vol('empty-dir');
  mkdirSync(dir, { recursive: true });
  // medium: Memory is a tmpfs; writes past its size fail with ENOSPC. Mounting needs root: without
  // it (the process runtime run by a user) the volume stays a plain directory.
  if (v.emptyDir?.medium === 'Memory' && process.getuid?.() === 0) {
    await mountTmpfs(dir, emptyDirMemorySize(pod, v.emptyDir.sizeLimit, ctx.allocatable.memory));
  }
  return dir;
}

/** Unmounts what the pod's volumes mounted (memory-backed emptyDirs) before its directory goes. */
export async function teardownVolumes(podDir: string): Promise<void> {
  await unmountBelow(join(podDir, 'volumes'));
}

/** The mounts of a container: its volumeMounts resolved to host directories (with subPath). */
export function containerMounts(c: Container, volumes: Map<string, string>): Mount[] {
  const out: Mount[] = [];
  for (const vm of c.volumeMounts ?? []) {
    const base = volumes.get(vm.name);
    if (!base) continue;
    let hostPath = base;
    if (vm.subPath) {
      const rel = normalize(vm.subPath);
      if (!rel.startsWith('..') && !rel.startsWith('/')) {
        hostPath = join(base, rel);
        if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true });
      }
    }
    out.push({ containerPath: vm.mountPath, hostPath, readonly: !!vm.readOnly });
  }
  return out;
}
