// The patches Helm 3 sends on upgrade (pkg/kube/client.go createPatch):
//  - built-in kinds: a three-way strategic merge patch from the old manifest (original), the new
//    manifest (modified) and the live object (current), as apimachinery's
//    strategicpatch.CreateThreeWayMergePatch computes it (overwrite = true): the changes from live
//    to new without deletions, plus the deletions from old to new, with $setElementOrder,
//    $retainKeys and "$patch: delete" directives;
//  - custom resources (no built-in schema): a two-way JSON merge patch from old to new manifest
//    (evanphx/json-patch CreateMergePatch).
// Field strategies (merge lists and their merge keys, retainKeys, replace) come from the schema
// facts in src/api/schema.ts.
import { deepEqual } from '../../api/object.js';
import { fieldMeta, itemSchema, propertySchema, type SchemaNode } from '../../api/schema.js';

type JMap = Record<string, unknown>;

const DIRECTIVE = '$patch';
const DELETE = 'delete';
const REPLACE = 'replace';
const MERGE = 'merge';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

interface DiffOptions {
  setElementOrder: boolean;
  ignoreChangesAndAdditions: boolean;
  ignoreDeletions: boolean;
  buildRetainKeysDirective: boolean;
}

function isMap(v: unknown): v is JMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's reflect.TypeOf for JSON values: map, slice, string, float64, bool, nil. */
function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'bigint') return 'number';
  return typeof v;
}

/** fmt.Sprintf("%v") of a JSON scalar. */
function sv(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') {
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-4 || a >= 1e21)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
    return String(v);
  }
  return String(v);
}

interface FieldInfo {
  node: SchemaNode | undefined;
  strategy: string;
  retainKeys: boolean;
  mergeKey: string;
}

function lookupField(parent: SchemaNode | undefined, key: string): FieldInfo {
  const node = parent ? propertySchema(parent, key) : undefined;
  if (!node) return { node: undefined, strategy: '', retainKeys: false, mergeKey: '' };
  const meta = fieldMeta(node);
  const retainKeys = meta.patchStrategies.includes('retainKeys');
  const rest = meta.patchStrategies.filter((s) => s !== 'retainKeys');
  return { node, strategy: rest[0] ?? '', retainKeys, mergeKey: meta.patchMergeKey ?? '' };
}

function sortScalars(s: unknown[]): unknown[] {
  return s.sort((a, b) => { const x = sv(a); const y = sv(b); return x < y ? -1 : x > y ? 1 : 0; });
}

function dedupScalars(s: unknown[]): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  for (const v of s) if (!seen.has(v)) { seen.add(v); out.push(v); }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Diff

