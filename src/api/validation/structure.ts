// Structural decoding of a request body against a kind's schema, as the API server's decoder does it:
// - built-in kinds decode into Go structs (sigs.k8s.io/json): wrong JSON types are type errors
//   ("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
//   fields the struct does not have are unknown fields (`unknown field "spec.foo"`) and are dropped,
//   Quantity/IntOrString/Time/[]byte go through their own decoders (and come back canonical);
// - custom resources decode as unstructured JSON and are then pruned to their CRD's structural schema
//   (x-kubernetes-preserve-unknown-fields, x-kubernetes-embedded-resource, typed ObjectMeta).
import { jsonKind } from '../object.js';
import type { StatusCause } from '../errors.js';
import { StatusError } from '../errors.js';
import { deepClone, isPlainObject } from '../object.js';
import type { KubeObject } from '../object.js';
import { definitionName, getDefinition } from '../schema.js';
import type { SchemaNode } from '../schema.js';
import { quantityFromJSON, formatQuantity, QuantityError } from './quantity.js';
import { parseGoTime, formatRFC3339, formatRFC3339Micro, RFC3339, RFC3339_MICRO, TimeParseError } from './gotime.js';
import { goBase64Decode, Base64Error } from './gobase64.js';

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

export interface StructureOptions {
  /** The body is a custom resource: unstructured decoding + pruning to the CRD's structural schema.
   *  When omitted it is inferred: a group/version/kind given here that no built-in definition has. */
  custom?: boolean;
  /** CRD spec.preserveUnknownFields (v1 CRDs: always false). */
  preserveUnknownFields?: boolean;
  /** Alias of preserveUnknownFields. */
  preserveUnknown?: boolean;
  group?: string;
  version?: string;
  kind?: string;
}

export interface StructureResult {
  /** Decode errors in the order the decoder met them (the message is Go's error text). */
  typeErrors: StatusCause[];
  /** Unknown field paths as strict decoding prints them ("spec.template.spec.containers[0].foo"). */
  unknownFields: string[];
  /** The object as the server keeps it: unknown fields dropped, quantities/times/bytes canonical. */
  object: KubeObject;
  /** Alias of `object`. */
  pruned: KubeObject;
  /** The error the decoder returns (the first type error, or one that aborted decoding); when set it
   *  is also typeErrors[0].message. */
  decodeError?: string;
}

const REF_PREFIX = '#/definitions/';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
const FIELDS_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const AX = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';
const SCHEMA_PROPS = `${AX}JSONSchemaProps`;

/** Named Go types of fields whose OpenAPI type is a plain string/map (used in type error messages). */
const NAMED_TYPES: Record<string, string> = {
  'PodSpec.restartPolicy': 'v1.RestartPolicy', 'PodSpec.dnsPolicy': 'v1.DNSPolicy', 'PodSpec.preemptionPolicy': 'v1.PreemptionPolicy',
  'Container.imagePullPolicy': 'v1.PullPolicy', 'Container.terminationMessagePolicy': 'v1.TerminationMessagePolicy',
  'EphemeralContainer.imagePullPolicy': 'v1.PullPolicy', 'EphemeralContainer.terminationMessagePolicy': 'v1.TerminationMessagePolicy',
  'ContainerPort.protocol': 'v1.Protocol', 'ServicePort.protocol': 'v1.Protocol', 'EndpointPort.protocol': 'v1.Protocol',
  'ServiceSpec.type': 'v1.ServiceType', 'ServiceSpec.sessionAffinity': 'v1.ServiceAffinity',
  'ServiceSpec.externalTrafficPolicy': 'v1.ServiceExternalTrafficPolicy', 'ServiceSpec.internalTrafficPolicy': 'v1.ServiceInternalTrafficPolicy',
  'ServiceSpec.ipFamilyPolicy': 'v1.IPFamilyPolicy', 'Secret.type': 'v1.SecretType',
  'DeploymentStrategy.type': 'v1.DeploymentStrategyType', 'StatefulSetSpec.podManagementPolicy': 'v1.PodManagementPolicyType',
  'StatefulSetUpdateStrategy.type': 'v1.StatefulSetUpdateStrategyType', 'DaemonSetUpdateStrategy.type': 'v1.DaemonSetUpdateStrategyType',
  'CronJobSpec.concurrencyPolicy': 'v1.ConcurrencyPolicy', 'Toleration.operator': 'v1.TolerationOperator',
  'Toleration.effect': 'v1.TaintEffect', 'Taint.effect': 'v1.TaintEffect', 'HTTPGetAction.scheme': 'v1.URIScheme',
  'PersistentVolumeClaimSpec.volumeMode': 'v1.PersistentVolumeMode', 'PersistentVolumeSpec.volumeMode': 'v1.PersistentVolumeMode',
  'PersistentVolumeSpec.persistentVolumeReclaimPolicy': 'v1.PersistentVolumeReclaimPolicy', 'HTTPIngressPath.pathType': 'v1.PathType',
  'ObjectMeta.uid': 'types.UID', 'OwnerReference.uid': 'types.UID', 'NamespaceSpec.finalizers': '[]v1.FinalizerName',
};

