// Test helper: a minimal protobuf writer to build bodies the way other clients might.

export type Part = Uint8Array | number[];

function varintBytes(v: bigint): number[] {
  let u = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    let b = Number(u & 0x7fn);
    u >>= 7n;
    if (u !== 0n) b |= 0x80;
    out.push(b);
  } while (u !== 0n);
  return out;
}

export const varint = (v: number | bigint): number[] => varintBytes(BigInt(v));
export const tag = (num: number, wt: number): number[] => varint(num * 8 + wt);

export function concat(...parts: Part[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** field `num` as a varint (int32/int64/bool/enum; negatives are sign-extended to 10 bytes). */
export const vint = (num: number, v: number | bigint | boolean): Uint8Array =>
  concat(tag(num, 0), varint(typeof v === 'boolean' ? (v ? 1 : 0) : v));
/** field `num` length-delimited (string, bytes, embedded message, packed list). */
export const len = (num: number, ...payload: Array<Part | string>): Uint8Array => {
  const body = concat(...payload.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p)));
  return concat(tag(num, 2), varint(body.length), body);
};
export const fixed32 = (num: number, v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return concat(tag(num, 5), b);
};
export const fixed64 = (num: number, v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return concat(tag(num, 1), b);
};
export const double = (num: number, v: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return concat(tag(num, 1), b);
};
/** a map entry {1: key, 2: value} as field `num`. */
export const entry = (num: number, key: Part | string, value?: Part | string): Uint8Array =>
  value === undefined ? len(num, len(1, key)) : len(num, len(1, key), len(2, value));

/** The `k8s\0` + runtime.Unknown envelope. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array, extra: { contentEncoding?: string; contentType?: string } = {}): Uint8Array {
  return concat([0x6b, 0x38, 0x73, 0x00], len(1, len(1, apiVersion), len(2, kind)), len(2, raw),
    len(3, extra.contentEncoding ?? ''), len(4, extra.contentType ?? ''));
}
