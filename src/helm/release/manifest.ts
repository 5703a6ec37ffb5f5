// Release manifests: splitting a stored manifest into documents (releaseutil.SplitManifests),
// parsing them as sigs.k8s.io/yaml does (YAML 1.1, timestamps kept as strings), and the kind
// orders Helm installs and uninstalls in (releaseutil.InstallOrder / UninstallOrder).
import YAML from 'yaml';
import { isPlainObject, type KubeObject } from '../../api/object.js';

export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role',
  'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];

export const UNINSTALL_ORDER: readonly string[] = [
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'Ingress', 'IngressClass', 'Service',
  'CronJob', 'Job', 'StatefulSet', 'HorizontalPodAutoscaler', 'Deployment', 'ReplicaSet', 'ReplicationController', 'Pod',
  'DaemonSet', 'RoleBindingList', 'RoleBinding', 'RoleList', 'Role', 'ClusterRoleBindingList', 'ClusterRoleBinding',
  'ClusterRoleList', 'ClusterRole', 'CustomResourceDefinition', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass',
  'ConfigMap', 'SecretList', 'Secret', 'ServiceAccount', 'PodDisruptionBudget', 'PodSecurityPolicy', 'LimitRange',
  'ResourceQuota', 'NetworkPolicy', 'Namespace', 'PriorityClass',
];

const orderMaps = new Map<readonly string[], Map<string, number>>();
function orderMap(order: readonly string[]): Map<string, number> {
  let m = orderMaps.get(order);
  if (!m) {
    m = new Map(order.map((k, i) => [k, i]));
    orderMaps.set(order, m);
  }
  return m;
}

/** releaseutil's lessByKind: known kinds by the order, unknown kinds last and alphabetically. */
export function compareKinds(a: string, b: string, order: readonly string[]): number {
  const m = orderMap(order);
  const ia = m.get(a);
  const ib = m.get(b);
  if (ia === undefined && ib === undefined) return a === b ? 0 : a < b ? -1 : 1;
  if (ia === undefined) return 1;
  if (ib === undefined) return -1;
  return ia - ib;
}

/** Stable sort by kind. */
export function sortByKind<T>(items: T[], kindOf: (t: T) => string, order: readonly string[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((x, y) => compareKinds(kindOf(x.item), kindOf(y.item), order) || x.i - y.i)
    .map((x) => x.item);
}

const SEP = /(?:^|\s*\n)---\s*/;

/** releaseutil.SplitManifests: the documents of a manifest stream keyed manifest-N. */
export function splitManifests(bigFile: string): Map<string, string> {
  const res = new Map<string, string>();
  let count = 0;
  for (const d of bigFile.trim().split(SEP)) {
    if (d === '') continue;
    res.set(`manifest-${count}`, d.trim());
    count++;
  }
  return res;
}

/** The documents of a manifest stream in the order SortManifests visits them (keys sorted as strings). */
export function manifestDocuments(bigFile: string): string[] {
  const m = splitManifests(bigFile);
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

const yamlOptions = {
  version: '1.1' as const,
  // sigs.k8s.io/yaml (yaml.v2 into interface{}) keeps timestamps as strings.
  customTags: (tags: YAML.Tags) => tags.filter((t) => (t as { tag?: string }).tag !== 'tag:yaml.org,2002:timestamp'),
  merge: true,
  uniqueKeys: false,
  maxAliasCount: -1,
};

/** One YAML document to a JSON-like value; throws with the parser's message. */
export function parseYamlDocument(text: string): unknown {
  const doc = YAML.parseDocument(text, yamlOptions);
  if (doc.errors.length) throw new Error(`error converting YAML to JSON: yaml: ${doc.errors[0]!.message.split('\n')[0]}`);
  return doc.toJS({ maxAliasCount: -1 });
}

/** All non-empty documents of a YAML stream (comment-only documents are skipped). */
export function parseYamlStream(text: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of YAML.parseAllDocuments(text, yamlOptions) as YAML.Document[]) {
    if (doc.errors?.length) throw new Error(`error converting YAML to JSON: yaml: ${doc.errors[0]!.message.split('\n')[0]}`);
    const v = doc.toJS({ maxAliasCount: -1 });
    if (v === null || v === undefined) continue;
    out.push(v);
  }
  return out;
}

/** The head of a manifest as releaseutil reads it. */
export interface ManifestHead {
  apiVersion: string;
  kind: string;
  name: string;
  annotations: Record<string, string>;
}

export function headOf(obj: unknown): ManifestHead {
  const o = isPlainObject(obj) ? obj : {};
  const md = isPlainObject(o.metadata) ? o.metadata : {};
  const ann = isPlainObject(md.annotations) ? md.annotations : {};
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(ann)) annotations[k] = typeof v === 'string' ? v : String(v);
  return {
    apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '',
    kind: typeof o.kind === 'string' ? o.kind : '',
    name: typeof md.name === 'string' ? md.name : '',
    annotations,
  };
}

/** A parsed document of a release manifest. */
export interface ManifestDoc {
  content: string;
  object: KubeObject;
  head: ManifestHead;
}

/** The documents of a manifest, parsed, in SortManifests' visiting order, then sorted by kind. */
export function sortedManifestDocs(bigFile: string, order: readonly string[]): ManifestDoc[] {
  const docs: ManifestDoc[] = [];
  for (const content of manifestDocuments(bigFile)) {
    const obj = parseYamlDocument(content);
    if (!isPlainObject(obj)) continue;
    docs.push({ content, object: obj as KubeObject, head: headOf(obj) });
  }
  return sortByKind(docs, (d) => d.head.kind, order);
}

export const RESOURCE_POLICY_ANNOTATION = 'helm.sh/resource-policy';

/** Resources annotated helm.sh/resource-policy: keep are never deleted by Helm. */
export function isKeepPolicy(annotations: Record<string, string> | undefined): boolean {
  const v = annotations?.[RESOURCE_POLICY_ANNOTATION];
  return v !== undefined && v.trim().toLowerCase() === 'keep';
}
