// JSON Patch (RFC 6902) as Kubernetes' API server applies it (application/json-patch+json).
//
// The server uses evanphx/json-patch v4, whose behaviour differs from the RFC in a few
// observable ways that clients have come to rely on, and which are kept here:
//   - negative array indices count from the end ("-1" is the last element);
//   - "replace" of a missing object member adds it (only array indices are checked);
//   - "copy" from a missing object member copies null;
//   - "add"/"remove"/"move"/"copy" on the whole document ("") fail as a missing path;
//     "replace" of "" with a scalar is silently ignored;
//   - a "test" of a missing member against null succeeds.
// Errors: an undecodable patch is 400 BadRequest; any failure while applying is 422 with
// the generic message and the library's error text as the cause; more than 10000
// operations is 413. Copies may add at most 3 MiB in total (the server's default).
import { deepEqual } from '../object.js';
import { cloneJson, getOwn, hasOwn, isMap, jsonKind, setOwn, type JsonMap } from './json.js';
import { badRequest, tooLarge, unprocessable } from './status.js';

export const MAX_JSON_PATCH_OPERATIONS = 10000;
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

const ERR_MISSING = 'missing value';
const ERR_INVALID_INDEX = 'invalid index referenced';
const ERR_TEST_FAILED = 'test failed';

/** A failure while applying one operation; its message is the Go error chain text. */
class OpError extends Error {}

function wrap(message: string, cause: string | Error): OpError {
  return new OpError(`${message}: ${typeof cause === 'string' ? cause : cause.message}`);
}

