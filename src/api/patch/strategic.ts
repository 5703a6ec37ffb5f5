// Strategic merge patch (application/strategic-merge-patch+json) for built-in kinds, with
// the semantics of apimachinery's pkg/util/strategicpatch as the API server runs it
// (StrategicMergeMapPatch: parallel lists merged, unmatched nulls ignored).
//
// Field behaviour comes from the schema (src/api/schema.ts):
//   - lists with patch strategy "merge" and a merge key are merged element-wise by that key;
//     primitive lists with "merge" are merged as sets; other lists are replaced;
//   - maps are merged recursively (a map field with strategy "replace" is replaced);
//   - null deletes a member; nulls inside newly added values are dropped;
//   - where the schema does not know a field, its value is merged as a JSON merge patch.
// Directives: "$patch": replace | delete on maps; "$patch": delete | replace on elements of
// merge lists; "$setElementOrder/<list>"; "$retainKeys"; "$deleteFromPrimitiveList/<list>".
//
// Element order follows upstream exactly (it is visible to users of kubectl apply), including
// the way the final $setElementOrder pass sees the live list after in-place deletions.
//
// Errors as the API server reports them: malformed $retainKeys / $setElementOrder /
// $deleteFromPrimitiveList are 400; lists of lists 422; everything else upstream reports as a
// plain error (e.g. a missing merge key) is 500 with upstream's message.
import { fieldMeta, itemSchema, propertySchema, resolve, type SchemaNode } from '../schema.js';
import { cloneJson, getOwn, goTypeName, goValue, hasOwn, isMap, jsonKind, setOwn, type JsonMap } from './json.js';
import { mergeInto, pruneNulls } from './mergepatch.js';
import { badRequest, serverError, unprocessable } from './status.js';

const DIRECTIVE = '$patch';
const REPLACE = 'replace';
const DELETE = 'delete';
const MERGE = 'merge';
const RETAIN_KEYS = 'retainKeys';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

const ERR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';
const ERR_LIST_OF_LISTS = 'lists of lists are not supported';

/** Marks a value that must not appear in the result (a new map carrying a $patch directive). */
const DROP: unique symbol = Symbol('drop');
type Cleaned = unknown;

function noMergeKey(m: JsonMap, key: string): Error {
  return serverError(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
}

function badArgType(expected: string, actual: unknown): Error {
  return serverError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

function badPatchType(type: unknown, m: JsonMap): Error {
  return serverError(`unknown patch type: ${typeof type === 'string' ? type : goValue(type)} in map: ${goValue(m)}`);
}

/** "$prefix/field" -> "field"; anything else under the prefix is a malformed directive (400). */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw badRequest(ERR_PRIMITIVE_LIST);
    throw badRequest(ERR_SET_ELEMENT_ORDER);
  }
  return key.slice(slash + 1);
}

/** The list/map strategy of a field: "merge", "replace" or "" (retainKeys only matters to diffs). */
function patchStrategy(node: SchemaNode | undefined): string {
  const strategies = fieldMeta(node).patchStrategies;
  const rest = strategies.filter((s) => s !== RETAIN_KEYS);
  if (strategies.length > 2 || rest.length > 1) throw serverError(`unexpected patch strategy: ${goValue(strategies)}`);
  return rest[0] ?? '';
}

/**
 * True when the schema says nothing about the value's structure: an unknown field, or an
 * object that preserves unknown fields without declaring any. Such values merge as JSON
 * merge patches.
 */
function isOpaque(node: SchemaNode | undefined): boolean {
  if (node === undefined) return true;
  const n = resolve(node);
  if (n === undefined) return true;
  return n['x-kubernetes-preserve-unknown-fields'] === true && !n.properties && !n.additionalProperties && !n.items;
}

function mergeKeyOf(node: SchemaNode | undefined): string {
  return fieldMeta(node).patchMergeKey ?? '';
}

type ValueKind = 'map' | 'list' | 'scalar' | 'null';

function kindOf(v: unknown): ValueKind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  return isMap(v) ? 'map' : 'scalar';
}

