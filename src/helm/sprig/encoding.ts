// encoding/base64 and encoding/base32 StdEncoding with Go's strict decoding and its
// "illegal base64 data at input byte N" errors.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}

const b64map = decodeMap(B64);
const b32map = decodeMap(B32);

export class CorruptInputError extends Error {}

export function base64Encode(b: Uint8Array): string {
  return Buffer.from(b).toString('base64');
}

/** base64.StdEncoding.DecodeString. */
export function base64Decode(s: string): Uint8Array {
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  const corrupt = (n: number): CorruptInputError => new CorruptInputError(`illegal base64 data at input byte ${n}`);
  let si = 0;
  for (;;) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let done = false;
    let j = 0;
    for (; j < 4; j++) {
      if (src.length === si) {
        if (j === 0) return Uint8Array.from(out);
        throw corrupt(si - j);
      }
      const ch = src[si]!;
      si++;
      const v = b64map[ch]!;
      if (v !== -1) {
        dbuf[j] = v;
        continue;
      }
      if (ch === 0x0a || ch === 0x0d) {
        j--;
        continue;
      }
      if (ch !== 0x3d) throw corrupt(si - 1);
      // padding
      if (j === 0 || j === 1) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 0x3d) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) throw corrupt(si);
      dlen = j;
      done = true;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const b0 = (val >> 16) & 0xff;
    const b1 = (val >> 8) & 0xff;
    const b2 = val & 0xff;
    if (dlen === 4) out.push(b0, b1, b2);
    else if (dlen === 3) out.push(b0, b1);
    else if (dlen === 2) out.push(b0);
    if (done) return Uint8Array.from(out);
  }
}

export function base32Encode(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 5) {
    const chunk = [0, 0, 0, 0, 0];
    const n = Math.min(5, b.length - i);
    for (let k = 0; k < n; k++) chunk[k] = b[i + k]!;
    let bits = 0n;
    for (const x of chunk) bits = (bits << 8n) | BigInt(x);
    const chars = [1, 2, 4, 5, 7][n - 1]! + 1;
    let q = '';
    for (let k = 0; k < 8; k++) {
      const idx = Number((bits >> BigInt(35 - 5 * k)) & 31n);
      q += k < chars ? B32[idx] : '=';
    }
    out += q;
  }
  return out;
}

/** base32.StdEncoding.DecodeString. */
export function base32Decode(s: string): Uint8Array {
  const src = Buffer.from(s.replace(/[\r\n]/g, ''), 'utf8');
  const olen = src.length;
  const out: number[] = [];
  const corrupt = (n: number): CorruptInputError => new CorruptInputError(`illegal base32 data at input byte ${n}`);
  let p = 0;
  let end = false;
  while (p < src.length && !end) {
    const dbuf = [0, 0, 0, 0, 0, 0, 0, 0];
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      if (p === src.length) throw corrupt(olen - (src.length - p) - j);
      const inb = src[p]!;
      p++;
      const remaining = src.length - p;
      if (inb === 0x3d && j >= 2 && remaining < 8) {
        if (remaining + j < 8 - 1) throw corrupt(olen);
        for (let k = 0; k < 8 - 1 - j; k++) {
          if (remaining > k && src[p + k] !== 0x3d) throw corrupt(olen - remaining + k - 1);
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) throw corrupt(olen - remaining - 1);
        break;
      }
      const v = b32map[inb]!;
      if (v === -1) throw corrupt(olen - remaining - 1);
      dbuf[j] = v;
      j++;
    }
    let bits = 0n;
    for (const x of dbuf) bits = (bits << 5n) | BigInt(x);
    const bytes = [4, 3, 2, 1, 0].map((k) => Number((bits >> BigInt(8 * k)) & 0xffn));
    const nbytes = { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen as 8 | 7 | 5 | 4 | 2] ?? 0;
    out.push(...bytes.slice(0, nbytes));
  }
  return Uint8Array.from(out);
}
