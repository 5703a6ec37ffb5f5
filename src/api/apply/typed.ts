// Schema-aware operations on object values, as structured-merge-diff performs them:
// the field set a value sets, the comparison of two values (added / modified / removed
// paths), the merge of an applied configuration into a live object, and the removal of
// the items a field set names.
import { deepEqual, isPlainObject } from '../object.js';
import type { SchemaNode } from '../schema.js';
import { FieldSet, fieldPE, keyPE, pathToString, peToString, valuePE, type KeyField, type Path, type PathElement } from './fieldpath.js';
import { keyDefault, mapChild, shapeOf, type Shape } from './shape.js';
import type { Value } from './value.js';

/** A problem found while reading a value against its schema (Kubernetes' ValidationError). */
export interface TypedError {
  path: string;
  message: string;
}

/** Kubernetes' rendering of a list of typed errors. */
export function formatTypedErrors(errs: readonly TypedError[]): string {
  const one = (e: TypedError) => (e.path ? `${e.path}: ${e.message}` : e.message);
  if (errs.length === 1) return one(errs[0]);
  return ['errors:', ...errs.map((e) => '  ' + one(e))].join('\n');
}

type ListShape = Extract<Shape, { t: 'list' }>;
type Kind = { k: 'leaf' } | { k: 'map'; shape: Shape } | { k: 'list'; shape: ListShape };

const LEAF: Kind = { k: 'leaf' };

/** How a single value is walked; undefined for a wildcard (absent, or null of a deduced type). */
function classify(shape: Shape, v: unknown): Kind | undefined {
  if (v === undefined) return undefined;
  switch (shape.t) {
    case 'scalar':
    case 'atomic':
      return LEAF;
    case 'deduced':
      if (v === null) return undefined;
      return isPlainObject(v) ? { k: 'map', shape } : LEAF;
    case 'struct':
    case 'map':
      return v === null || isPlainObject(v) ? { k: 'map', shape } : LEAF;
    case 'list':
      return v === null || Array.isArray(v) ? { k: 'list', shape } : LEAF;
  }
}

function classifyOne(shape: Shape, v: unknown): Kind {
  return classify(shape, v) ?? LEAF;
}

function classifyPair(shape: Shape, l: unknown, r: unknown): Kind {
  const a = classify(shape, l);
  const b = classify(shape, r);
  if (!a) return b ?? LEAF;
  if (!b) return a;
  return a.k === b.k ? a : LEAF;
}

function isEmptyContainer(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.keys(v).length === 0;
  return false;
}

interface ItemContext {
  errors?: TypedError[];
  path: PathElement[];
}

