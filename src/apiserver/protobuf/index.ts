// Decoding of request bodies sent as application/vnd.kubernetes.protobuf (kubectl's typed clients do).
//
// The body is the 4 bytes `k8s\0` and a runtime.Unknown {1: typeMeta {1: apiVersion, 2: kind}, 2: raw (the
// object's own message), 3: contentEncoding, 4: contentType}. The object becomes the plain JSON object the
// API would have received had the client sent JSON (the Go value marshalled by encoding/json).
import { StatusError } from '../../api/errors.js';
import { decodeMessage, MAX_DEPTH, ProtobufDecodeError, setNestedUnknownDecoder } from './decode.js';
import { kindMessage } from './tables.js';
import { ProtobufWireError, Reader, utf8Text, WIRE_LEN } from './wire.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** The 4-byte prefix of every Kubernetes protobuf body. */
export const PROTOBUF_MAGIC: Readonly<Uint8Array> = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

export { decodableKinds } from './tables.js';

/** True when a Content-Type header names the Kubernetes protobuf media type (parameters ignored). */
export function isProtobufContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  return contentType.split(';')[0]!.trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

function unsupported(message: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', message, { causes: [{ reason: 'UnsupportedMediaType', message: PROTOBUF_CONTENT_TYPE }] });
}

function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

function decodeUnknown(body: Uint8Array, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new ProtobufDecodeError('objects nested too deeply');
  if (body.length < 4 || PROTOBUF_MAGIC.some((b, i) => body[i] !== b)) {
    throw badRequest(`the request body is not a Kubernetes protobuf object: it must start with the 4-byte prefix "k8s\\x00"`);
  }
  let apiVersion = '', kind = '', contentEncoding = '', contentType = '';
  let raw: [number, number] | undefined;
  const r = new Reader(body, 4);
  const str = (wt: number, what: string): string => {
    if (wt !== WIRE_LEN) throw new ProtobufDecodeError(`${what} is not a string`);
    const [s, e] = r.lengthDelimited();
    return utf8Text(body, s, e);
  };
  while (!r.done()) {
    const [n, wt] = r.tag();
    switch (n) {
      case 1: {
        if (wt !== WIRE_LEN) throw new ProtobufDecodeError('typeMeta is not a message');
        const [s, e] = r.lengthDelimited();
        const t = new Reader(body, s, e);
        while (!t.done()) {
          const [tn, twt] = t.tag();
          if ((tn === 1 || tn === 2) && twt === WIRE_LEN) {
            const [ts, te] = t.lengthDelimited();
            if (tn === 1) apiVersion = utf8Text(body, ts, te); else kind = utf8Text(body, ts, te);
          } else if (tn === 1 || tn === 2) throw new ProtobufDecodeError(`typeMeta.${tn === 1 ? 'apiVersion' : 'kind'} is not a string`);
          else t.skip(twt, tn);
        }
        break;
      }
      case 2:
        if (wt !== WIRE_LEN) throw new ProtobufDecodeError('raw is not bytes');
        raw = r.lengthDelimited();
        break;
      case 3: contentEncoding = str(wt, 'contentEncoding'); break;
      case 4: contentType = str(wt, 'contentType'); break;
      default: r.skip(wt, n);
    }
  }
  if (!kind) throw badRequest('the protobuf body has no kind in its typeMeta');
  if (!apiVersion) throw badRequest(`the protobuf body for kind ${kind} has no apiVersion in its typeMeta`);
  if (contentEncoding) throw unsupported(`protobuf bodies with contentEncoding "${contentEncoding}" are not supported; send the object uncompressed`);
  const [s, e] = raw ?? [0, 0];
  if (contentType && !isProtobufContentType(contentType)) {
    if (contentType.split(';')[0]!.trim().toLowerCase() === 'application/json') {
      let v: unknown;
      try { v = JSON.parse(utf8Text(body, s, e)); } catch { throw new ProtobufDecodeError('raw does not hold valid JSON'); }
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ProtobufDecodeError('raw JSON is not an object');
      return { ...(v as Record<string, unknown>), apiVersion, kind };
    }
    throw unsupported(`the protobuf envelope carries an object of content type "${contentType}", which this server cannot decode`);
  }
  const key = kindMessage(apiVersion, kind);
  if (!key) {
    throw unsupported(`cannot decode kind ${kind} of ${apiVersion} from ${PROTOBUF_CONTENT_TYPE}: this server decodes protobuf only for the built-in kinds it knows; send the object as application/json`);
  }
  const obj = decodeMessage(key, body, s, e, depth + 1);
  return { apiVersion, kind, ...obj };
}

setNestedUnknownDecoder(decodeUnknown);

/**
 * Decodes a Kubernetes protobuf request body into `{apiVersion, kind, ...object as JSON}`.
 * Throws a StatusError: 400 BadRequest for a malformed body, 415 UnsupportedMediaType for a kind or an
 * envelope it cannot decode. It never throws anything else.
 */
export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> {
  try {
    return decodeUnknown(body, 0);
  } catch (err) {
    if (err instanceof StatusError) throw err;
    if (err instanceof ProtobufDecodeError) {
      throw badRequest(`unable to decode the protobuf body${err.path ? ` at ${err.path}` : ''}: ${err.message}`);
    }
    if (err instanceof ProtobufWireError) throw badRequest(`unable to decode the protobuf body: ${err.message}`);
    throw badRequest(`unable to decode the protobuf body: ${err instanceof Error ? err.message : String(err)}`);
  }
}