function diffMaps(original: JMap, modified: JMap, schema: SchemaNode | undefined, o: DiffOptions): JMap {
  const patch: JMap = {};
  const retainKeysList: string[] = [];
  for (const key of Object.keys(modified)) {
    const modifiedValue = modified[key];
    if (o.buildRetainKeysDirective && modifiedValue !== null && modifiedValue !== undefined) retainKeysList.push(key);
    if (!Object.prototype.hasOwnProperty.call(original, key)) {
      if (!o.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key];
    if (key === DIRECTIVE) {
      if (typeof originalValue !== 'string' || typeof modifiedValue !== 'string') throw new Error(`invalid value for special key: ${DIRECTIVE}`);
      if (originalValue !== modifiedValue) patch[DIRECTIVE] = modifiedValue;
      continue;
    }
    if (typeOf(originalValue) !== typeOf(modifiedValue)) {
      if (!o.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (isMap(originalValue)) {
      handleMapDiff(key, originalValue, modifiedValue as JMap, patch, schema, o);
    } else if (Array.isArray(originalValue)) {
      handleSliceDiff(key, originalValue, modifiedValue as unknown[], patch, schema, o);
    } else if (!o.ignoreChangesAndAdditions && !deepEqual(originalValue, modifiedValue)) {
      patch[key] = modifiedValue;
    }
  }
  if (!o.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!Object.prototype.hasOwnProperty.call(modified, key)) patch[key] = null;
  }
  if (retainKeysList.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField(original, modified))) {
    patch[RETAIN_KEYS] = sortScalars(retainKeysList);
  }
  return patch;
}

function hasAdditionalNewField(original: JMap, modified: JMap): boolean {
  for (const [k, v] of Object.entries(original)) {
    if (v === null || v === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(modified, k)) return true;
  }
  return false;
}

function handleMapDiff(key: string, originalValue: JMap, modifiedValue: JMap, patch: JMap, schema: SchemaNode | undefined, o: DiffOptions): void {
  const f = lookupField(schema, key);
  if (f.strategy === REPLACE) {
    if (!o.ignoreChangesAndAdditions && !deepEqual(originalValue, modifiedValue)) patch[key] = modifiedValue;
    return;
  }
  const patchValue = diffMaps(originalValue, modifiedValue, f.node, { ...o, buildRetainKeysDirective: f.retainKeys });
  if (Object.keys(patchValue).length > 0) patch[key] = patchValue;
}

function handleSliceDiff(key: string, originalValue: unknown[], modifiedValue: unknown[], patch: JMap, schema: SchemaNode | undefined, o: DiffOptions): void {
  const f = lookupField(schema, key);
  if (f.strategy === MERGE) {
    const [addList, deletionList, setOrderList] = diffLists(originalValue, modifiedValue, itemSchema(f.node), f.mergeKey, { ...o, buildRetainKeysDirective: f.retainKeys });
    if (addList.length > 0) patch[key] = addList;
    if (deletionList.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST}/${key}`] = deletionList;
    if (setOrderList.length > 0) patch[`${SET_ELEMENT_ORDER}/${key}`] = setOrderList;
    return;
  }
  if (!o.ignoreChangesAndAdditions && !deepEqual(originalValue, modifiedValue)) patch[key] = modifiedValue;
}

function sliceElementKind(...lists: unknown[][]): string {
  let prev: string | undefined;
  for (const l of lists) {
    for (const v of l) {
      const t = typeOf(v);
      if (prev === undefined) {
        prev = t;
        if (t === 'slice') throw new Error('lists of lists are not supported');
      } else if (prev !== t) {
        throw new Error('list element types are not identical');
      }
    }
  }
  if (prev === undefined) throw new Error('no elements in any of the given slices');
  return prev;
}

function mergeKeyOf(m: unknown, mergeKey: string): unknown {
  if (!isMap(m)) throw new Error(`expected a map, but received a ${typeOf(m)}`);
  if (!Object.prototype.hasOwnProperty.call(m, mergeKey)) throw new Error(`map: ${JSON.stringify(m)} does not contain declared merge key: ${mergeKey}`);
  return m[mergeKey];
}

function diffLists(original: unknown[], modified: unknown[], elem: SchemaNode | undefined, mergeKey: string, o: DiffOptions): [unknown[], unknown[], unknown[]] {
  if (original.length === 0) {
    if (modified.length === 0 || o.ignoreChangesAndAdditions) return [[], [], []];
    return [modified, [], []];
  }
  const kind = sliceElementKind(original, modified);
  let patchList: unknown[];
  let deleteList: unknown[];
  let setOrderList: unknown[] = [];
  if (kind === 'map') {
    [patchList, deleteList] = diffListsOfMaps(original, modified, elem, mergeKey, o);
    patchList = normalizeSliceOrder(patchList, modified, mergeKey, kind);
    const orderSame = isOrderSame(original, modified, mergeKey);
    patchList = patchList.concat(deleteList);
    deleteList = [];
    if (o.setElementOrder && ((!o.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) || (!o.ignoreDeletions && patchList.length > 0))) {
      setOrderList = modified.map((v) => ({ [mergeKey]: (v as JMap)[mergeKey] }));
    }
  } else {
    [patchList, deleteList] = diffListsOfScalars(original, modified, o);
    patchList = normalizeSliceOrder(patchList, modified, mergeKey, kind);
    if (o.setElementOrder && ((!o.ignoreDeletions && deleteList.length > 0) || (!o.ignoreChangesAndAdditions && !deepEqual(original, modified)))) {
      setOrderList = modified;
    }
  }
  return [patchList, deleteList, setOrderList];
}

function isOrderSame(original: unknown[], modified: unknown[], mergeKey: string): boolean {
  if (original.length !== modified.length) return false;
  for (let i = 0; i < modified.length; i++) {
    if (mergeKeyOf(original[i], mergeKey) !== mergeKeyOf(modified[i], mergeKey)) return false;
  }
  return true;
}

function diffListsOfScalars(original: unknown[], modified: unknown[], o: DiffOptions): [unknown[], unknown[]] {
  const os = sortScalars([...original]);
  const ms = sortScalars([...modified]);
  let oi = 0;
  let mi = 0;
  const add: unknown[] = [];
  const del: unknown[] = [];
  for (;;) {
    const oIn = oi < os.length;
    const mIn = mi < ms.length;
    if (!oIn && !mIn) break;
    const oStr = oIn ? sv(os[oi]) : '';
    const mStr = mIn ? sv(ms[mi]) : '';
    if (oIn && mIn && oStr === mStr) { oi++; mi++; continue; }
    if (!oIn || (oIn && mIn && oStr > mStr)) {
      if (!o.ignoreChangesAndAdditions) add.push(ms[mi]);
      mi++;
      continue;
    }
    if (!o.ignoreDeletions) del.push(os[oi]);
    oi++;
  }
  return [add, dedupScalars(del)];
}

function sortMapsByKey(list: unknown[], mergeKey: string): JMap[] {
  const maps = list.map((v) => { mergeKeyOf(v, mergeKey); return v as JMap; });
  return maps.sort((a, b) => { const x = sv(a[mergeKey]); const y = sv(b[mergeKey]); return x < y ? -1 : x > y ? 1 : 0; });
}

function diffListsOfMaps(original: unknown[], modified: unknown[], elem: SchemaNode | undefined, mergeKey: string, o: DiffOptions): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const deletions: unknown[] = [];
  const os = sortMapsByKey(original, mergeKey);
  const ms = sortMapsByKey(modified, mergeKey);
  let oi = 0;
  let mi = 0;
  for (;;) {
    const oIn = oi < os.length;
    const mIn = mi < ms.length;
    if (!oIn && !mIn) break;
    const oStr = oIn ? sv(os[oi]![mergeKey]) : '';
    const mStr = mIn ? sv(ms[mi]![mergeKey]) : '';
    if (oIn && mIn && oStr === mStr) {
      const pv = diffMaps(os[oi]!, ms[mi]!, elem, o);
      if (Object.keys(pv).length > 0) {
        pv[mergeKey] = ms[mi]![mergeKey];
        patch.push(pv);
      }
      oi++;
      mi++;
    } else if (!oIn || (oIn && mIn && oStr > mStr)) {
      if (!o.ignoreChangesAndAdditions) patch.push(ms[mi]);
      mi++;
    } else {
      if (!o.ignoreDeletions) deletions.push({ [mergeKey]: os[oi]![mergeKey], [DIRECTIVE]: DELETE });
      oi++;
    }
  }
  return [patch, deletions];
}

function indexIn(list: unknown[], v: unknown, mergeKey: string, kind: string): number {
  const val = (x: unknown) => (kind === 'map' ? (isMap(x) ? x[mergeKey] : undefined) : x);
  const want = val(v);
  for (let i = 0; i < list.length; i++) if (val(list[i]) === want) return i;
  return -1;
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: string): unknown[] {
  let toDelete: unknown[] = [];
  let items = toSort;
  if (kind === 'map') {
    for (const l of [toSort, order]) for (const item of l) mergeKeyOf(item, mergeKey);
    items = [];
    for (const v of toSort) {
      if ((v as JMap)[DIRECTIVE] === DELETE) toDelete.push(v);
      else items.push(v);
    }
  } else {
    toDelete = [];
  }
  // Go's sort.SliceStable with a "less" that answers true when either index is unknown.
  const idx = items.map((v) => indexIn(order, v, mergeKey, kind));
  const perm = items.map((_, i) => i);
  stableSort(perm, (a, b) => {
    const ia = idx[a]!;
    const ib = idx[b]!;
    if (ia >= 0 && ib >= 0) return ia < ib;
    return true;
  });
  return perm.map((i) => items[i]).concat(toDelete);
}

/** Go's sort.SliceStable (insertion sort over blocks + symMerge) reduces to a stable insertion sort for our sizes. */
function stableSort<T>(a: T[], less: (x: T, y: T) => boolean): void {
  for (let i = 1; i < a.length; i++) {
    for (let j = i; j > 0 && less(a[j]!, a[j - 1]!); j--) {
      const t = a[j]!;
      a[j] = a[j - 1]!;
      a[j - 1] = t;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Merge (client side: parallel lists are kept, unmatched nulls are kept)

function mergeMap(original: JMap | null, patch: JMap, schema: SchemaNode | undefined): JMap {
  if (Object.prototype.hasOwnProperty.call(patch, DIRECTIVE)) {
    const d = patch[DIRECTIVE];
    if (d === REPLACE) { delete patch[DIRECTIVE]; return patch; }
    if (d === DELETE) return {};
    throw new Error(`unknown patch type: ${String(d)} in map: ${JSON.stringify(patch)}`);
  }
  const orig: JMap = original ?? {};
  // $retainKeys: keep the directive of the delta (it must agree with the deletions' one).
  if (Object.prototype.hasOwnProperty.call(patch, RETAIN_KEYS)) {
    const rk = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (Object.prototype.hasOwnProperty.call(orig, RETAIN_KEYS)) {
      if (!deepEqual(orig[RETAIN_KEYS], rk)) throw new Error(`${JSON.stringify(orig[RETAIN_KEYS])} and ${JSON.stringify(rk)} are not deep equal: this may happen when calculating the 3-way diff patch`);
    } else {
      orig[RETAIN_KEYS] = rk;
    }
  }
  mergePatchIntoOriginal(orig, patch, schema);
  for (const k of Object.keys(patch)) {
    const pv = patch[k];
    if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      orig[k] = pv;
      continue;
    }
    if (pv === null || pv === undefined) {
      delete orig[k];
      orig[k] = null;
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(orig, k)) { orig[k] = pv; continue; }
    const ov = orig[k];
    if (typeOf(ov) !== typeOf(pv)) { orig[k] = pv; continue; }
    const f = lookupField(schema, k);
    if (isMap(ov)) {
      orig[k] = f.strategy === REPLACE ? pv : mergeMap(ov, pv as JMap, f.node);
    } else if (Array.isArray(ov)) {
      orig[k] = f.strategy === MERGE ? mergeSlice(ov, pv as unknown[], itemSchema(f.node), f.mergeKey) : pv;
    } else {
      orig[k] = pv;
    }
  }
  return orig;
}

function mergePatchIntoOriginal(original: JMap, patch: JMap, schema: SchemaNode | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const setOrder = patch[key];
    if (Object.prototype.hasOwnProperty.call(original, key)) {
      if (!deepEqual(original[key], setOrder)) throw new Error('invalid patch format of setElementOrder list');
    } else {
      original[key] = setOrder;
    }
    delete patch[key];
    const slash = key.indexOf('/');
    if (slash < 0 || key.slice(0, slash) !== SET_ELEMENT_ORDER) throw new Error('invalid patch format of setElementOrder list');
    const listKey = key.slice(slash + 1);
    const foundOriginal = Object.prototype.hasOwnProperty.call(original, listKey);
    const foundPatch = Object.prototype.hasOwnProperty.call(patch, listKey);
    if (!foundOriginal && !foundPatch) continue;
    const originalList = foundOriginal ? (original[listKey] as unknown[]) : [];
    const patchList = foundPatch ? (patch[listKey] as unknown[]) : [];
    const f = lookupField(schema, listKey);
    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = patchList;
    else merged = f.strategy === MERGE ? mergeSlice(originalList, patchList, itemSchema(f.node), f.mergeKey) : patchList;
    const order = setOrder as unknown[];
    const kind = sliceElementKind(originalList, patchList);
    const [patchItems, serverOnly] = partition(merged, order, f.mergeKey, kind);
    original[listKey] = normalizeElementOrder(patchItems, serverOnly, order, originalList, f.mergeKey, kind);
    delete patch[listKey];
  }
}

function partition(list: unknown[], by: unknown[], mergeKey: string, kind: string): [unknown[], unknown[]] {
  const inList: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (kind === 'map' && mergeKey) {
      const mv = mergeKeyOf(v, mergeKey);
      const found = by.some((x) => isMap(x) && x[mergeKey] === mv);
      (found ? inList : serverOnly).push(v);
    } else {
      (by.includes(v) ? inList : serverOnly).push(v);
    }
  }
  return [inList, serverOnly];
}

function normalizeElementOrder(patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string, kind: string): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) { out.push(right[j++]); continue; }
    if (j >= right.length) { out.push(left[i++]); continue; }
    const li = indexIn(serverOrder, left[i], mergeKey, kind);
    const ri = indexIn(serverOrder, right[j], mergeKey, kind);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out;
}

function mergeSlice(original: unknown[], patch: unknown[], elem: SchemaNode | undefined, mergeKey: string): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: unknown[];
  let orig = original;
  let pat = patch;
  if (kind !== 'map') {
    merged = dedupScalars(original.concat(patch));
  } else {
    if (!mergeKey) throw new Error('cannot merge lists without merge key for type map');
    // special elements ($patch) in the patch
    const plain: unknown[] = [];
    let replace = false;
    for (const v of patch) {
      const m = v as JMap;
      if (!Object.prototype.hasOwnProperty.call(m, DIRECTIVE)) { plain.push(v); continue; }
      const d = m[DIRECTIVE];
      if (d === DELETE) {
        const mv = mergeKeyOf(m, mergeKey);
        orig = orig.filter((x) => !(isMap(x) && x[mergeKey] === mv));
      } else if (d === REPLACE) {
        replace = true;
      } else if (d === MERGE) {
        throw new Error('merging lists cannot yet be specified in the patch');
      } else {
        throw new Error(`unknown patch type: ${String(d)} in map: ${JSON.stringify(m)}`);
      }
    }
    if (replace) { orig = plain; pat = []; } else { pat = plain; }
    merged = [...orig];
    for (const v of pat) {
      const mv = mergeKeyOf(v, mergeKey);
      const at = merged.findIndex((x) => isMap(x) && x[mergeKey] === mv);
      if (at >= 0) merged[at] = mergeMap(merged[at] as JMap, v as JMap, elem);
      else merged.push(v);
    }
  }
  const [patchItems, serverOnly] = partition(merged, pat, mergeKey, kind);
  return normalizeElementOrder(patchItems, serverOnly, pat, orig, mergeKey, kind);
}

// ---------------------------------------------------------------------------------------------

/**
 * strategicpatch.CreateThreeWayMergePatch(original, modified, current, meta, overwrite=true).
 * `schema` is the kind's schema (schemaForKind); returns the patch map ({} when nothing changes).
 */
export function createThreeWayMergePatch(original: JMap, modified: JMap, current: JMap, schema: SchemaNode | undefined): JMap {
  const delta = diffMaps(current, modified, schema, { setElementOrder: true, ignoreChangesAndAdditions: false, ignoreDeletions: true, buildRetainKeysDirective: false });
  const deletions = diffMaps(original, modified, schema, { setElementOrder: true, ignoreChangesAndAdditions: true, ignoreDeletions: false, buildRetainKeysDirective: false });
  return mergeMap(deletions, delta, schema);
}

/** strategicpatch.CreateTwoWayMergePatch. */
export function createTwoWayMergePatch(original: JMap, modified: JMap, schema: SchemaNode | undefined): JMap {
  return diffMaps(original, modified, schema, { setElementOrder: true, ignoreChangesAndAdditions: false, ignoreDeletions: false, buildRetainKeysDirective: false });
}

/** jsonpatch.CreateMergePatch (RFC 7386): the merge patch turning `original` into `modified`. */
export function createMergePatch(original: JMap, modified: JMap): JMap {
  const into: JMap = {};
  for (const key of Object.keys(modified)) {
    const bv = modified[key];
    if (!Object.prototype.hasOwnProperty.call(original, key)) { into[key] = bv; continue; }
    const av = original[key];
    if (typeOf(av) !== typeOf(bv)) { into[key] = bv; continue; }
    if (isMap(av)) {
      const dst = createMergePatch(av, bv as JMap);
      if (Object.keys(dst).length > 0) into[key] = dst;
    } else if (av !== null && av !== undefined && !deepEqual(av, bv)) {
      into[key] = bv;
    }
  }
  for (const key of Object.keys(original)) if (!Object.prototype.hasOwnProperty.call(modified, key)) into[key] = null;
  return into;
}