function refName(node: SchemaNode | undefined): string | undefined {
  let cur = node;
  for (let i = 0; cur && i < 4; i++) {
    if (cur.$ref) return cur.$ref.startsWith(REF_PREFIX) ? cur.$ref.slice(REF_PREFIX.length) : undefined;
    if (cur.allOf && cur.allOf.length === 1 && !cur.properties && !cur.type) cur = cur.allOf[0];
    else return undefined;
  }
  return undefined;
}

function shortName(def: string): string {
  return def.slice(def.lastIndexOf('.') + 1);
}

function goTypeOfDef(def: string): string {
  switch (def) {
    case QUANTITY: return 'resource.Quantity';
    case INT_OR_STRING: return 'intstr.IntOrString';
    case RAW_EXTENSION: return 'runtime.RawExtension';
  }
  const parts = def.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

/** The Go type a field decodes into, as reflect prints it. */
function goType(node: SchemaNode | undefined, owner?: string, prop?: string): string {
  if (owner && prop) {
    const named = NAMED_TYPES[`${owner}.${prop}`];
    if (named) return named;
  }
  const ref = refName(node);
  if (ref) return goTypeOfDef(ref);
  const n = node ?? {};
  switch (n.type) {
    case 'string': return n.format === 'byte' ? '[]uint8' : 'string';
    case 'integer': return n.format === 'int32' ? 'int32' : 'int64';
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    case 'array': return `[]${goType(n.items)}`;
    case 'object': {
      const ap = n.additionalProperties;
      if (ap && typeof ap === 'object') {
        if (refName(ap) === QUANTITY) return 'v1.ResourceList';
        return `map[string]${goType(ap)}`;
      }
      return 'map[string]interface {}';
    }
  }
  return 'interface {}';
}


function resolveNode(node: SchemaNode | undefined): SchemaNode | undefined {
  let cur = node;
  for (let i = 0; cur && i < 8; i++) {
    const ref = refName(cur);
    if (!ref) return cur;
    cur = getDefinition(ref);
  }
  return cur;
}

const SKIP = Symbol('skip');
type Out = unknown | typeof SKIP;

interface Ctx {
  /** strict-decoding path, with indices and map keys */
  path: string;
  /** Go error-context field stack (JSON names of struct fields only) */
  stack: string[];
  /** innermost struct type name */
  struct: string;
}

class TypedDecoder {
  readonly typeErrors: StatusCause[] = [];
  readonly unknown: string[] = [];
  private seenUnknown = new Set<string>();
  saved?: string;
  aborted?: string;

  constructor(private reportUnknown = true) {}

  private typeError(ctx: Ctx, value: string, type: string, abort: boolean): void {
    const where = ctx.struct || ctx.stack.length ? ` into Go struct field ${ctx.struct}.${ctx.stack.join('.')}` : ' into Go value';
    const message = ctx.struct || ctx.stack.length
      ? `json: cannot unmarshal ${value}${where} of type ${type}`
      : `json: cannot unmarshal ${value} into Go value of type ${type}`;
    this.record(ctx, message, abort);
  }

  private record(ctx: Ctx, message: string, abort: boolean): void {
    this.typeErrors.push({ reason: 'FieldValueTypeInvalid', field: ctx.path, message });
    if (abort) { if (this.aborted === undefined) this.aborted = message; }
    else if (this.saved === undefined) this.saved = message;
  }

  get decodeError(): string | undefined {
    return this.aborted ?? this.saved;
  }

  private unknownField(path: string): void {
    if (!this.reportUnknown || this.seenUnknown.has(path) || this.unknown.length >= 100) return;
    this.seenUnknown.add(path);
    this.unknown.push(path);
  }

  decode(value: unknown, node: SchemaNode | undefined, ctx: Ctx, type: string): Out {
    if (this.aborted !== undefined) return SKIP;
    const ref = refName(node);
    switch (ref) {
      case QUANTITY: {
        if (value === null) return SKIP;
        try {
          return formatQuantity(quantityFromJSON(value));
        } catch (e) {
          this.record(ctx, e instanceof QuantityError ? e.message : String(e), true);
          return SKIP;
        }
      }
      case INT_OR_STRING: {
        if (value === null) return SKIP;
        if (typeof value === 'string') return value;
        if (typeof value === 'number') {
          if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return value;
          this.typeError(ctx, `number ${numberLiteral(value)}`, 'int32', true);
          return SKIP;
        }
        this.typeError(ctx, jsonKind(value), 'int32', true);
        return SKIP;
      }
      case TIME: case MICRO_TIME: {
        if (value === null) return SKIP;
        if (typeof value !== 'string') {
          this.typeError(ctx, jsonKind(value), 'string', true);
          return SKIP;
        }
        try {
          const t = parseGoTime(ref === TIME ? RFC3339 : RFC3339_MICRO, value);
          return ref === TIME ? formatRFC3339(t) : formatRFC3339Micro(t);
        } catch (e) {
          this.record(ctx, e instanceof TimeParseError ? e.message : String(e), true);
          return SKIP;
        }
      }
      case RAW_EXTENSION: case FIELDS_V1: case `${AX}JSON`:
        return value === null ? SKIP : deepClone(value);
      case `${AX}JSONSchemaPropsOrBool`: return this.schemaOr(value, ctx, ['bool'], 'boolean or JSON schema expected');
      case `${AX}JSONSchemaPropsOrArray`: return this.schemaOr(value, ctx, ['array'], 'array or JSON schema expected');
      case `${AX}JSONSchemaPropsOrStringArray`: return this.schemaOr(value, ctx, ['strings'], 'string array or JSON schema expected');
    }
    const n = ref ? getDefinition(ref) : node;
    if (!n) return deepClone(value);
    if (value === null) return SKIP;
    switch (n.type) {
      case 'object': {
        if (n.properties) return this.struct(value, n, ref ? shortName(ref) : ctx.struct, ctx, type);
        const ap = n.additionalProperties;
        if (ap && typeof ap === 'object') return this.map(value, ap, ctx, type);
        return deepClone(value);
      }
      case 'array': {
        if (!Array.isArray(value)) {
          this.typeError(ctx, jsonKind(value), type, false);
          return SKIP;
        }
        const itemType = type.startsWith('[]') ? type.slice(2) : goType(n.items);
        const out: unknown[] = [];
        value.forEach((el, i) => {
          const r = this.decode(el === null ? zeroOf(n.items) : el, n.items, { ...ctx, path: `${ctx.path}[${i}]` }, itemType);
          out.push(r === SKIP ? zeroOf(n.items) : r);
        });
        return out;
      }
      case 'string': {
        if (typeof value !== 'string') {
          this.typeError(ctx, jsonKind(value), type, false);
          return SKIP;
        }
        if (n.format === 'byte') {
          try {
            return goBase64Decode(value).toString('base64');
          } catch (e) {
            this.record(ctx, e instanceof Base64Error ? e.message : String(e), false);
            return SKIP;
          }
        }
        return value;
      }
      case 'integer': {
        if (typeof value !== 'number') {
          this.typeError(ctx, jsonKind(value), type, false);
          return SKIP;
        }
        const [lo, hi] = n.format === 'int32' ? [-2147483648, 2147483647] : [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024];
        if (!Number.isInteger(value) || value < lo || value > hi) {
          this.typeError(ctx, `number ${numberLiteral(value)}`, type, false);
          return SKIP;
        }
        return value;
      }
      case 'number': {
        if (typeof value !== 'number') {
          this.typeError(ctx, jsonKind(value), type, false);
          return SKIP;
        }
        return value;
      }
      case 'boolean': {
        if (typeof value !== 'boolean') {
          this.typeError(ctx, jsonKind(value), type, false);
          return SKIP;
        }
        return value;
      }
    }
    return deepClone(value);
  }

  private struct(value: unknown, n: SchemaNode, structName: string, ctx: Ctx, type: string): Out {
    if (!isPlainObject(value)) {
      this.typeError(ctx, jsonKind(value), type, false);
      return SKIP;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const path = ctx.path ? `${ctx.path}.${k}` : k;
      const prop = n.properties![k];
      if (!prop) {
        this.unknownField(path);
        continue;
      }
      const r = this.decode(v, prop, { path, stack: [...ctx.stack, k], struct: structName }, goType(prop, structName, k));
      if (this.aborted !== undefined) return SKIP;
      if (r !== SKIP) out[k] = r;
    }
    return out;
  }

  private map(value: unknown, ap: SchemaNode, ctx: Ctx, type: string): Out {
    if (!isPlainObject(value)) {
      this.typeError(ctx, jsonKind(value), type, false);
      return SKIP;
    }
    const valueType = type.startsWith('map[string]') ? type.slice('map[string]'.length) : goType(ap);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const path = ctx.path ? `${ctx.path}.${k}` : k;
      const r = this.decode(v === null ? zeroOf(ap) : v, ap, { ...ctx, path }, valueType);
      if (this.aborted !== undefined) return SKIP;
      out[k] = r === SKIP ? zeroOf(ap) : r;
    }
    return out;
  }

  /** JSONSchemaPropsOr{Bool,Array,StringArray}: a schema object, or the alternative; decoded non-strictly. */
  private schemaOr(value: unknown, ctx: Ctx, alt: Array<'bool' | 'array' | 'strings'>, err: string): Out {
    if (value === null) return SKIP;
    const inner = new TypedDecoder(false);
    const schemaNode: SchemaNode = { $ref: REF_PREFIX + SCHEMA_PROPS };
    const sub = (v: unknown, path: string): Out => {
      const r = inner.decode(v, schemaNode, { path, stack: [], struct: '' }, 'v1.JSONSchemaProps');
      if (inner.decodeError !== undefined) {
        this.record(ctx, inner.decodeError, true);
        return SKIP;
      }
      return r;
    };
    if (isPlainObject(value)) return sub(value, ctx.path);
    if (alt.includes('bool') && typeof value === 'boolean') return value;
    if (alt.includes('array') && Array.isArray(value)) {
      const out: unknown[] = [];
      for (const [i, el] of value.entries()) {
        const r = sub(el, `${ctx.path}[${i}]`);
        if (r === SKIP) return SKIP;
        out.push(r);
      }
      return out;
    }
    if (alt.includes('strings') && Array.isArray(value)) {
      if (value.every((s) => typeof s === 'string')) return [...value];
      const bad = value.find((s) => typeof s !== 'string');
      this.record(ctx, `json: cannot unmarshal ${jsonKind(bad)} into Go value of type string`, true);
      return SKIP;
    }
    this.record(ctx, err, true);
    return SKIP;
  }
}