/** Go's reflect-type identity for list elements (numbers are one type here). */
function elementType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return jsonKind(v);
}

/**
 * The common element type of the given lists: 'object' for maps, a scalar type word, or
 * undefined when all are empty. Mixed types and nested lists are errors, as upstream.
 */
function sliceElementType(...lists: unknown[][]): string | undefined {
  let prev: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = elementType(v);
      if (prev === undefined) {
        if (t === 'array') throw unprocessable(ERR_LIST_OF_LISTS);
        prev = t;
      } else if (t !== prev) {
        throw serverError(`list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  return prev;
}

/** A key usable in a Map for a merge-key value (or a primitive element). */
function identity(v: unknown): unknown {
  return typeof v === 'object' && v !== null ? `\u0000${JSON.stringify(v)}` : v;
}

/** What identifies an element in a list of maps (merge-key value) or of scalars (the value). */
function elementKey(item: unknown, mergeKey: string): unknown {
  if (!mergeKey) return identity(item);
  return isMap(item) ? identity(getOwn(item, mergeKey)) : undefined;
}

function firstIndexes(list: unknown[], mergeKey: string): Map<unknown, number> {
  const idx = new Map<unknown, number>();
  list.forEach((item, i) => {
    const k = elementKey(item, mergeKey);
    if (!idx.has(k)) idx.set(k, i);
  });
  return idx;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw badArgType('map[string]interface {}', item);
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
  }
}

/** Stable sort of `items` by their position in `order` (items not found keep their place at the end). */
function sortByOrder(items: unknown[], order: unknown[], mergeKey: string): unknown[] {
  const idx = firstIndexes(order, mergeKey);
  const pos = (v: unknown) => idx.get(elementKey(v, mergeKey)) ?? Number.POSITIVE_INFINITY;
  return items
    .map((item, i) => ({ item, i, p: pos(item) }))
    .sort((a, b) => (a.p === b.p ? a.i - b.i : a.p < b.p ? -1 : 1))
    .map((e) => e.item);
}

/**
 * Interleaves server-only items (`left`) into the patch items (`right`), keeping each side's
 * relative order; a server-only item goes first only when both are found in `serverOrder` and
 * it comes earlier there.
 */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string): unknown[] {
  const idx = firstIndexes(serverOrder, mergeKey);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = idx.get(elementKey(left[i], mergeKey));
      const ri = idx.get(elementKey(right[j], mergeKey));
      if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Orders patch items by `patchOrder`, server-only items by `serverOrder`, then interleaves them. */
function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: string,
): unknown[] {
  if (kind === 'object') {
    validateMergeKeyInLists(mergeKey, patchItems, patchOrder);
    validateMergeKeyInLists(mergeKey, serverOnly, serverOrder);
  }
  const p = sortByOrder(patchItems, patchOrder, mergeKey);
  const s = sortByOrder(serverOnly, serverOrder, mergeKey);
  return mergeSortedSlice(s, p, serverOrder, mergeKey);
}

/** Splits `list` into the items present in `by` (by merge key, or by value) and the others. */
function partition(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  if (mergeKey) {
    for (const item of list) {
      if (!isMap(item)) throw badArgType('map[string]interface {}', item);
      if (!hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
  }
  const keys = new Set<unknown>();
  for (const item of by) {
    if (!mergeKey || isMap(item)) keys.add(elementKey(item, mergeKey));
  }
  const inside: unknown[] = [];
  const outside: unknown[] = [];
  for (const item of list) (keys.has(elementKey(item, mergeKey)) ? inside : outside).push(item);
  return [inside, outside];
}

function setOrDrop(target: JsonMap, key: string, value: Cleaned): void {
  if (value === DROP) delete target[key];
  else setOwn(target, key, value);
}

function isDirectiveKey(key: string): boolean {
  return key === RETAIN_KEYS_DIRECTIVE || key.startsWith(SET_ELEMENT_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE_LIST);
}

/**
 * A patch value placed where the object had nothing (or a value of another type): nulls are
 * dropped and directives removed; a map carrying "$patch" is dropped whole, as upstream.
 * Where the schema does not know the field, merge-patch rules apply instead.
 */
function cleanNew(value: unknown, schema: SchemaNode | undefined): Cleaned {
  if (isOpaque(schema)) return pruneNulls(value);
  if (Array.isArray(value)) return cleanList(value, schema);
  if (isMap(value)) {
    if (hasOwn(value, DIRECTIVE)) return DROP;
    return cleanMap(value, schema);
  }
  return value;
}

function cleanMap(value: JsonMap, schema: SchemaNode | undefined): JsonMap {
  const out: JsonMap = {};
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === null || k === DIRECTIVE || isDirectiveKey(k)) continue;
    setOrDrop(out, k, cleanNew(v, propertySchema(schema, k)));
  }
  return out;
}

function cleanList(list: unknown[], schema: SchemaNode | undefined): unknown[] {
  const items = itemSchema(schema);
  const out: unknown[] = [];
  for (const e of list) {
    if (!isMap(e)) {
      out.push(e);
      continue;
    }
    const c = cleanNew(e, items);
    if (c !== DROP) out.push(c);
  }
  return out;
}

/**
 * Upstream deletes list elements in place, one at a time (directive by directive, first match
 * first): each removal shifts the tail left and leaves the then-last element behind at the end
 * of the backing array. This tracks the survivors and that stale tail in linear time.
 */
class InPlaceDeletions {
  readonly stale: unknown[];
  private readonly removed: Uint8Array;
  private positions: Map<unknown, number[]> | undefined;
  private len: number;
  private tail: number;

  constructor(private readonly list: unknown[], private readonly mergeKey: string) {
    this.stale = new Array<unknown>(list.length);
    this.removed = new Uint8Array(list.length);
    this.len = list.length;
    this.tail = list.length - 1;
  }

  /** Removes every element whose merge-key value has identity `key`. */
  delete(key: unknown): void {
    if (!this.positions) {
      this.positions = new Map();
      this.list.forEach((item, i) => {
        const k = elementKey(item, this.mergeKey);
        const at = this.positions!.get(k);
        if (at) at.push(i);
        else this.positions!.set(k, [i]);
      });
    }
    const at = this.positions.get(key);
    if (!at) return;
    this.positions.delete(key);
    for (const i of at) {
      this.stale[this.len - 1] = this.list[this.tail];
      this.removed[i] = 1;
      this.len--;
      while (this.tail >= 0 && this.removed[this.tail]) this.tail--;
    }
  }

  survivors(): unknown[] {
    return this.len === this.list.length ? this.list.slice() : this.list.filter((_, i) => !this.removed[i]);
  }
}

/** Result of merging a list, plus the live list as upstream's final ordering pass sees it. */
interface MergedList {
  merged: unknown[];
  view: unknown[];
}

class Merger {
  /** Merges patch map `patch` into `original` (mutated; both owned by the merger). */
  mergeMap(original: JsonMap, patch: JsonMap, schema: SchemaNode | undefined): JsonMap {
    if (hasOwn(patch, DIRECTIVE)) {
      const directive = patch[DIRECTIVE];
      if (directive === REPLACE) {
        delete patch[DIRECTIVE];
        return cleanMap(patch, schema);
      }
      if (directive === DELETE) return {};
      throw badPatchType(directive, patch);
    }
    this.applyRetainKeys(original, patch);
    this.applySetElementOrder(original, patch, schema);

    for (const rawKey of Object.keys(patch)) {
      const patchV = patch[rawKey];
      let key = rawKey;
      let isDeleteList = false;
      if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        key = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
        isDeleteList = true;
      }
      if (patchV === null) {
        delete original[key];
        continue;
      }
      const sub = propertySchema(schema, key);
      const present = hasOwn(original, key);
      const originalV = present ? original[key] : undefined;
      if (isOpaque(sub) && !isDeleteList) {
        // The schema does not know this field: JSON merge patch semantics.
        setOwn(original, key, mergeInto(originalV, patchV));
        continue;
      }
      const ok = kindOf(originalV);
      if (!present || ok !== kindOf(patchV)) {
        if (!isDeleteList) setOrDrop(original, key, cleanNew(patchV, sub));
        continue;
      }
      switch (ok) {
        case 'map':
          setOwn(original, key, this.mergeMapField(originalV as JsonMap, patchV as JsonMap, sub));
          break;
        case 'list':
          setOwn(original, key, this.mergeListField(originalV as unknown[], patchV as unknown[], sub, key, isDeleteList).merged);
          break;
        default:
          setOwn(original, key, patchV);
      }
    }
    return original;
  }

  private mergeMapField(original: JsonMap, patch: JsonMap, schema: SchemaNode | undefined): JsonMap {
    if (patchStrategy(schema) === REPLACE) {
      const c = cleanNew(patch, schema);
      return c === DROP ? {} : (c as JsonMap);
    }
    return this.mergeMap(original, patch, schema);
  }

  private mergeListField(
    original: unknown[],
    patch: unknown[],
    schema: SchemaNode | undefined,
    field: string,
    isDeleteList: boolean,
  ): MergedList {
    if (patchStrategy(schema) === MERGE || isDeleteList) {
      return this.mergeSlice(original, patch, itemSchema(schema), mergeKeyOf(schema), isDeleteList, field);
    }
    return { merged: cleanList(patch, schema), view: original };
  }

  private mergeSlice(
    original: unknown[],
    patch: unknown[],
    items: SchemaNode | undefined,
    mergeKey: string,
    isDeleteList: boolean,
    field: string,
  ): MergedList {
    if (original.length === 0 && patch.length === 0) return { merged: original, view: original };
    const type = sliceElementType(original, patch);

    if (type !== 'object') {
      if (isDeleteList) {
        const remove = new Set(patch.map((v) => identity(v)));
        return { merged: original.filter((v) => !remove.has(identity(v))), view: original };
      }
      const seen = new Set<unknown>();
      const merged: unknown[] = [];
      for (const v of original.concat(patch)) {
        const id = identity(v);
        if (!seen.has(id)) {
          seen.add(id);
          merged.push(v);
        }
      }
      const [patchItems, serverOnly] = partition(merged, patch, '');
      return { merged: normalizeElementOrder(patchItems, serverOnly, patch, original, '', type ?? ''), view: original };
    }

    if (!mergeKey) throw serverError(`cannot merge lists without merge key for ${field}`);

    // Special elements. Deletions shift the live list in place, leaving stale copies at its
    // end: upstream's final $setElementOrder pass orders against that backing array.
    const n = original.length;
    const deletions = new InPlaceDeletions(original, mergeKey);
    const plain: JsonMap[] = [];
    let replace = false;
    for (const v of patch as JsonMap[]) {
      if (!hasOwn(v, DIRECTIVE)) {
        plain.push(v);
        continue;
      }
      const directive = v[DIRECTIVE];
      if (directive === DELETE) {
        if (!hasOwn(v, mergeKey)) throw noMergeKey(v, mergeKey);
        deletions.delete(identity(v[mergeKey]));
      } else if (directive === REPLACE) {
        replace = true;
      } else if (directive === MERGE) {
        throw serverError('merging lists cannot yet be specified in the patch');
      } else {
        throw badPatchType(directive, v);
      }
    }
    const survivors = deletions.survivors();
    const backing = (list: unknown[]) => {
      const view = list.slice(0, n);
      for (let i = view.length; i < n; i++) view.push(deletions.stale[i]);
      return view;
    };

    if (replace) {
      const merged = plain.map((e) => cleanMap(e, items));
      validateMergeKeyInLists(mergeKey, merged);
      return { merged, view: backing(survivors) };
    }

    const list = survivors.slice();
    const serverOrder = survivors;
    const index = firstIndexes(list, mergeKey);
    for (const pe of plain) {
      if (!hasOwn(pe, mergeKey)) throw noMergeKey(pe, mergeKey);
      const k = identity(pe[mergeKey]);
      const at = index.get(k);
      if (at !== undefined) {
        list[at] = this.mergeMap(list[at] as JsonMap, pe, items);
      } else {
        list.push(cleanMap(pe, items));
        index.set(k, list.length - 1);
      }
    }
    const [patchItems, serverOnly] = partition(list, plain, mergeKey);
    const merged = normalizeElementOrder(patchItems, serverOnly, plain, serverOrder, mergeKey, 'object');
    return { merged, view: backing(list) };
  }

  private applyRetainKeys(original: JsonMap, patch: JsonMap): void {
    if (!hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
    const retain = patch[RETAIN_KEYS_DIRECTIVE];
    delete patch[RETAIN_KEYS_DIRECTIVE];
    if (!Array.isArray(retain)) throw badRequest(ERR_RETAIN_KEYS);
    const keep = new Set<unknown>(retain);
    for (const k of Object.keys(patch)) {
      if (patch[k] === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
      if (!keep.has(k)) throw badRequest(ERR_RETAIN_KEYS);
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  /** Processes every "$setElementOrder/<field>" with its list: merge, then order. */
  private applySetElementOrder(original: JsonMap, patch: JsonMap, schema: SchemaNode | undefined): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
      const order = patch[key];
      delete patch[key];
      if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
      const field = extractKey(key, SET_ELEMENT_ORDER);

      const originalV = getOwn(original, field);
      const patchV = getOwn(patch, field);
      const foundOriginal = originalV !== undefined && originalV !== null;
      const foundPatch = patchV !== undefined;
      if (patchV === null) continue; // the field is deleted by the main pass
      if (foundOriginal && !Array.isArray(originalV)) throw badArgType('[]interface {}', originalV);
      if (foundPatch && !Array.isArray(patchV)) throw badArgType('[]interface {}', patchV);
      const originalList = (foundOriginal ? originalV : []) as unknown[];
      const patchList = (foundPatch ? patchV : []) as unknown[];

      const sub = propertySchema(schema, field);
      const mergeKey = mergeKeyOf(sub);
      validatePatchWithSetOrderList(patchList, order, mergeKey);

      let merged: unknown[];
      let view = originalList;
      if (foundOriginal && !foundPatch) merged = originalList;
      else if (!foundOriginal && foundPatch) merged = cleanList(patchList, sub);
      else if (foundOriginal && foundPatch) {
        const r = this.mergeListField(originalList, patchList, sub, field, false);
        merged = r.merged;
        view = r.view;
      } else continue;

      const type = sliceElementType(originalList, patchList);
      if (type !== undefined && !(type === 'object' && !mergeKey)) {
        const [patchItems, serverOnly] = partition(merged, order, mergeKey);
        merged = normalizeElementOrder(patchItems, serverOnly, order, view, mergeKey, type);
      }
      setOwn(original, field, merged);
      delete patch[field];
    }
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return identity(left) === identity(right);
  if (!isMap(left)) throw badArgType('map[string]interface {}', left);
  if (!isMap(right)) throw badArgType('map[string]interface {}', right);
  if (!hasOwn(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return identity(left[mergeKey]) === identity(right[mergeKey]);
}

/** The patch list (deletions aside) must be a subsequence of the $setElementOrder list. */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey) {
    for (const v of patchList) if (!isMap(v)) throw badArgType('map[string]interface {}', v);
    items = patchList.filter((v) => (v as JsonMap)[DIRECTIVE] !== DELETE);
  }
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isMap(item) && hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw serverError(`the order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(order)}`);
  }
}

/**
 * Applies a strategic merge patch to `doc` using the schema of its kind. Returns a new value;
 * `doc` and `patch` are not modified. Throws StatusError. Without a schema the patch is
 * applied as a JSON merge patch.
 */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, schema: SchemaNode | undefined): unknown {
  if (patch === null || patch === undefined) return cloneJson(doc);
  if (!isMap(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  const original: JsonMap = isMap(doc) ? cloneJson(doc) : {};
  const p = cloneJson(patch);
  if (schema === undefined) return mergeInto(original, p);
  return new Merger().mergeMap(original, p, schema);
}