/** The path element of a list item: its key fields (list-map) or its value (set-list). */
export function listItemPE(shape: ListShape, item: unknown, index: number, errs?: TypedError[], path?: Path): PathElement | undefined {
  const fail = (message: string) => {
    errs?.push({ path: path ? pathToString(path) : '', message: `element ${index}: ${message}` });
    return undefined;
  };
  if (shape.rel === 'map') {
    if (item === null || item === undefined) return fail('associative list with keys may not have a null element');
    if (!isPlainObject(item)) return fail('associative list with keys may not have non-map elements');
    const fields: KeyField[] = [];
    for (const key of shape.keys) {
      let v: unknown = item[key];
      if (v === undefined) v = keyDefault(shape.item, key);
      if (v === undefined) {
        return fail(`associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)`);
      }
      fields.push([key, v as Value]);
    }
    return keyPE(fields);
  }
  if (isPlainObject(item)) return fail("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) return fail('not supported: associative list with lists as elements');
  return valuePE((item ?? null) as Value);
}

// ---------------------------------------------------------------------------------------------
// Field sets

export interface ToFieldSetOptions {
  /** Report duplicate list items as errors (an applied configuration may not have them). */
  rejectDuplicates?: boolean;
}

/** The set of fields a value sets (its leaves, atomic values, list items and non-struct map keys). */
export function toFieldSet(value: unknown, node: SchemaNode | undefined, errors: TypedError[], opts: ToFieldSetOptions = {}): FieldSet {
  const root = new FieldSet();
  const ctx: ItemContext & ToFieldSetOptions = { errors, path: [], ...opts };
  const shape = shapeOf(node);
  const kind = classifyOne(shape, value);
  if (kind.k === 'map' && isPlainObject(value)) collectMap(value, kind.shape, root, ctx);
  else if (kind.k === 'list' && Array.isArray(value)) collectList(value, kind.shape, root, ctx);
  return root;
}

function collect(v: unknown, node: SchemaNode | undefined, parent: FieldSet, pe: PathElement, ctx: ItemContext & ToFieldSetOptions): void {
  const kind = classifyOne(shapeOf(node), v);
  if (kind.k === 'leaf') {
    parent.addMember(pe);
    return;
  }
  const sub = new FieldSet();
  ctx.path.push(pe);
  if (kind.k === 'map') {
    if (isPlainObject(v)) collectMap(v, kind.shape, sub, ctx);
  } else if (Array.isArray(v)) collectList(v, kind.shape, sub, ctx);
  ctx.path.pop();
  parent.setChild(pe, sub);
}

function collectMap(obj: Record<string, unknown>, shape: Shape, out: FieldSet, ctx: ItemContext & ToFieldSetOptions): void {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    const { node, named } = mapChild(shape, key);
    const pe = fieldPE(key);
    collect(v, node, out, pe, ctx);
    if (!named) out.addMember(pe);
  }
}

function collectList(arr: unknown[], shape: ListShape, out: FieldSet, ctx: ItemContext & ToFieldSetOptions): void {
  const seen = ctx.rejectDuplicates ? new Set<string>() : undefined;
  for (let i = 0; i < arr.length; i++) {
    const pe = listItemPE(shape, arr[i], i, ctx.errors, ctx.path);
    if (!pe) continue;
    if (seen) {
      if (seen.has(pe.s)) {
        ctx.errors?.push({ path: pathToString(ctx.path), message: `duplicate entries for key ${peToString(pe)}` });
        continue;
      }
      seen.add(pe.s);
    }
    collect(arr[i], shape.item, out, pe, ctx);
    out.addMember(pe);
  }
}

/**
 * The set plus every named (struct) field on the way to its members: owning `a.b.c` also
 * owns `a` when `a` is a struct field, but not `a.b` when `b` is a key of a map.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, node: SchemaNode | undefined): FieldSet {
  const out = new FieldSet();
  const shape = shapeOf(node);
  for (const m of set.members()) out.addMember(m);
  for (const { pe, set: sub } of set.children()) {
    let childNode: SchemaNode | undefined;
    if (pe.kind === 'field') {
      const c = mapChild(shape, pe.name);
      if (c.named) out.addMember(pe);
      childNode = c.node;
    } else if (shape.t === 'list') childNode = shape.item;
    out.setChild(pe, ensureNamedFieldsAreMembers(sub, childNode));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparison

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** What changed from lhs to rhs, path by path. */
export function compare(lhs: unknown, rhs: unknown, node: SchemaNode | undefined): Comparison {
  const res: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  cmp(lhs, rhs, node, [], res);
  return res;
}

/** Drops the given fields (and everything below them) from a comparison. */
export function excludeFields(c: Comparison, fields: FieldSet): Comparison {
  if (fields.isEmpty()) return c;
  return {
    added: c.added.recursiveDifference(fields),
    modified: c.modified.recursiveDifference(fields),
    removed: c.removed.recursiveDifference(fields),
  };
}

