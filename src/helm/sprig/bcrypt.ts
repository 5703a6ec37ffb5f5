// bcrypt ($2a$, as golang.org/x/crypto/bcrypt generates) on a small Blowfish implementation.
// Blowfish's initial P-array and S-boxes are the fractional hexadecimal digits of π, so they are
// computed once (BigInt Machin formula) instead of being carried as a table.

let piWords: Uint32Array | undefined;

/** The first 1042 32-bit words of π's fractional part in hex (18 P entries + 4×256 S entries). */
export function blowfishInitWords(): Uint32Array {
  if (piWords) return piWords;
  const words = 18 + 4 * 256;
  const hexDigits = words * 8;
  const guard = 16;
  const bits = BigInt(4 * (hexDigits + guard));
  const one = 1n << bits;
  const atanInv = (x: bigint): bigint => {
    const x2 = x * x;
    let term = one / x;
    let sum = term;
    let k = 1n;
    let sign = -1n;
    while (term !== 0n) {
      term /= x2;
      sum += (sign * term) / (2n * k + 1n);
      sign = -sign;
      k++;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  // Drop the integer part (3) and the guard digits.
  const frac = (pi - 3n * one) >> BigInt(4 * guard);
  const hex = frac.toString(16).padStart(hexDigits, '0');
  const out = new Uint32Array(words);
  for (let i = 0; i < words; i++) out[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  piWords = out;
  return out;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array; // 4 × 256

  constructor() {
    const init = blowfishInitWords();
    this.p = init.slice(0, 18);
    this.s = init.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    return ((((s[x >>> 24]! + s[256 + ((x >>> 16) & 0xff)]!) >>> 0) ^ s[512 + ((x >>> 8) & 0xff)]!) + s[768 + (x & 0xff)]!) >>> 0;
  }

  encrypt(l: number, r: number): [number, number] {
    const p = this.p;
    for (let i = 0; i < 16; i += 2) {
      l = (l ^ p[i]!) >>> 0;
      r = (r ^ this.f(l)) >>> 0;
      r = (r ^ p[i + 1]!) >>> 0;
      l = (l ^ this.f(r)) >>> 0;
    }
    l = (l ^ p[16]!) >>> 0;
    r = (r ^ p[17]!) >>> 0;
    return [r, l];
  }

  /** ExpandKey (salt undefined) or expandKeyWithSalt. */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    let j = 0;
    for (let i = 0; i < 18; i++) {
      let d = 0;
      for (let k = 0; k < 4; k++) {
        d = ((d << 8) | key[j]!) >>> 0;
        j++;
        if (j >= key.length) j = 0;
      }
      this.p[i] = (this.p[i]! ^ d) >>> 0;
    }
    let sj = 0;
    const next = (): number => {
      if (!salt) return 0;
      let w = 0;
      for (let k = 0; k < 4; k++) {
        w = ((w << 8) | salt[sj]!) >>> 0;
        sj++;
        if (sj >= salt.length) sj = 0;
      }
      return w;
    };
    let l = 0;
    let r = 0;
    for (let i = 0; i < 18; i += 2) {
      l = (l ^ next()) >>> 0;
      r = (r ^ next()) >>> 0;
      [l, r] = this.encrypt(l, r);
      this.p[i] = l;
      this.p[i + 1] = r;
    }
    for (let i = 0; i < 1024; i += 2) {
      l = (l ^ next()) >>> 0;
      r = (r ^ next()) >>> 0;
      [l, r] = this.encrypt(l, r);
      this.s[i] = l;
      this.s[i + 1] = r;
    }
  }
}

/** Blowfish ECB encryption of one 8-byte block (exposed for tests against published vectors). */
export function blowfishEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = new Blowfish();
  c.expand(key);
  const dv = new DataView(block.buffer, block.byteOffset, 8);
  const [l, r] = c.encrypt(dv.getUint32(0), dv.getUint32(4));
  const out = new Uint8Array(8);
  const ov = new DataView(out.buffer);
  ov.setUint32(0, l);
  ov.setUint32(4, r);
  return out;
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function bcryptBase64(b: Uint8Array): string {
  const std = Buffer.from(b).toString('base64').replace(/=+$/, '');
  let out = '';
  for (const c of std) out += BCRYPT_ALPHABET[STD_ALPHABET.indexOf(c)];
  return out;
}

function bcryptBase64Decode(s: string): Uint8Array {
  let std = '';
  for (const c of s) {
    const i = BCRYPT_ALPHABET.indexOf(c);
    if (i < 0) throw new Error('bcrypt: invalid salt');
    std += STD_ALPHABET[i];
  }
  return new Uint8Array(Buffer.from(std, 'base64'));
}

export class BcryptError extends Error {}

/** bcrypt hash of password with the given 16-byte salt and cost: "$2a$10$<22 salt><31 hash>". */
export function bcryptHash(password: Uint8Array, salt: Uint8Array, cost: number): string {
  if (password.length > 72) throw new BcryptError('bcrypt: password length exceeds 72 bytes');
  if (cost < 4 || cost > 31) throw new BcryptError(`crypto/bcrypt: cost ${cost} is outside allowed range (4,31)`);
  const encSalt = bcryptBase64(salt);
  const csalt = bcryptBase64Decode(encSalt);
  const ckey = new Uint8Array(password.length + 1);
  ckey.set(password);
  const c = new Blowfish();
  c.expand(ckey, csalt);
  const rounds = 2 ** cost;
  for (let i = 0; i < rounds; i++) {
    c.expand(ckey);
    c.expand(csalt);
  }
  const magic = Buffer.from('OrpheanBeholderScryDoubt', 'latin1');
  const words: number[] = [];
  for (let i = 0; i < 24; i += 4) words.push(magic.readUInt32BE(i));
  for (let i = 0; i < 6; i += 2) {
    let l = words[i]!;
    let r = words[i + 1]!;
    for (let j = 0; j < 64; j++) [l, r] = c.encrypt(l, r);
    words[i] = l;
    words[i + 1] = r;
  }
  const out = Buffer.alloc(24);
  words.forEach((w, i) => out.writeUInt32BE(w, i * 4));
  return `$2a$${String(cost).padStart(2, '0')}$${encSalt}${bcryptBase64(out.subarray(0, 23))}`;
}

/** Verifies a password against a "$2a$"/"$2b$"/"$2y$" hash. */
export function bcryptVerify(password: Uint8Array, hash: string): boolean {
  const m = /^\$2[aby]?\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(hash);
  if (!m) return false;
  const salt = bcryptBase64Decode(m[2]!);
  const again = bcryptHash(password, salt, Number(m[1]));
  return again.slice(7) === hash.slice(7);
}
