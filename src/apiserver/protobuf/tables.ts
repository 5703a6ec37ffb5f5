// The message tables of schema.generated.ts, parsed on first use into lookup structures.
import { KINDS, MESSAGES } from './schema.generated.js';

/** Scalar wire types and the messages with a JSON form of their own. */
export type ScalarCode = 's' | 'B' | 'i' | 'I' | 'u' | 'U' | 'z' | 'Z' | 'b' | 'd' | 'f';
export type SpecialCode = 'T' | 'M' | 'D' | 'Q' | 'N' | 'R' | 'F';

export type ValueType =
  | { readonly t: 'scalar'; readonly code: ScalarCode }
  | { readonly t: 'special'; readonly code: SpecialCode }
  | { readonly t: 'message'; readonly key: string }
  /** a Go []X carried as a wrapper message {1: repeated X} */
  | { readonly t: 'wrapped'; readonly code: ScalarCode };

export interface FieldSpec {
  readonly num: number;
  readonly json: string;
  readonly value: ValueType;
  /** for maps: the key type (the entry's field 1); value is the entry's field 2 */
  readonly mapKey?: ScalarCode;
  readonly repeated: boolean;
  readonly isMap: boolean;
  readonly pointer: boolean;
  readonly omitempty: boolean;
  readonly inline: boolean;
}

export interface MessageSpec {
  readonly key: string;
  readonly fields: readonly FieldSpec[];
  readonly byNumber: ReadonlyMap<number, FieldSpec>;
}

const SCALARS = new Set<string>(['s', 'B', 'i', 'I', 'u', 'U', 'z', 'Z', 'b', 'd', 'f']);
const SPECIALS = new Set<string>(['T', 'M', 'D', 'Q', 'N', 'R', 'F']);

const parsed = new Map<string, MessageSpec>();

function valueType(code: string, pkg: string, where: string): ValueType {
  if (code.startsWith('@')) {
    const ref = code.slice(1);
    const key = ref.includes('/') ? ref : `${pkg}.${ref}`;
    if (!Object.hasOwn(MESSAGES, key)) throw new Error(`schema: ${where} refers to unknown message ${key}`);
    return { t: 'message', key };
  }
  if (code.startsWith('[')) {
    const inner = code.slice(1);
    if (!SCALARS.has(inner)) throw new Error(`schema: ${where} has bad wrapped type ${code}`);
    return { t: 'wrapped', code: inner as ScalarCode };
  }
  if (SCALARS.has(code)) return { t: 'scalar', code: code as ScalarCode };
  if (SPECIALS.has(code)) return { t: 'special', code: code as SpecialCode };
  throw new Error(`schema: ${where} has unknown type ${code}`);
}

function parseSpec(key: string, spec: string): MessageSpec {
  const pkg = key.slice(0, key.lastIndexOf('.'));
  const fields: FieldSpec[] = [];
  const byNumber = new Map<number, FieldSpec>();
  for (const item of spec.split(' ')) {
    if (!item) continue;
    const eq = item.indexOf('=');
    const [json = '', type = '', flags = ''] = item.slice(eq + 1).split(':');
    const num = Number(item.slice(0, eq));
    const where = `${key}#${num}`;
    const isMap = flags.includes('m');
    let value: ValueType;
    let mapKey: ScalarCode | undefined;
    if (isMap) {
      const gt = type.indexOf('>');
      const k = type.slice(0, gt);
      if (!SCALARS.has(k)) throw new Error(`schema: ${where} has bad map key ${k}`);
      mapKey = k as ScalarCode;
      value = valueType(type.slice(gt + 1), pkg, where);
    } else value = valueType(type, pkg, where);
    const f: FieldSpec = {
      num, json, value, isMap, repeated: flags.includes('r'), pointer: flags.includes('p'),
      omitempty: flags.includes('o'), inline: flags.includes('n'), ...(mapKey ? { mapKey } : {}),
    };
    fields.push(f);
    byNumber.set(num, f);
  }
  return { key, fields, byNumber };
}

/** The parsed table of a message ("core/v1.PodSpec"). */
export function messageSpec(key: string): MessageSpec {
  let m = parsed.get(key);
  if (!m) {
    const spec = Object.hasOwn(MESSAGES, key) ? MESSAGES[key] : undefined;
    if (spec === undefined) throw new Error(`schema: unknown message ${key}`);
    m = parseSpec(key, spec);
    parsed.set(key, m);
  }
  return m;
}

/** Kinds of meta.k8s.io/v1 that every group version serves (as client-go registers them). */
const META_KINDS: Readonly<Record<string, string>> = KINDS['meta.k8s.io/v1'] ?? {};

/** The message key of a kind sent as apiVersion/kind, or undefined when it is not in the tables. */
export function kindMessage(apiVersion: string, kind: string): string | undefined {
  const byKind = Object.hasOwn(KINDS, apiVersion) ? KINDS[apiVersion] : undefined;
  if (byKind && Object.hasOwn(byKind, kind)) return byKind[kind];
  if (Object.hasOwn(META_KINDS, kind)) return META_KINDS[kind];
  return undefined;
}

/** Every apiVersion/kind the tables can decode. */
export function decodableKinds(): Array<{ apiVersion: string; kind: string }> {
  const out: Array<{ apiVersion: string; kind: string }> = [];
  for (const [apiVersion, byKind] of Object.entries(KINDS)) for (const kind of Object.keys(byKind)) out.push({ apiVersion, kind });
  return out;
}

/** Every message key in the tables. */
export function messageKeys(): string[] {
  return Object.keys(MESSAGES);
}