function numberLiteral(n: number): string {
  return String(n).replace('e+', 'e');
}

function zeroOf(node: SchemaNode | undefined): unknown {
  const ref = refName(node);
  if (ref === QUANTITY) return '0';
  if (ref === INT_OR_STRING) return 0;
  const n = resolveNode(node);
  switch (n?.type) {
    case 'string': return '';
    case 'integer': case 'number': return 0;
    case 'boolean': return false;
    case 'array': return [];
    case 'object': return {};
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Custom resources: pruning to a structural schema

class Pruner {
  readonly unknown: string[] = [];

  prune(value: unknown, s: SchemaNode | undefined, path: string, isRoot: boolean): unknown {
    if (!s) return value;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = isRoot || s['x-kubernetes-embedded-resource'] === true;
    if (Array.isArray(value)) return value.map((el, i) => this.prune(el, s.items, `${path}[${i}]`, false));
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (embedded && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) {
        out[k] = v;
        continue;
      }
      const prop = s.properties?.[k];
      if (v === null && !(prop ?? s).nullable && (prop ? prop.default === undefined : true) && (prop || s.additionalProperties)) {
        // PruneNonNullableNullsWithoutDefaults
        continue;
      }
      if (prop) out[k] = this.prune(v, prop, p, false);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') out[k] = this.prune(v, s.additionalProperties, p, false);
      else if (s.additionalProperties === true || preserve) out[k] = v;
      else this.unknown.push(p);
    }
    return out;
  }
}

/** Decodes ObjectMeta of a custom resource (typed, like GetObjectMetaWithOptions), under `prefix`. */
function decodeEmbeddedMeta(meta: unknown, prefix: string): { value: unknown; unknown: string[]; error?: string; errors: StatusCause[] } {
  const d = new TypedDecoder();
  const r = d.decode(meta, { $ref: REF_PREFIX + OBJECT_META }, { path: prefix, stack: [], struct: '' }, 'v1.ObjectMeta');
  return { value: r === SKIP ? undefined : r, unknown: d.unknown, error: d.decodeError, errors: d.typeErrors };
}

function walkEmbedded(value: unknown, s: SchemaNode | undefined, path: string, acc: { unknown: string[]; errors: StatusCause[]; error?: string }): void {
  if (!s) return;
  if (Array.isArray(value)) {
    value.forEach((el, i) => walkEmbedded(el, s.items, `${path}[${i}]`, acc));
    return;
  }
  if (!isPlainObject(value)) return;
  if (s['x-kubernetes-embedded-resource'] && path !== '') {
    for (const k of ['apiVersion', 'kind']) {
      if (k in value && typeof value[k] !== 'string') {
        acc.errors.push({ reason: 'FieldValueInvalid', field: `${path}.${k}`, message: 'must be a string' });
        acc.error ??= `${path}.${k}: Invalid value: must be a string`;
      }
    }
    if (isPlainObject(value.metadata) || value.metadata !== undefined) {
      const m = decodeEmbeddedMeta(value.metadata, `${path}.metadata`);
      acc.unknown.push(...m.unknown);
      acc.errors.push(...m.errors);
      if (m.error && !acc.error) acc.error = m.error;
      if (m.value !== undefined) value.metadata = m.value;
      else delete value.metadata;
    }
  }
  for (const [k, v] of Object.entries(value)) {
    const prop = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (prop) walkEmbedded(v, prop, path ? `${path}.${k}` : k, acc);
  }
}

/**
 * Walks `obj` against `schema` (the kind's schema from schema.ts, or a CRD's structural schema with
 * opts.custom). Never throws; the caller turns decodeError / unknownFields into the 400 it needs.
 */
export function checkStructure(obj: unknown, schema: SchemaNode | undefined, opts: StructureOptions = {}): StructureResult {
  if (!isPlainObject(obj)) {
    const message = `json: cannot unmarshal ${jsonKind(obj)} into Go value of type map[string]interface {}`;
    return finish({ typeErrors: [{ reason: 'FieldValueTypeInvalid', field: '', message }], unknownFields: [], object: {}, decodeError: message });
  }
  const custom = opts.custom ?? (opts.kind !== undefined && opts.version !== undefined && definitionName(opts.group ?? '', opts.version, opts.kind) === undefined);
  if (custom) return finish(checkCustom(obj, schema, { ...opts, preserveUnknownFields: opts.preserveUnknownFields ?? opts.preserveUnknown }));
  if (!schema) return finish({ typeErrors: [], unknownFields: [], object: deepClone(obj) as KubeObject });
  const d = new TypedDecoder();
  let root = schema;
  let ref = refName(schema);
  const gvk = schema['x-kubernetes-group-version-kind']?.[0];
  if (!ref && gvk) {
    const def = definitionName(gvk.group, gvk.version, gvk.kind);
    if (def && getDefinition(def) === schema) {
      ref = def;
      root = { $ref: REF_PREFIX + def };
    }
  }
  const r = d.decode(obj, root, { path: '', stack: [], struct: '' }, ref ? goTypeOfDef(ref) : 'map[string]interface {}');
  const out = r === SKIP || !isPlainObject(r) ? {} : r;
  return finish({ typeErrors: d.typeErrors, unknownFields: d.unknown, object: out as KubeObject, decodeError: d.decodeError });
}

/** Puts the returned decode error first among the type errors and fills the aliases. */
function finish(r: Omit<StructureResult, 'pruned'>): StructureResult {
  let typeErrors = r.typeErrors;
  if (r.decodeError !== undefined) {
    const i = typeErrors.findIndex((c) => c.message === r.decodeError);
    if (i > 0) typeErrors = [typeErrors[i], ...typeErrors.slice(0, i), ...typeErrors.slice(i + 1)];
    else if (i < 0) typeErrors = [{ reason: 'FieldValueTypeInvalid', field: '', message: r.decodeError }, ...typeErrors];
  }
  return { ...r, typeErrors, pruned: r.object };
}

function checkCustom(obj: Record<string, unknown>, schema: SchemaNode | undefined, opts: StructureOptions): Omit<StructureResult, 'pruned'> {
  const copy = deepClone(obj) as Record<string, unknown>;
  const typeErrors: StatusCause[] = [];
  const unknownFields: string[] = [];
  let decodeError: string | undefined;
  for (const k of ['apiVersion', 'kind']) {
    if (k in copy && typeof copy[k] !== 'string') {
      const message = `.${k} accessor error: ${JSON.stringify(copy[k])} is of the type ${goKindOf(copy[k])}, expected string`;
      typeErrors.push({ reason: 'FieldValueTypeInvalid', field: k, message });
      decodeError ??= message;
    }
  }
  if ('metadata' in copy) {
    const m = decodeEmbeddedMeta(copy.metadata, 'metadata');
    unknownFields.push(...m.unknown);
    typeErrors.push(...m.errors);
    if (m.error) decodeError ??= m.error;
    if (m.value !== undefined) copy.metadata = m.value;
    else delete copy.metadata;
  }
  let pruned: Record<string, unknown> = copy;
  if (!opts.preserveUnknownFields) {
    const p = new Pruner();
    pruned = p.prune(copy, schema ?? { type: 'object' }, '', true) as Record<string, unknown>;
    unknownFields.push(...p.unknown.sort());
  }
  const acc: { unknown: string[]; errors: StatusCause[]; error?: string } = { unknown: [], errors: [] };
  walkEmbedded(pruned, schema, '', acc);
  unknownFields.push(...acc.unknown);
  typeErrors.push(...acc.errors);
  if (acc.error) decodeError ??= acc.error;
  return { typeErrors, unknownFields, object: pruned as KubeObject, decodeError };
}

function goKindOf(v: unknown): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'number': return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean': return 'bool';
    case 'object': return 'map[string]interface {}';
  }
  return typeof v;
}

