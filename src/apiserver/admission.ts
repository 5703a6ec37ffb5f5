// The steps a body goes through before it is stored: structural decoding (type errors, unknown
// fields per fieldValidation), defaulting, and semantic validation. A thin seam over
// src/api/validation and src/api/defaults so the REST handler has one call per step.
import type { KubeObject } from '../api/object.js';
import type { ResourceInfo } from '../api/registry.js';
import { errors, type StatusCause } from '../api/errors.js';
import { schemaForKind } from '../api/schema.js';
import { checkStructure, typeError, strictError } from '../api/validation/structure.js';
import { validateObject } from '../api/validation/index.js';
import { applyDefaults } from '../api/defaults/index.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation parameter unsupported: ${v}`);
}

/**
 * Checks a decoded body against its kind's schema. Returns the object without unknown fields
 * (as Go's decoder drops them) and the warnings to send; throws 400 on type errors or, in Strict
 * mode, unknown fields.
 */
export function decodeChecked(obj: KubeObject, info: ResourceInfo, mode: FieldValidation): { obj: KubeObject; warnings: string[] } {
  const schema = schemaForKind(info.group, info.version, info.kind);
  if (!schema) return { obj, warnings: [] };
  const result = checkStructure(obj, schema, { kind: info.kind, group: info.group, version: info.version, preserveUnknown: !!info.crd?.preserveUnknownFields });
  if (result.typeErrors.length) throw typeError(info.kind, info.version, info.group, result.typeErrors);
  if (mode === 'Strict' && result.unknownFields.length) throw strictError(result.unknownFields, info.kind, info.version);
  const warnings = mode === 'Warn' ? result.unknownFields.map((f: string) => `unknown field "${f}"`) : [];
  return { obj: result.pruned as KubeObject, warnings };
}

export function defaultObject(obj: KubeObject, info: ResourceInfo): void {
  applyDefaults(obj, info.group, info.version, info.kind);
}

export function validate(obj: KubeObject, info: ResourceInfo, old?: KubeObject): void {
  const causes: StatusCause[] = validateObject(obj, info, old);
  if (causes.length) throw errors.invalid(info.kind, info.group, obj.metadata?.name ?? obj.metadata?.generateName ?? '', causes);
}
