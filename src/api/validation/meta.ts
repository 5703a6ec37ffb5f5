// ObjectMeta, labels, annotations and label selectors (k8s.io/apimachinery/pkg/api/validation and
// pkg/apis/meta/v1/validation), with Kubernetes' paths and messages.
import type { StatusCause } from '../errors.js';
import { isPlainObject, deepEqual } from '../object.js';
import { fe, child, index, msg, GoText, goQuote } from './fielderr.js';
import { isQualifiedName, isValidLabelValue, isDNS1123Label, type NameFn } from './names.js';

export type Obj = Record<string, unknown>;

export const asObj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asStr = (v: unknown): string => (typeof v === 'string' ? v : '');
export const asNum = (v: unknown): number => (typeof v === 'number' ? v : 0);
export const has = (v: unknown): boolean => v !== undefined && v !== null;

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabelName(name: string, path: string): StatusCause[] {
  return isQualifiedName(name).map((m) => fe.invalid(path, name, m));
}

export function validateLabels(labels: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(asObj(labels))) {
    out.push(...validateLabelName(k, path));
    for (const m of isValidLabelValue(asStr(v))) out.push(fe.invalid(path, asStr(v), m));
  }
  return out;
}

export function validateAnnotations(annotations: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(asObj(annotations))) {
    for (const m of isQualifiedName(k.toLowerCase())) out.push(fe.invalid(path, k, m));
    total += Buffer.byteLength(k) + Buffer.byteLength(asStr(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) out.push(fe.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return out;
}

function validateOwnerReferences(refs: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  let firstController = '';
  for (const r of asArr(refs)) {
    const ref = asObj(r);
    const apiVersion = asStr(ref.apiVersion);
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    if (!version) out.push(fe.invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!asStr(ref.kind)) out.push(fe.invalid(child(path, 'kind'), asStr(ref.kind), 'must not be empty'));
    if (!asStr(ref.name)) out.push(fe.invalid(child(path, 'name'), asStr(ref.name), 'must not be empty'));
    if (!asStr(ref.uid)) out.push(fe.invalid(child(path, 'uid'), asStr(ref.uid), 'must not be empty'));
    if (apiVersion === 'v1' && ref.kind === 'Event') out.push(fe.invalid(path, new GoText(`v1.OwnerReference{APIVersion:${goQuote(apiVersion)}, Kind:"Event", Name:${goQuote(asStr(ref.name))}}`), '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller === true) {
      const cur = `${asStr(ref.kind)}/${asStr(ref.name)}`;
      if (firstController) out.push(fe.invalid(path, new GoText('[]v1.OwnerReference{...}'), `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      else firstController = cur;
    }
  }
  return out;
}

function validateFinalizers(finalizers: unknown, path: string, kube: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  const list = asArr(finalizers).map(asStr);
  for (const f of list) for (const m of isQualifiedName(f)) out.push(fe.invalid(path, f, m));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    out.push(fe.invalid(path, new GoText(`[]string{${list.map(goQuote).join(', ')}}`), 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  // validateKubeFinalizerName: names without a domain must be standard ones.
  if (kube) list.forEach((f, i) => {
    if (!f.includes('/') && !['kubernetes', 'orphan', 'foregroundDeletion'].includes(f)) {
      out.push(fe.invalid(index(path, i), f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return out;
}

function validateMetaCommon(meta: Obj, namespaced: boolean, path: string, kube: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  const ns = asStr(meta.namespace);
  if (namespaced) {
    if (!ns) out.push(fe.required(child(path, 'namespace'), ''));
    else for (const m of isDNS1123Label(ns)) out.push(fe.invalid(child(path, 'namespace'), ns, m));
  } else if (ns) {
    out.push(fe.forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  if (asNum(meta.generation) < 0) out.push(fe.invalid(child(path, 'generation'), asNum(meta.generation), msg.negative));
  out.push(...validateLabels(meta.labels, child(path, 'labels')));
  out.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  out.push(...validateOwnerReferences(meta.ownerReferences, child(path, 'ownerReferences')));
  out.push(...validateFinalizers(meta.finalizers, child(path, 'finalizers'), kube));
  return out;
}

/** ValidateObjectMeta on create (name generation already done by the caller, if any). */
export function validateObjectMeta(metaIn: unknown, namespaced: boolean, nameFn: NameFn, path = 'metadata', kubeFinalizers = true): StatusCause[] {
  const meta = asObj(metaIn);
  const out: StatusCause[] = [];
  const generateName = asStr(meta.generateName);
  const name = asStr(meta.name);
  if (generateName) for (const m of nameFn(generateName, true)) out.push(fe.invalid(child(path, 'generateName'), generateName, m));
  if (!name) out.push(fe.required(child(path, 'name'), 'name or generateName is required'));
  else for (const m of nameFn(name, false)) out.push(fe.invalid(child(path, 'name'), name, m));
  out.push(...validateMetaCommon(meta, namespaced, path, kubeFinalizers));
  return out;
}

function immutable(newV: unknown, oldV: unknown, path: string, render: (v: unknown) => string | GoText | number): StatusCause[] {
  if (deepEqual(newV ?? null, oldV ?? null)) return [];
  const r = render(newV);
  return [fe.invalid(path, r, msg.immutable)];
}

/** ValidateObjectMetaUpdate. */
export function validateObjectMetaUpdate(newIn: unknown, oldIn: unknown, path = 'metadata', kubeFinalizers = true): StatusCause[] {
  const n = asObj(newIn);
  const o = asObj(oldIn);
  const out: StatusCause[] = [];
  if (has(o.deletionTimestamp)) {
    const oldF = new Set(asArr(o.finalizers).map(asStr));
    const extra = [...new Set(asArr(n.finalizers).map(asStr))].filter((f) => !oldF.has(f)).sort();
    if (extra.length) out.push(fe.forbidden(child(path, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map(goQuote).join(', ')}}`));
  }
  if (!asStr(n.resourceVersion)) out.push(fe.invalid(child(path, 'resourceVersion'), asStr(n.resourceVersion), 'must be specified for an update'));
  if (asNum(n.generation) < asNum(o.generation)) out.push(fe.invalid(child(path, 'generation'), asNum(n.generation), 'must not be decremented'));
  const str = (v: unknown) => asStr(v);
  out.push(...immutable(n.name ?? '', o.name ?? '', child(path, 'name'), str));
  out.push(...immutable(n.namespace ?? '', o.namespace ?? '', child(path, 'namespace'), str));
  out.push(...immutable(n.uid ?? '', o.uid ?? '', child(path, 'uid'), str));
  out.push(...immutable(n.creationTimestamp ?? null, o.creationTimestamp ?? null, child(path, 'creationTimestamp'), (v) => new GoText(timeText(v))));
  out.push(...immutable(n.deletionTimestamp ?? null, o.deletionTimestamp ?? null, child(path, 'deletionTimestamp'), (v) => new GoText(v ? timeText(v) : '<nil>')));
  out.push(...immutable(n.deletionGracePeriodSeconds ?? null, o.deletionGracePeriodSeconds ?? null, child(path, 'deletionGracePeriodSeconds'), (v) => new GoText(v === null || v === undefined ? '(*int64)(nil)' : String(v))));
  out.push(...validateLabels(n.labels, child(path, 'labels')));
  out.push(...validateAnnotations(n.annotations, child(path, 'annotations')));
  out.push(...validateOwnerReferences(n.ownerReferences, child(path, 'ownerReferences')));
  out.push(...validateFinalizers(n.finalizers, child(path, 'finalizers'), kubeFinalizers));
  return out;
}

/** metav1.Time prints like time.Time.String(): "2006-01-02 15:04:05 +0000 UTC". */
function timeText(v: unknown): string {
  const s = asStr(v);
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(s);
  return m ? `${m[1]} ${m[2]}${m[3] ?? ''} +0000 UTC` : s || '0001-01-01 00:00:00 +0000 UTC';
}

export interface LabelSelectorOptions {
  allowInvalidLabelValueInSelector?: boolean;
}

/** ValidateLabelSelector. */
export function validateLabelSelector(selIn: unknown, path: string, opts: LabelSelectorOptions = {}): StatusCause[] {
  if (!isPlainObject(selIn)) return [];
  const out: StatusCause[] = [];
  out.push(...validateLabels(selIn.matchLabels, child(path, 'matchLabels')));
  asArr(selIn.matchExpressions).forEach((e, i) => {
    const expr = asObj(e);
    const p = index(child(path, 'matchExpressions'), i);
    const op = asStr(expr.operator);
    const values = asArr(expr.values);
    switch (op) {
      case 'In': case 'NotIn':
        if (values.length === 0) out.push(fe.required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists': case 'DoesNotExist':
        if (values.length > 0) out.push(fe.forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        out.push(fe.invalid(child(p, 'operator'), op, 'not a valid selector operator'));
    }
    out.push(...validateLabelName(asStr(expr.key), child(p, 'key')));
    if (!opts.allowInvalidLabelValueInSelector) {
      values.forEach((v, j) => {
        for (const m of isValidLabelValue(asStr(v))) out.push(fe.invalid(index(child(p, 'values'), j), asStr(v), m));
      });
    }
  });
  return out;
}

/** Whether a metav1.LabelSelector selects nothing-in-particular (no labels, no expressions). */
export function selectorEmpty(sel: unknown): boolean {
  const s = asObj(sel);
  return Object.keys(asObj(s.matchLabels)).length + asArr(s.matchExpressions).length === 0;
}

/** metav1.LabelSelectorAsSelector(sel).Matches(labels). */
export function selectorMatches(sel: unknown, labelsIn: unknown): boolean {
  const s = asObj(sel);
  const labels = asObj(labelsIn);
  for (const [k, v] of Object.entries(asObj(s.matchLabels))) if (labels[k] !== v) return false;
  for (const e of asArr(s.matchExpressions)) {
    const expr = asObj(e);
    const k = asStr(expr.key);
    const present = Object.prototype.hasOwnProperty.call(labels, k);
    const values = asArr(expr.values);
    switch (expr.operator) {
      case 'In': if (!present || !values.includes(labels[k])) return false; break;
      case 'NotIn': if (present && values.includes(labels[k])) return false; break;
      case 'Exists': if (!present) return false; break;
      case 'DoesNotExist': if (present) return false; break;
      default: return false;
    }
  }
  return true;
}
