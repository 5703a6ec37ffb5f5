// Field paths and field sets, and their FieldsV1 wire form (metadata.managedFields[].fieldsV1).
//
// A path element is one of
//   f:<name>        a field of a map or struct
//   k:<json>        an element of a list-map, identified by its key fields (sorted by name)
//   v:<json>        an element of a set-list, identified by its value
//   i:<index>       an element of a list by position (decoded, never produced here)
// A set holds "members" (paths owned as a whole) and "children" (paths below which something
// is owned). In FieldsV1 a member with no children is `"<pe>":{}`; a member that also has
// children carries `".":{}` as the first entry of its object.
import { isPlainObject } from '../object.js';
import { compareStrings, compareValues, goJson, goJsonString, valueToString, type Value } from './value.js';

export type KeyField = readonly [name: string, value: Value];

export type PathElement =
  | { readonly kind: 'field'; readonly name: string; readonly s: string }
  | { readonly kind: 'key'; readonly fields: readonly KeyField[]; readonly s: string }
  | { readonly kind: 'value'; readonly value: Value; readonly s: string }
  | { readonly kind: 'index'; readonly index: number; readonly s: string };

export type Path = readonly PathElement[];

const fieldCache = new Map<string, PathElement>();

/** `f:name`. */
export function fieldPE(name: string): PathElement {
  let pe = fieldCache.get(name);
  if (!pe) {
    pe = { kind: 'field', name, s: 'f:' + name };
    if (fieldCache.size < 10000) fieldCache.set(name, pe);
  }
  return pe;
}

/** `k:{...}`: the key fields are sorted by name. */
export function keyPE(fields: Iterable<KeyField>): PathElement {
  const sorted = [...fields].sort((a, b) => compareStrings(a[0], b[0]));
  const json = '{' + sorted.map(([n, v]) => goJsonString(n) + ':' + goJson(v)).join(',') + '}';
  return { kind: 'key', fields: sorted, s: 'k:' + json };
}

/** `v:<json>`. */
export function valuePE(value: Value): PathElement {
  return { kind: 'value', value, s: 'v:' + goJson(value) };
}

/** `i:<n>`. */
export function indexPE(index: number): PathElement {
  return { kind: 'index', index, s: 'i:' + index };
}

const KIND_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

/** The order of path elements: fields (by name), then keys, values, indexes. */
export function comparePE(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key': {
      const bf = (b as typeof a).fields;
      for (let i = 0; i < a.fields.length && i < bf.length; i++) {
        const c = compareStrings(a.fields[i][0], bf[i][0]) || compareValues(a.fields[i][1], bf[i][1]);
        if (c !== 0) return c;
      }
      return a.fields.length - bf.length;
    }
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index;
  }
}

/** Human-readable element: `.name`, `[k1=v1,k2=v2]`, `[=value]`, `[3]`. */
export function peToString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return '.' + pe.name;
    case 'key':
      return '[' + pe.fields.map(([n, v]) => `${n}=${valueToString(v)}`).join(',') + ']';
    case 'value':
      return `[=${valueToString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

/** Human-readable path as Kubernetes prints it in conflicts: `.spec.containers[name="nginx"].image`. */
export function pathToString(path: Path): string {
  return path.map(peToString).join('');
}

/** Parses one serialized path element; undefined for an unknown element type (ignored, like Kubernetes). */
export function parsePE(s: string): PathElement | undefined {
  if (s.length < 2 || s[1] !== ':') throw new Error(`invalid path element ${JSON.stringify(s)}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldPE(body);
    case 'k': {
      const parsed: unknown = JSON.parse(body);
      if (!isPlainObject(parsed)) throw new Error(`invalid key path element ${JSON.stringify(s)}`);
      return keyPE(Object.entries(parsed as Record<string, Value>));
    }
    case 'v':
      return valuePE(JSON.parse(body) as Value);
    case 'i': {
      const n = Number(body);
      if (!Number.isInteger(n)) throw new Error(`invalid index path element ${JSON.stringify(s)}`);
      return indexPE(n);
    }
    default:
      return undefined;
  }
}

interface ChildNode {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

/** A set of field paths (a trie keyed by serialized path elements). */
export class FieldSet {
  private readonly mem = new Map<string, PathElement>();
  private readonly kids = new Map<string, ChildNode>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (its last element becomes a member of its parent). */
  insert(path: Path): void {
    if (path.length === 0) return;
    let cur: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) cur = cur.descend(path[i]);
    const last = path[path.length - 1];
    cur.mem.set(last.s, last);
  }

  addMember(pe: PathElement): void {
    this.mem.set(pe.s, pe);
  }

  /** The child set below pe, created if missing (only insert uses it, and fills it). */
  private descend(pe: PathElement): FieldSet {
    let n = this.kids.get(pe.s);
    if (!n) {
      n = { pe, set: new FieldSet() };
      this.kids.set(pe.s, n);
    }
    return n.set;
  }

  setChild(pe: PathElement, set: FieldSet): void {
    if (set.isEmpty()) this.kids.delete(pe.s);
    else this.kids.set(pe.s, { pe, set });
  }

  hasMember(pe: PathElement): boolean {
    return this.mem.has(pe.s);
  }

