// Splitting rendered files into manifests and hooks, sorted in Helm's install order
// (pkg/releaseutil: manifest.go, manifest_sorter.go, kind_sorter.go).

import { isTable } from '../values/coalesce.js';
import { yamlToValue } from '../values/yaml.js';

export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role',
  'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

export const UNINSTALL_ORDER: readonly string[] = [
  'APIService', 'Ingress', 'IngressClass', 'Service', 'CronJob', 'Job', 'StatefulSet', 'HorizontalPodAutoscaler', 'Deployment',
  'ReplicaSet', 'ReplicationController', 'Pod', 'DaemonSet', 'RoleBindingList', 'RoleBinding', 'RoleList', 'Role',
  'ClusterRoleBindingList', 'ClusterRoleBinding', 'ClusterRoleList', 'ClusterRole', 'CustomResourceDefinition',
  'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'ConfigMap', 'SecretList', 'Secret', 'ServiceAccount',
  'PodDisruptionBudget', 'PodSecurityPolicy', 'LimitRange', 'ResourceQuota', 'NetworkPolicy', 'Namespace', 'PriorityClass',
];

export const HOOK_EVENTS: Record<string, string> = {
  'pre-install': 'pre-install',
  'post-install': 'post-install',
  'pre-delete': 'pre-delete',
  'post-delete': 'post-delete',
  'pre-upgrade': 'pre-upgrade',
  'post-upgrade': 'post-upgrade',
  'pre-rollback': 'pre-rollback',
  'post-rollback': 'post-rollback',
  test: 'test',
  'test-success': 'test',
};

const SEP = /(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*/;

/** releaseutil.SplitManifests: the documents of a YAML stream, trimmed, in order. */
export function splitManifests(bigFile: string): string[] {
  const docs = bigFile.trim().split(SEP);
  const out: string[] = [];
  for (const d of docs) {
    if (d === '') continue;
    out.push(d.trim());
  }
  return out;
}

export interface SimpleHead {
  apiVersion: string;
  kind: string;
  metadata?: { name: string; annotations: Record<string, string> | null };
}

function jsonKindName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isTable(v)) return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

/** yaml.Unmarshal of a document into releaseutil.SimpleHead, with Go's errors. */
export function parseHead(doc: string): SimpleHead {
  const v = yamlToValue(doc);
  const head: SimpleHead = { apiVersion: '', kind: '' };
  if (v === null) return head;
  const wrong = (t: string, field: string, type: string): Error =>
    new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${t} into Go struct field ${field} of type ${type}`);
  if (!isTable(v)) throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKindName(v)} into Go value of type releaseutil.SimpleHead`);
  for (const [k, field] of [['apiVersion', 'SimpleHead.apiVersion'], ['kind', 'SimpleHead.kind']] as const) {
    const x = v[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string') throw wrong(jsonKindName(x), field, 'string');
    head[k] = x;
  }
  const md = v.metadata;
  if (md !== undefined && md !== null) {
    if (!isTable(md)) throw wrong(jsonKindName(md), 'SimpleHead.metadata', 'struct { Name string "json:\\"name\\""; Annotations map[string]string "json:\\"annotations\\"" }');
    const name = md.name;
    if (name !== undefined && name !== null && typeof name !== 'string') throw wrong(jsonKindName(name), 'SimpleHead.metadata.name', 'string');
    const ann = md.annotations;
    let annotations: Record<string, string> | null = null;
    if (ann !== undefined && ann !== null) {
      if (!isTable(ann)) throw wrong(jsonKindName(ann), 'SimpleHead.metadata.annotations', 'map[string]string');
      annotations = {};
      for (const [ak, av] of Object.entries(ann)) {
        if (av === null) {
          annotations[ak] = '';
          continue;
        }
        if (typeof av !== 'string') throw wrong(jsonKindName(av), 'SimpleHead.metadata.annotations', 'string');
        annotations[ak] = av;
      }
    }
    head.metadata = { name: typeof name === 'string' ? name : '', annotations };
  }
  return head;
}

export interface Manifest {
  name: string;
  content: string;
  head: SimpleHead;
}

export interface Hook {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: string[];
  weight: number;
  deletePolicies: string[];
}

function goAtoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) return 0;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : 0;
}

function lessByKind(kindA: string, kindB: string, order: Map<string, number>): boolean {
  const a = order.get(kindA);
  const b = order.get(kindB);
  if (a === undefined && b === undefined) return kindA !== kindB ? kindA < kindB : false;
  if (a === undefined) return false;
  if (b === undefined) return true;
  return a < b;
}

/** sort.SliceStable by kind. */
export function sortByKind<T>(items: T[], kindOf: (t: T) => string, ordering: readonly string[] = INSTALL_ORDER): T[] {
  const order = new Map(ordering.map((k, i) => [k, i]));
  return items
    .map((t, i) => ({ t, i }))
    .sort((x, y) => {
      if (lessByKind(kindOf(x.t), kindOf(y.t), order)) return -1;
      if (lessByKind(kindOf(y.t), kindOf(x.t), order)) return 1;
      return x.i - y.i;
    })
    .map((x) => x.t);
}

/**
 * releaseutil.SortManifests: files (path -> rendered text, partials and empty files skipped)
 * into hooks and manifests sorted by kind. Throws `YAML parse error on PATH: ...`.
 */
export function sortManifests(files: Map<string, string>, log: (msg: string) => void = () => {}): { hooks: Hook[]; manifests: Manifest[] } {
  const hooks: Hook[] = [];
  const generic: Manifest[] = [];
  const paths = [...files.keys()].sort();
  for (const path of paths) {
    const content = files.get(path)!;
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base.startsWith('_')) continue;
    if (content.trim() === '') continue;
    for (const m of splitManifests(content)) {
      let head: SimpleHead;
      try {
        head = parseHead(m);
      } catch (e) {
        throw new Error(`YAML parse error on ${path}: ${(e as Error).message}`);
      }
      const ann = head.metadata?.annotations;
      if (!ann || Object.keys(ann).length === 0 || !Object.prototype.hasOwnProperty.call(ann, 'helm.sh/hook')) {
        generic.push({ name: path, content: m, head });
        continue;
      }
      const hookTypes = ann['helm.sh/hook']!;
      const events: string[] = [];
      let unknown = false;
      for (const t of hookTypes.split(',')) {
        const e = HOOK_EVENTS[t.trim().toLowerCase()];
        if (!e) {
          unknown = true;
          break;
        }
        events.push(e);
      }
      if (unknown) {
        log(`info: skipping unknown hook: "${hookTypes}"`);
        continue;
      }
      const deletePolicies: string[] = [];
      if (Object.prototype.hasOwnProperty.call(ann, 'helm.sh/hook-delete-policy')) {
        for (const dp of ann['helm.sh/hook-delete-policy']!.split(',')) deletePolicies.push(dp.trim().toLowerCase());
      }
      hooks.push({
        name: head.metadata?.name ?? '',
        kind: head.kind,
        path,
        manifest: m,
        events,
        weight: goAtoi(ann['helm.sh/hook-weight'] ?? ''),
        deletePolicies,
      });
    }
  }
  return { hooks: sortByKind(hooks, (h) => h.kind), manifests: sortByKind(generic, (m) => m.head.kind) };
}
