// A container's environment and command line, as the kubelet builds them: envFrom first, then env
// in order (values may reference earlier variables as $(NAME)), valueFrom from ConfigMaps,
// Secrets, the pod's own fields and the container's resources; command and args are expanded
// against the final environment. `$$` escapes a `$`; references to unknown names stay as written.
import type { Container, EnvVar, ObjectFieldSelector, Pod, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import type { KeyValue } from './runtime.js';
import { parseQuantity } from './quantity.js';

/** Expands $(VAR) references; `lookup` returns undefined for unknown names. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  if (!input.includes('$')) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const nx = input[i + 1]!;
    if (nx === '$') {
      out += '$';
      i += 2;
    } else if (nx === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        const v = lookup(name);
        out += v === undefined ? `$(${name})` : v;
        i = close + 1;
      }
    } else {
      out += '$' + nx;
      i += 2;
    }
  }
  return out;
}

/** A container cannot be configured (missing ConfigMap/Secret/key): CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

export interface EnvObjects {
  configMap(namespace: string, name: string): Promise<{ data?: Record<string, string>; binaryData?: Record<string, string> } | undefined>;
  secret(namespace: string, name: string): Promise<{ data?: Record<string, string>; stringData?: Record<string, string> } | undefined>;
}

export interface EnvContext {
  podIPs: string[];
  hostIPs: string[];
  nodeName: string;
  /** node allocatable, used for unset limits in resourceFieldRef */
  allocatable: { cpu: number; memory: number; 'ephemeral-storage': number };
  objects: EnvObjects;
}

function secretValue(s: { data?: Record<string, string>; stringData?: Record<string, string> }, key: string): string | undefined {
  const b64 = s.data?.[key];
  if (b64 !== undefined) return Buffer.from(b64, 'base64').toString('utf8');
  return s.stringData?.[key];
}

function configMapValue(cm: { data?: Record<string, string>; binaryData?: Record<string, string> }, key: string): string | undefined {
  const v = cm.data?.[key];
  if (v !== undefined) return v;
  const b = cm.binaryData?.[key];
  return b === undefined ? undefined : Buffer.from(b, 'base64').toString('utf8');
}

/** metadata.labels / annotations rendered as the downward API does: k="v" lines, sorted. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

/** The value of a downward API field path. */
export function podFieldValue(pod: Pod, path: string, ctx: Pick<EnvContext, 'podIPs' | 'hostIPs' | 'nodeName'>): string {
  const md = pod.metadata ?? {};
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (sub) return (sub[1] === 'labels' ? md.labels : md.annotations)?.[sub[2]!] ?? '';
  switch (path) {
    case 'metadata.name': return md.name ?? '';
    case 'metadata.namespace': return md.namespace ?? '';
    case 'metadata.uid': return md.uid ?? '';
    case 'metadata.labels': return formatMap(md.labels);
    case 'metadata.annotations': return formatMap(md.annotations);
    case 'spec.nodeName': return pod.spec?.nodeName || ctx.nodeName;
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP': return ctx.hostIPs[0] ?? '';
    case 'status.hostIPs': return ctx.hostIPs.join(',');
    case 'status.podIP': return ctx.podIPs[0] ?? '';
    case 'status.podIPs': return ctx.podIPs.join(',');
    default: throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

function fieldRef(pod: Pod, ref: ObjectFieldSelector, ctx: EnvContext): string {
  return podFieldValue(pod, ref.fieldPath, ctx);
}

/** resourceFieldRef: limits default to node allocatable; values round up to the divisor. */
export function resourceFieldValue(pod: Pod, current: Container, ref: ResourceFieldSelector, allocatable: EnvContext['allocatable']): string {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const c = ref.containerName ? all.find((x) => x.name === ref.containerName) : current;
  if (!c) throw new ContainerConfigError(`container ${ref.containerName} not found`);
  const [kind, res] = ref.resource.split('.', 2) as [string, string];
  if ((kind !== 'limits' && kind !== 'requests') || !['cpu', 'memory', 'ephemeral-storage'].includes(res)) {
    throw new ContainerConfigError(`unsupported container resource : ${ref.resource}`);
  }
  const set = kind === 'limits' ? c.resources?.limits : c.resources?.requests;
  let v: number;
  if (set?.[res] !== undefined) v = parseQuantity(String(set[res]));
  else if (kind === 'limits') v = allocatable[res as keyof EnvContext['allocatable']];
  else v = 0;
  const divisor = ref.divisor !== undefined ? parseQuantity(String(ref.divisor)) : 1;
  if (divisor <= 0) throw new ContainerConfigError(`invalid divisor ${String(ref.divisor)}`);
  // cpu: at least 1 when a value is set (Kubernetes rounds fractional cores up)
  return String(Math.ceil(v / divisor - 1e-9));
}

/** Whether a name is a valid environment variable name for envFrom (C identifier-ish). */
function validEnvName(k: string): boolean {
  return /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(k);
}

/**
 * The container's environment (later definitions win). Throws ContainerConfigError when a
 * required ConfigMap, Secret or key is missing.
 */
export async function containerEnv(pod: Pod, c: Container, ctx: EnvContext): Promise<KeyValue[]> {
  const ns = pod.metadata?.namespace ?? 'default';
  const env = new Map<string, string>();
  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await ctx.objects.configMap(ns, from.configMapRef.name ?? '');
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const k of Object.keys(cm.data ?? {})) if (validEnvName(prefix + k)) env.set(prefix + k, cm.data![k]!);
    } else if (from.secretRef) {
      const s = await ctx.objects.secret(ns, from.secretRef.name ?? '');
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`);
      }
      for (const k of Object.keys(s.data ?? {})) if (validEnvName(prefix + k)) env.set(prefix + k, secretValue(s, k)!);
    }
  }
  for (const e of c.env ?? []) {
    const v = await envValue(pod, c, e, env, ns, ctx);
    if (v !== undefined) env.set(e.name, v);
  }
  return [...env].map(([key, value]) => ({ key, value }));
}

async function envValue(pod: Pod, c: Container, e: EnvVar, sofar: Map<string, string>, ns: string, ctx: EnvContext): Promise<string | undefined> {
  if (!e.valueFrom) return expand(e.value ?? '', (n) => sofar.get(n));
  const vf = e.valueFrom;
  if (vf.fieldRef) return fieldRef(pod, vf.fieldRef, ctx);
  if (vf.resourceFieldRef) return resourceFieldValue(pod, c, vf.resourceFieldRef, ctx.allocatable);
  if (vf.configMapKeyRef) {
    const ref = vf.configMapKeyRef;
    const cm = await ctx.objects.configMap(ns, ref.name ?? '');
    if (!cm) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`configmap "${ref.name}" not found`);
    }
    const v = configMapValue(cm, ref.key);
    if (v === undefined) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
    }
    return v;
  }
  if (vf.secretKeyRef) {
    const ref = vf.secretKeyRef;
    const s = await ctx.objects.secret(ns, ref.name ?? '');
    if (!s) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`secret "${ref.name}" not found`);
    }
    const v = secretValue(s, ref.key);
    if (v === undefined) {
      if (ref.optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
    }
    return v;
  }
  return '';
}

/** command and args with $(VAR) expanded against the container's environment. */
export function expandCommand(c: Container, env: KeyValue[]): { command: string[]; args: string[] } {
  const m = new Map(env.map((kv) => [kv.key, kv.value]));
  const look = (n: string) => m.get(n);
  return {
    command: (c.command ?? []).map((s) => expand(s, look)),
    args: (c.args ?? []).map((s) => expand(s, look)),
  };
}