function cmp(l: unknown, r: unknown, node: SchemaNode | undefined, path: PathElement[], res: Comparison): void {
  if (l === undefined && r === undefined) return;
  const kind = classifyPair(shapeOf(node), l, r);
  if (kind.k === 'leaf' || (isEmptyContainer(l) && isEmptyContainer(r))) {
    if (l === undefined) res.added.insert(path);
    else if (r === undefined) res.removed.insert(path);
    else if (!deepEqual(l, r)) res.modified.insert(path);
    return;
  }
  if (kind.k === 'map') {
    const lo = isPlainObject(l) ? l : undefined;
    const ro = isPlainObject(r) ? r : undefined;
    const keys = new Set<string>([...Object.keys(lo ?? {}), ...Object.keys(ro ?? {})]);
    for (const key of keys) {
      const lv = lo?.[key];
      const rv = ro?.[key];
      if (lv === undefined && rv === undefined) continue;
      path.push(fieldPE(key));
      cmp(lv, rv, mapChild(kind.shape, key).node, path, res);
      path.pop();
    }
  } else {
    cmpList(Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], kind.shape, path, res);
  }
  if (path.length > 0) {
    if (l === undefined) res.added.insert(path);
    else if (r === undefined) res.removed.insert(path);
  }
}

interface Indexed {
  order: PathElement[];
  items: Map<string, unknown[]>;
}

function indexList(arr: unknown[], shape: ListShape, path: Path, errs?: TypedError[]): Indexed {
  const order: PathElement[] = [];
  const items = new Map<string, unknown[]>();
  for (let i = 0; i < arr.length; i++) {
    const pe = listItemPE(shape, arr[i], i, errs, path);
    if (!pe) continue;
    const got = items.get(pe.s);
    if (got) got.push(arr[i]);
    else {
      items.set(pe.s, [arr[i]]);
      order.push(pe);
    }
  }
  return { order, items };
}

function cmpList(l: unknown[], r: unknown[], shape: ListShape, path: PathElement[], res: Comparison): void {
  const li = indexList(l, shape, path);
  const ri = indexList(r, shape, path);
  const all = [...li.order, ...ri.order.filter((pe) => !li.items.has(pe.s))];
  for (const pe of all) {
    const ll = li.items.get(pe.s) ?? [];
    const rl = ri.items.get(pe.s) ?? [];
    path.push(pe);
    if (ll.length <= 1 && rl.length <= 1) {
      cmp(ll[0], rl[0], shape.item, path, res);
    } else if (ll.length >= 2 && rl.length >= 2) {
      // duplicates on both sides: compared as a whole
      if (!deepEqual(ll, rl)) res.modified.insert(path);
    } else if (ll.length >= 2) {
      if (rl.length > 0) cmp(undefined, rl[0], shape.item, path, res);
      res.removed.insert(path);
    } else {
      if (ll.length > 0) cmp(ll[0], undefined, shape.item, path, res);
      res.added.insert(path);
    }
    path.pop();
  }
}

// ---------------------------------------------------------------------------------------------
// Merge

/** Merges an applied configuration (rhs) into a live value (lhs): rhs wins, maps and list-maps/sets merge. */
export function merge(lhs: unknown, rhs: unknown, node: SchemaNode | undefined): unknown {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  const kind = classifyPair(shapeOf(node), lhs, rhs);
  if (kind.k === 'leaf' || (isEmptyContainer(lhs) && isEmptyContainer(rhs))) return rhs;
  if (kind.k === 'map') {
    const lo = isPlainObject(lhs) ? lhs : {};
    const ro = isPlainObject(rhs) ? rhs : {};
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(lo)) {
      out[key] = key in ro && ro[key] !== undefined ? merge(lo[key], ro[key], mapChild(kind.shape, key).node) : lo[key];
    }
    for (const key of Object.keys(ro)) if (!(key in out) && ro[key] !== undefined) out[key] = ro[key];
    return out;
  }
  return mergeList(Array.isArray(lhs) ? lhs : [], Array.isArray(rhs) ? rhs : [], kind.shape);
}

/**
 * List-map / set-list merge. Order: live items keep their places, items only in the config come
 * where the config puts them, shared items follow the config's order.
 */
