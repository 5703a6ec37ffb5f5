// Go's encoding/base64 StdEncoding decoder (what []byte fields go through), with its error
// ("illegal base64 data at input byte N") at the same offsets Go reports.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export class Base64Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

const NL = (b: number) => b === 0x0a || b === 0x0d;

/** Decodes like base64.StdEncoding.DecodeString; throws Base64Error. */
export function goBase64Decode(input: string): Buffer {
  const src = Buffer.from(input, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let err: Base64Error | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (src.length === si) {
        if (j === 0) return Buffer.from(out);
        throw new Base64Error(si - j);
      }
      const inb = src[si];
      si++;
      const v = DECODE[inb];
      if (v >= 0) { dbuf[j] = v; continue; }
      if (NL(inb)) { j--; continue; }
      if (inb !== 0x3d) throw new Base64Error(si - 1);
      // padding
      if (j === 0 || j === 1) throw new Base64Error(si - 1);
      if (j === 2) {
        while (si < src.length && NL(src[si])) si++;
        if (si === src.length) throw new Base64Error(src.length);
        if (src[si] !== 0x3d) throw new Base64Error(si - 1);
        si++;
      }
      while (si < src.length && NL(src[si])) si++;
      if (si < src.length) err = new Base64Error(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    const b0 = (val >> 16) & 0xff, b1 = (val >> 8) & 0xff, b2 = val & 0xff;
    if (dlen === 4) out.push(b0, b1, b2);
    else if (dlen === 3) out.push(b0, b1);
    else if (dlen === 2) out.push(b0);
    if (err) throw err;
  }
  return Buffer.from(out);
}
