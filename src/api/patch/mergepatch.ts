// JSON Merge Patch (RFC 7386) as Kubernetes' API server applies it
// (application/merge-patch+json, evanphx/json-patch v4 MergePatch):
//   - a null member deletes the target member;
//   - objects merge recursively; anything else (arrays, scalars) replaces;
//   - values placed where there was nothing (or a non-object) lose their null object members,
//     recursively, also inside arrays (null array elements themselves are kept);
//   - a patch that is null or a scalar is rejected with 400 "Invalid JSON Patch";
//     an array patch replaces the whole document.
import { cloneJson, getOwn, hasOwn, isMap, setOwn, type JsonMap } from './json.js';
import { badRequest } from './status.js';

/** Removes null object members, recursively (through arrays too). Mutates and returns `v`. */
export function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) {
    for (const e of v) if (e !== null) pruneNulls(e);
  } else if (isMap(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else pruneNulls(v[k]);
    }
  }
  return v;
}

/**
 * Merges `patch` (not null) into `current` (undefined when absent). Both are owned by the
 * caller and may be mutated; returns the merged value.
 */
export function mergeInto(current: unknown, patch: unknown): unknown {
  if (!isMap(current)) return pruneNulls(patch);
  if (!isMap(patch)) return patch;
  mergeMembers(current, patch);
  return current;
}

function mergeMembers(doc: JsonMap, patch: JsonMap): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      delete doc[k];
    } else {
      setOwn(doc, k, mergeInto(hasOwn(doc, k) ? getOwn(doc, k) : undefined, v));
    }
  }
}

/**
 * Applies an RFC 7386 merge patch. Returns a new value; `doc` and `patch` are not modified.
 * Throws StatusError (400) for a null or scalar patch.
 */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneNulls(cloneJson(patch));
  if (!isMap(patch)) throw badRequest('Invalid JSON Patch');
  const p = cloneJson(patch);
  if (!isMap(doc)) return pruneNulls(p);
  const d = cloneJson(doc);
  mergeMembers(d, p);
  return d;
}