function mergeList(l: unknown[], r: unknown[], shape: ListShape): unknown[] {
  const li = indexList(l, shape, []);
  const ri = indexList(r, shape, []);
  const rhsPos = new Map<string, number>();
  ri.order.forEach((pe, i) => rhsPos.set(pe.s, i));
  const shared = ri.order.filter((pe) => li.items.has(pe.s));
  let sharedIdx = 0;
  const nextShared = () => (sharedIdx < shared.length ? shared[sharedIdx] : undefined);
  const mergeItem = (key: string): unknown => {
    const ls = li.items.get(key);
    const rv = ri.items.get(key)![0];
    if (!ls) return rv;
    if (ls.length > 1) return rv; // duplicates in the live list are replaced, not merged
    return merge(ls[0], rv, shape.item);
  };
  const out: unknown[] = [];
  const lOrder = li.order;
  const rOrder = ri.order;
  let lI = 0;
  let rI = 0;
  while (lI < lOrder.length || rI < rOrder.length) {
    if (lI < lOrder.length && rI < rOrder.length) {
      const pe = lOrder[lI];
      if (pe.s === rOrder[rI].s) {
        out.push(mergeItem(pe.s));
        lI++;
        rI++;
        if (nextShared()?.s === pe.s) sharedIdx++;
        continue;
      }
      const ns = nextShared();
      if (rhsPos.has(pe.s) && ns && ns.s !== pe.s) {
        lI++; // a shared item that the config places later
        continue;
      }
    }
    if (lI < lOrder.length) {
      const pe = lOrder[lI];
      if (!rhsPos.has(pe.s)) {
        out.push(...li.items.get(pe.s)!);
        lI++;
        continue;
      }
    }
    if (rI < rOrder.length) {
      const pe = rOrder[rI];
      out.push(mergeItem(pe.s));
      rI++;
      if (nextShared()?.s === pe.s) sharedIdx++;
      continue;
    }
    lI++; // a shared live item already emitted in the config's order
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Removal

const EMPTIED = Symbol('emptied');

/** The value without the items the set names (a member removes that item and all below it). */
export function removeItems(value: unknown, set: FieldSet, node: SchemaNode | undefined): unknown {
  if (set.isEmpty()) return value;
  const out = removeAt(value, set, node);
  return out === EMPTIED ? (Array.isArray(value) ? [] : {}) : out;
}

function removeAt(v: unknown, set: FieldSet, node: SchemaNode | undefined): unknown {
  const kind = classifyOne(shapeOf(node), v);
  if (kind.k === 'map') {
    if (!isPlainObject(v) || Object.keys(v).length === 0) return v;
    const out: Record<string, unknown> = {};
    let removed = false;
    for (const key of Object.keys(v)) {
      const pe = fieldPE(key);
      if (set.hasMember(pe)) {
        removed = true;
        continue;
      }
      const sub = set.child(pe);
      if (sub) {
        const nv = removeAt(v[key], sub, mapChild(kind.shape, key).node);
        if (nv === EMPTIED) {
          removed = true;
          continue;
        }
        out[key] = nv;
      } else out[key] = v[key];
    }
    return removed && Object.keys(out).length === 0 ? EMPTIED : out;
  }
  if (kind.k === 'list') {
    if (!Array.isArray(v) || v.length === 0) return v;
    const out: unknown[] = [];
    let removed = false;
    for (let i = 0; i < v.length; i++) {
      const pe = listItemPE(kind.shape, v[i], i);
      if (!pe) {
        out.push(v[i]);
        continue;
      }
      if (set.hasMember(pe)) {
        removed = true;
        continue;
      }
      const sub = set.child(pe);
      if (sub) {
        const nv = removeAt(v[i], sub, kind.shape.item);
        out.push(nv === EMPTIED ? (Array.isArray(v[i]) ? [] : {}) : nv);
      } else out.push(v[i]);
    }
    return removed && out.length === 0 ? EMPTIED : out;
  }
  return v;
}