  /** The set of paths below pe (relative), or undefined. */
  child(pe: PathElement): FieldSet | undefined {
    return this.kids.get(pe.s)?.set;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let cur: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && cur; i++) cur = cur.kids.get(path[i].s)?.set;
    return cur !== undefined && cur.mem.has(path[path.length - 1].s);
  }

  /** Children are never stored empty, so this is constant time. */
  isEmpty(): boolean {
    return this.mem.size === 0 && this.kids.size === 0;
  }

  members(): PathElement[] {
    return [...this.mem.values()].sort(comparePE);
  }

  children(): Array<{ pe: PathElement; set: FieldSet }> {
    return [...this.kids.values()].sort((a, b) => comparePE(a.pe, b.pe));
  }

  clone(): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.mem) out.mem.set(k, pe);
    for (const [k, n] of this.kids) out.kids.set(k, { pe: n.pe, set: n.set.clone() });
    return out;
  }

  union(o: FieldSet): FieldSet {
    const out = this.clone();
    out.unionInPlace(o);
    return out;
  }

  unionInPlace(o: FieldSet): void {
    for (const [k, pe] of o.mem) this.mem.set(k, pe);
    for (const [k, n] of o.kids) {
      const mine = this.kids.get(k);
      if (mine) mine.set.unionInPlace(n.set);
      else this.kids.set(k, { pe: n.pe, set: n.set.clone() });
    }
  }

  /** Members of this not in o, and likewise below (a member of o does not remove children). */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.mem) if (!o.mem.has(k)) out.mem.set(k, pe);
    for (const [k, n] of this.kids) {
      const other = o.kids.get(k);
      const d = other ? n.set.difference(other.set) : n.set.clone();
      if (!d.isEmpty()) out.kids.set(k, { pe: n.pe, set: d });
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.mem) if (o.mem.has(k)) out.mem.set(k, pe);
    for (const [k, n] of this.kids) {
      const other = o.kids.get(k);
      if (!other) continue;
      const i = n.set.intersection(other.set);
      if (!i.isEmpty()) out.kids.set(k, { pe: n.pe, set: i });
    }
    return out;
  }

  /** Like difference, but a member of o also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.mem) if (!o.mem.has(k)) out.mem.set(k, pe);
    for (const [k, n] of this.kids) {
      if (o.mem.has(k)) continue;
      const other = o.kids.get(k);
      const d = other ? n.set.recursiveDifference(other.set) : n.set.clone();
      if (!d.isEmpty()) out.kids.set(k, { pe: n.pe, set: d });
    }
    return out;
  }

  equals(o: FieldSet): boolean {
    return this.toJSON() === o.toJSON();
  }

  /** Every member path: this level's members (sorted) first, then each child's, in order. */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (s: FieldSet, prefix: PathElement[]) => {
      for (const pe of s.members()) out.push([...prefix, pe]);
      for (const c of s.children()) walk(c.set, [...prefix, c.pe]);
    };
    walk(this, []);
    return out;
  }

  /** Number of member paths. */
  size(): number {
    let n = this.mem.size;
    for (const c of this.kids.values()) n += c.set.size();
    return n;
  }

  /** The FieldsV1 object, entries in Kubernetes' order (so JSON.stringify keeps it). */
  toFieldsV1(): FieldsV1 {
    return emitObject(this, false);
  }

  /** The FieldsV1 bytes exactly as Kubernetes writes them. */
  toJSON(): string {
    return emitJson(this, false);
  }

  /** Reads a FieldsV1 object (or its JSON text). Unknown element types are dropped. */
  static fromFieldsV1(v: unknown): FieldSet {
    const obj: unknown = typeof v === 'string' ? JSON.parse(v) : v;
    if (obj === null || obj === undefined) return new FieldSet();
    if (!isPlainObject(obj)) throw new Error('fieldsV1 must be a JSON object');
    return readNode(obj).set ?? new FieldSet();
  }
}

export type FieldsV1 = { [key: string]: FieldsV1 };

function mergedEntries(s: FieldSet): Array<{ pe: PathElement; member: boolean; child?: FieldSet }> {
  const members = s.members();
  const children = s.children();
  const out: Array<{ pe: PathElement; member: boolean; child?: FieldSet }> = [];
  let mi = 0;
  let ci = 0;
  while (mi < members.length || ci < children.length) {
    const c =
      mi >= members.length ? 1 : ci >= children.length ? -1 : comparePE(members[mi], children[ci].pe);
    if (c < 0) out.push({ pe: members[mi++], member: true });
    else if (c > 0) {
      const n = children[ci++];
      out.push({ pe: n.pe, member: false, child: n.set });
    } else {
      const n = children[ci++];
      mi++;
      out.push({ pe: n.pe, member: true, child: n.set });
    }
  }
  return out;
}

function emitObject(s: FieldSet, includeSelf: boolean): FieldsV1 {
  const out: FieldsV1 = {};
  const entries = mergedEntries(s);
  if (includeSelf && entries.length > 0) out['.'] = {};
  for (const e of entries) out[e.pe.s] = e.child ? emitObject(e.child, e.member) : {};
  return out;
}

function emitJson(s: FieldSet, includeSelf: boolean): string {
  const parts: string[] = [];
  const entries = mergedEntries(s);
  if (includeSelf && entries.length > 0) parts.push('".":{}');
  for (const e of entries) {
    parts.push(goJsonString(e.pe.s) + ':' + (e.child ? emitJson(e.child, e.member) : '{}'));
  }
  return '{' + parts.join(',') + '}';
}

/** Returns the set below this node (if any), and whether the node itself is a member. */
function readNode(obj: Record<string, unknown>): { set?: FieldSet; member: boolean } {
  let set: FieldSet | undefined;
  let member = false;
  for (const [key, val] of Object.entries(obj)) {
    if (key === '.') {
      member = true;
      continue;
    }
    const pe = parsePE(key);
    if (!pe) continue;
    if (!isPlainObject(val)) throw new Error(`fieldsV1 entry ${JSON.stringify(key)} must be an object`);
    const sub = readNode(val);
    set ??= new FieldSet();
    if (sub.member) set.addMember(pe);
    if (sub.set) set.setChild(pe, sub.set.union(set.child(pe) ?? new FieldSet()));
  }
  if (!set) member = true;
  return { set, member };
}