type Container = JsonMap | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/** RFC 6901 unescaping: ~1 is "/", ~0 is "~", scanned left to right. */
function decodeToken(token: string): string {
  return token.indexOf('~') < 0 ? token : token.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** strconv.Atoi as Go has it: optional sign, decimal digits, 64-bit range. */
function atoi(key: string): number {
  if (!/^[+-]?[0-9]+$/.test(key)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  const big = BigInt(key);
  if (big > INT64_MAX || big < INT64_MIN) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(key)}: value out of range`);
  return Number(big);
}

function invalidIndex(idx: number): OpError {
  return wrap(`Unable to access invalid index: ${idx}`, ERR_INVALID_INDEX);
}

/** Reads a member; undefined means absent (for objects, absence is not an error). */
function get(con: Container, key: string): unknown {
  if (!Array.isArray(con)) return getOwn(con, key);
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -con.length) throw invalidIndex(idx);
    idx += con.length;
  }
  if (idx >= con.length) throw invalidIndex(idx);
  return con[idx];
}

/** Overwrites an existing member (callers have checked that an array index exists). */
function set(con: Container, key: string, value: unknown): void {
  if (!Array.isArray(con)) {
    setOwn(con, key, value);
    return;
  }
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -con.length) throw invalidIndex(idx);
    idx += con.length;
  }
  con[idx] = value;
}

function add(con: Container, key: string, value: unknown): void {
  if (!Array.isArray(con)) {
    setOwn(con, key, value);
    return;
  }
  if (key === '-') {
    con.push(value);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw wrap(`value was not a proper array index: '${key}'`, e as Error);
  }
  const size = con.length + 1;
  if (idx >= size) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx);
    idx += size;
  }
  con.splice(idx, 0, value);
}

function remove(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!hasOwn(con, key)) throw wrap(`Unable to remove nonexistent key: ${key}`, ERR_MISSING);
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= con.length) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -con.length) throw invalidIndex(idx);
    idx += con.length;
  }
  con.splice(idx, 1);
}

interface Location {
  con: Container;
  key: string;
}

/** The container holding the last token of `path`, or undefined when the path does not resolve. */
function findObject(root: unknown, path: string): Location | undefined {
  const tokens = path.split('/');
  if (tokens.length < 2 || !isContainer(root)) return undefined;
  // As upstream: the first token (before the first "/") is ignored whatever it is.
  let cur: Container = root;
  for (let i = 1; i < tokens.length - 1; i++) {
    let next: unknown;
    try {
      next = get(cur, decodeToken(tokens[i]!));
    } catch {
      return undefined;
    }
    if (!isContainer(next)) return undefined;
    cur = next;
  }
  return { con: cur, key: decodeToken(tokens[tokens.length - 1]!) };
}

type Operation = JsonMap | null;

function opKind(op: Operation): string {
  const v = op ? getOwn(op, 'op') : undefined;
  return typeof v === 'string' ? v : 'unknown';
}

/** A string member of the operation ("path" or "from"); `missing` is the error text when absent. */
function stringField(op: Operation, field: string, missing: string): string {
  const v = op ? getOwn(op, field) : undefined;
  if (v === undefined || v === null) throw wrap(missing, ERR_MISSING);
  if (typeof v !== 'string') throw new OpError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
  return v;
}

function opPath(op: Operation): string {
  return stringField(op, 'path', 'operation missing path field');
}

function opFrom(op: Operation): string {
  return stringField(op, 'from', 'operation, missing from field');
}

/** The operation's value; an absent "value" behaves as null. */
function opValue(op: Operation): unknown {
  const v = op ? getOwn(op, 'value') : undefined;
  return v === undefined ? null : cloneJson(v);
}

function hasValue(op: Operation): boolean {
  return op !== null && hasOwn(op, 'value');
}

class Applier {
  copied = 0;
  constructor(public root: unknown) {}

  add(op: Operation): void {
    let path: string;
    try {
      path = opPath(op);
    } catch {
      throw wrap('add operation failed to decode path', ERR_MISSING);
    }
    const loc = findObject(this.root, path);
    if (!loc) throw wrap(`add operation does not apply: doc is missing path: "${path}"`, ERR_MISSING);
    try {
      add(loc.con, loc.key, opValue(op));
    } catch (e) {
      throw wrap(`error in add for path: '${path}'`, e as Error);
    }
  }

  remove(op: Operation): void {
    let path: string;
    try {
      path = opPath(op);
    } catch {
      throw wrap('remove operation failed to decode path', ERR_MISSING);
    }
    const loc = findObject(this.root, path);
    if (!loc) throw wrap(`remove operation does not apply: doc is missing path: "${path}"`, ERR_MISSING);
    try {
      remove(loc.con, loc.key);
    } catch (e) {
      throw wrap(`error in remove for path: '${path}'`, e as Error);
    }
  }

  replace(op: Operation): void {
    let path: string;
    try {
      path = opPath(op);
    } catch (e) {
      throw wrap('replace operation failed to decode path', e as Error);
    }
    if (path === '') {
      const value = opValue(op);
      // Upstream wraps a nil error here, so a scalar replacement of the root is a no-op.
      if (isContainer(value)) this.root = value;
      return;
    }
    const loc = findObject(this.root, path);
    if (!loc) throw wrap(`replace operation does not apply: doc is missing path: ${path}`, ERR_MISSING);
    try {
      get(loc.con, loc.key);
    } catch {
      throw wrap(`replace operation does not apply: doc is missing key: ${path}`, ERR_MISSING);
    }
    try {
      set(loc.con, loc.key, opValue(op));
    } catch (e) {
      throw wrap(`error in remove for path: '${path}'`, e as Error);
    }
  }

  move(op: Operation): void {
    let from: string;
    try {
      from = opFrom(op);
    } catch (e) {
      throw wrap('move operation failed to decode from', e as Error);
    }
    const src = findObject(this.root, from);
    if (!src) throw wrap(`move operation does not apply: doc is missing from path: ${from}`, ERR_MISSING);
    let value: unknown;
    try {
      value = get(src.con, src.key);
      remove(src.con, src.key);
    } catch (e) {
      throw wrap(`error in move for path: '${src.key}'`, e as Error);
    }
    let path: string;
    try {
      path = opPath(op);
    } catch (e) {
      throw wrap('move operation failed to decode path', e as Error);
    }
    const dst = findObject(this.root, path);
    if (!dst) throw wrap(`move operation does not apply: doc is missing destination path: ${path}`, ERR_MISSING);
    try {
      add(dst.con, dst.key, value === undefined ? null : value);
    } catch (e) {
      throw wrap(`error in move for path: '${path}'`, e as Error);
    }
  }

  test(op: Operation): void {
    let path: string;
    try {
      path = opPath(op);
    } catch (e) {
      throw wrap('test operation failed to decode path', e as Error);
    }
    const failed = () => wrap(`testing value ${path} failed`, ERR_TEST_FAILED);
    if (path === '') {
      if (!deepEqual(this.root, opValue(op))) throw failed();
      return;
    }
    const loc = findObject(this.root, path);
    if (!loc) throw wrap(`test operation does not apply: is missing path: ${path}`, ERR_MISSING);
    let actual: unknown;
    try {
      actual = get(loc.con, loc.key);
    } catch (e) {
      throw wrap(`error in test for path: '${path}'`, e as Error);
    }
    if (actual === undefined || actual === null) {
      // An absent member and a null member both match an expected null.
      if (opValue(op) !== null) throw failed();
      return;
    }
    if (!hasValue(op) || !deepEqual(actual, opValue(op))) throw failed();
  }

  copy(op: Operation): void {
    let from: string;
    try {
      from = opFrom(op);
    } catch (e) {
      throw wrap('copy operation failed to decode from', e as Error);
    }
    const src = findObject(this.root, from);
    if (!src) throw wrap(`copy operation does not apply: doc is missing from path: ${from}`, ERR_MISSING);
    let value: unknown;
    try {
      value = get(src.con, src.key);
    } catch (e) {
      throw wrap(`error in copy for from: '${from}'`, e as Error);
    }
    let path: string;
    try {
      path = opPath(op);
    } catch {
      throw wrap('copy operation failed to decode path', ERR_MISSING);
    }
    const dst = findObject(this.root, path);
    if (!dst) throw wrap(`copy operation does not apply: doc is missing destination path: ${path}`, ERR_MISSING);
    const copy = value === undefined ? null : cloneJson(value);
    if (value !== undefined && value !== null) {
      this.copied += Buffer.byteLength(JSON.stringify(copy), 'utf8');
      if (this.copied > MAX_JSON_PATCH_COPY_BYTES) {
        throw new OpError(
          `Unable to complete the copy, the accumulated size increase of copy is ${this.copied}, exceeding the limit ${MAX_JSON_PATCH_COPY_BYTES}`,
        );
      }
    }
    try {
      add(dst.con, dst.key, copy);
    } catch (e) {
      throw wrap('error while adding value during copy', e as Error);
    }
  }
}

/** Decodes the parsed request body into operations, as the server does before applying anything. */
function decodePatch(patch: unknown): Operation[] {
  if (patch === null || patch === undefined) return [];
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (op !== null && !isMap(op)) {
      throw badRequest(`json: cannot unmarshal ${jsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  return patch as Operation[];
}

/**
 * Applies an RFC 6902 patch (the parsed request body: an array of operations) to `doc`.
 * Returns a new value; `doc` and `patch` are not modified. Throws StatusError.
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  const ops = decodePatch(patch);
  if (!isContainer(doc)) {
    throw unprocessable(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type jsonpatch.partialDoc`);
  }
  const applier = new Applier(cloneJson(doc));
  for (const op of ops) {
    try {
      const kind = opKind(op);
      switch (kind) {
        case 'add': applier.add(op); break;
        case 'remove': applier.remove(op); break;
        case 'replace': applier.replace(op); break;
        case 'move': applier.move(op); break;
        case 'test': applier.test(op); break;
        case 'copy': applier.copy(op); break;
        default: throw new OpError(`Unexpected kind: ${kind}`);
      }
    } catch (e) {
      if (e instanceof OpError) throw unprocessable(e.message);
      throw e;
    }
  }
  return applier.root;
}