// ---------------------------------------------------------------------------------------------
// The errors the handlers return

/** `<Kind> in version "<v>" cannot be handled as a <Kind>: <err>` (400 BadRequest). */
export function decodeErrorStatus(kind: string, version: string, err: string): StatusError {
  return new StatusError(400, 'BadRequest', `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${err}`);
}

/** The body of a strict decoding error: `strict decoding error: unknown field "a", unknown field "b"`. */
export function strictDecodingMessage(unknownFields: string[]): string {
  return `strict decoding error: ${unknownFieldWarnings(unknownFields).join(', ')}`;
}

/** 400 for fieldValidation=Strict with unknown fields. */
export function strictDecodingStatus(kind: string, version: string, unknownFields: string[]): StatusError {
  return decodeErrorStatus(kind, version, strictDecodingMessage(unknownFields));
}

/** Warning texts for fieldValidation=Warn (one Warning header each). */
export function unknownFieldWarnings(unknownFields: string[]): string[] {
  return unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`);
}

/** 400 for type errors (the first cause is the error the decoder returned). */
export function typeError(kind: string, version: string, _group: string, typeErrors: StatusCause[]): StatusError {
  return decodeErrorStatus(kind, version, typeErrors[0]?.message ?? 'invalid object');
}

/** 400 for unknown fields in Strict mode; without kind/version only the strict decoding text is used. */
export function strictError(unknownFields: string[], kind?: string, version?: string): StatusError {
  if (kind && version) return strictDecodingStatus(kind, version, unknownFields);
  return new StatusError(400, 'BadRequest', strictDecodingMessage(unknownFields));
}

/** The 400 for a structure result, or undefined when the body is acceptable under `mode`. */
export function structureError(kind: string, version: string, res: StructureResult, mode: FieldValidationMode = 'Strict'): StatusError | undefined {
  if (res.decodeError !== undefined) return decodeErrorStatus(kind, version, res.decodeError);
  if (mode === 'Strict' && res.unknownFields.length > 0) return strictDecodingStatus(kind, version, res.unknownFields);
  return undefined;
}
