// Sprig's crypto functions: hashes, bcrypt/htpasswd, derivePassword (Master Password algorithm),
// private keys in Go's PEM formats, X.509 certificates built like Go's x509.CreateCertificate
// (synchronously, with node:crypto signing), AES-CBC encryption, random bytes and UUIDs.

import * as nodeCrypto from 'node:crypto';
import { isIP } from 'node:net';
import { formatValue } from '../template/gofmt.js';
import { bcryptHash, BcryptError } from './bcrypt.js';
import * as der from './der.js';
import { base64Decode } from './encoding.js';
import { Certificate } from './sig.js';
import { utf8Encode } from './unicode.js';

export type RandomSource = (n: number) => Uint8Array;

export const defaultRandom: RandomSource = (n) => new Uint8Array(nodeCrypto.randomBytes(n));

function hex(algo: string, s: string): string {
  return nodeCrypto.createHash(algo).update(utf8Encode(s)).digest('hex');
}

export const sha1sum = (s: string): string => hex('sha1', s);
export const sha256sum = (s: string): string => hex('sha256', s);
export const sha512sum = (s: string): string => hex('sha512', s);

export function adler32sum(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of utf8Encode(s)) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

export function bcrypt(input: string, random: RandomSource): string {
  try {
    return bcryptHash(utf8Encode(input), random(16), 10);
  } catch (e) {
    if (e instanceof BcryptError) return `failed to encrypt string with bcrypt: ${e.message}`;
    throw e;
  }
}

export function htpasswd(username: string, password: string, random: RandomSource): string {
  if (username.includes(':')) return `invalid username: ${username}`;
  return `${username}:${bcrypt(password, random)}`;
}

/** crypto/rand.Int(rand, [0,n)) by rejection sampling on the random source. */
export function randomInt(n: number, random: RandomSource): number {
  if (n <= 0) throw new Error('crypto/rand: argument to Int is <= 0');
  if (n === 1) return 0;
  const bits = Math.ceil(Math.log2(n));
  const bytes = Math.ceil(bits / 8);
  const mask = bits % 8 === 0 ? 0xff : (1 << (bits % 8)) - 1;
  for (;;) {
    const b = random(bytes);
    b[0]! &= mask;
    let v = 0;
    for (const x of b) v = v * 256 + x;
    if (v < n) return v;
  }
}

export function randBytes(count: number, random: RandomSource): string {
  if (count < 0) throw new Error('runtime error: makeslice: len out of range');
  return Buffer.from(random(count)).toString('base64');
}

export function uuidv4(random: RandomSource): string {
  const b = random(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------
// derivePassword

const masterPasswordSeed = 'com.lyndir.masterpassword';

const passwordTypeTemplates: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno', 'CvcvnoCvccCvcv', 'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno', 'CvccnoCvccCvcv', 'CvccCvccnoCvcv', 'CvccCvccCvcvno',
    'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno', 'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const templateCharacters: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function be32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function derivePassword(counter: number, passwordType: string, password: string, user: string, site: string): string {
  const templates = passwordTypeTemplates[passwordType];
  if (!templates) return `cannot find password template ${passwordType}`;
  const userB = Buffer.from(user, 'utf8');
  const siteB = Buffer.from(site, 'utf8');
  const salt = Buffer.concat([Buffer.from(masterPasswordSeed), be32(userB.length), userB]);
  const key = nodeCrypto.scryptSync(Buffer.from(password, 'utf8'), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 256 * 1024 * 1024 });
  const msg = Buffer.concat([Buffer.from(masterPasswordSeed), be32(siteB.length), siteB, be32(counter)]);
  const seed = nodeCrypto.createHmac('sha256', key).update(msg).digest();
  const temp = templates[seed[0]! % templates.length]!;
  let out = '';
  for (let i = 0; i < temp.length; i++) {
    const chars = templateCharacters[temp[i]!]!;
    out += chars[seed[i + 1]! % chars.length];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PEM and private keys

function pemEncode(type: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}${lines.length ? '\n' : ''}-----END ${type}-----\n`;
}

interface PemBlock {
  type: string;
  bytes: Uint8Array;
}

/** encoding/pem.Decode (first block; headers skipped). */
function pemDecode(s: string): PemBlock | undefined {
  const m = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(s);
  if (!m) return undefined;
  const body = m[2]!
    .split(/\r?\n/)
    .filter((l) => !l.includes(':'))
    .join('');
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) return undefined;
  return { type: m[1]!, bytes: new Uint8Array(Buffer.from(body, 'base64')) };
}

/** A private key: node's KeyObject, or a DSA key kept as its parameters (Go cannot sign with DSA). */
type PrivKey = { kind: 'node'; key: nodeCrypto.KeyObject } | { kind: 'dsa'; p: bigint; q: bigint; g: bigint; y: bigint; x: bigint };

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function dsaPem(k: { p: bigint; q: bigint; g: bigint; y: bigint; x: bigint }): string {
  const body = der.seq(der.integer(0n), der.integer(k.p), der.integer(k.q), der.integer(k.g), der.integer(k.y), der.integer(k.x));
  return pemEncode('DSA PRIVATE KEY', body);
}

function pemForKey(k: PrivKey): string {
  if (k.kind === 'dsa') return dsaPem(k);
  switch (k.key.asymmetricKeyType) {
    case 'rsa':
      return k.key.export({ type: 'pkcs1', format: 'pem' }).toString();
    case 'ec':
      return k.key.export({ type: 'sec1', format: 'pem' }).toString();
    default:
      return k.key.export({ type: 'pkcs8', format: 'pem' }).toString();
  }
}

function dsaFromKeyObject(key: nodeCrypto.KeyObject): PrivKey {
  const b = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
  const top = der.children(b, der.read(b, 0));
  const params = der.children(b, der.children(b, top[1]!)[1]!);
  const [p, q, g] = params.map((n) => der.intValue(b, n)) as [bigint, bigint, bigint];
  const inner = der.read(b, top[2]!.contentStart);
  const x = der.intValue(b, inner);
  return { kind: 'dsa', p, q, g, x, y: modPow(g, x, p) };
}

export function generatePrivateKey(typ: string): string {
  let key: PrivKey;
  try {
    switch (typ) {
      case '':
      case 'rsa':
        key = { kind: 'node', key: nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey };
        break;
      case 'dsa':
        key = dsaFromKeyObject(nodeCrypto.generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey);
        break;
      case 'ecdsa':
        key = { kind: 'node', key: nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey };
        break;
      case 'ed25519':
        key = { kind: 'node', key: nodeCrypto.generateKeyPairSync('ed25519').privateKey };
        break;
      default:
        return 'Unknown type ' + typ;
    }
  } catch (e) {
    return `failed to generate private key: ${(e as Error).message}`;
  }
  return pemForKey(key);
}

/** sprig's parsePrivateKeyPEM with its error messages. */
function parsePrivateKeyPEM(pem: string): PrivKey {
  const block = pemDecode(pem);
  if (!block) throw new Error('no PEM data in input');
  const load = (type: 'pkcs8' | 'pkcs1' | 'sec1', what: string): PrivKey => {
    try {
      const key = nodeCrypto.createPrivateKey({ key: Buffer.from(block.bytes), format: 'der', type });
      if (key.asymmetricKeyType === 'dsa') return dsaFromKeyObject(key);
      return { kind: 'node', key };
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}`);
    }
  };
  if (block.type === 'PRIVATE KEY') return load('pkcs8', 'decoding PEM as PKCS#8');
  if (!block.type.endsWith(' PRIVATE KEY')) throw new Error(`no private key data in PEM block of type ${block.type}`);
  switch (block.type.slice(0, -12)) {
    case 'RSA':
      return load('pkcs1', 'parsing RSA private key from PEM');
    case 'EC':
      return load('sec1', 'parsing EC private key from PEM');
    case 'DSA': {
      try {
        const b = block.bytes;
        const f = der.children(b, der.read(b, 0)).map((n) => der.intValue(b, n));
        if (f.length < 6) throw new Error('asn1: structure error');
        return { kind: 'dsa', p: f[1]!, q: f[2]!, g: f[3]!, y: f[4]!, x: f[5]! };
      } catch (e) {
        throw new Error(`parsing DSA private key from PEM: ${(e as Error).message}`);
      }
    }
    default:
      throw new Error(`invalid private key type ${block.type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Certificates

const OID = {
  cn: '2.5.4.3',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
};

function nameDer(cn: string): Uint8Array {
  if (cn === '') return der.seq();
  return der.seq(der.set(der.seq(der.oid(OID.cn), der.printableOrUtf8(cn))));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? der.seq(der.oid(id), der.bool(true), der.octets(value)) : der.seq(der.oid(id), der.octets(value));
}

/** KeyUsage bits (Go's x509.KeyUsage) as a DER BIT STRING with trailing zero bits trimmed. */
function keyUsageBits(bits: number[]): Uint8Array {
  let v = 0;
  for (const b of bits) v |= 1 << (7 - b);
  const max = Math.max(...bits);
  return der.bitString(new Uint8Array([v]), 7 - max);
}

function ipBytes(ip: string): Uint8Array | undefined {
  if (ip.includes('%')) return undefined;
  const kind = isIP(ip);
  if (kind === 4) return new Uint8Array(ip.split('.').map(Number));
  if (kind !== 6) return undefined;
  let head = ip;
  let v4: number[] = [];
  const lastColon = ip.lastIndexOf(':');
  if (ip.slice(lastColon + 1).includes('.')) {
    v4 = ip.slice(lastColon + 1).split('.').map(Number);
    head = ip.slice(0, lastColon + 1) + '0:0';
  }
  const [l, r] = head.includes('::') ? head.split('::') : [head, undefined];
  const left = l ? l.split(':') : [];
  const right = r ? r.split(':') : [];
  const fill = 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(r === undefined ? 0 : fill).fill('0'), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  if (v4.length === 4) out.set(v4, 12);
  // x509 writes IPv4 (and IPv4-mapped IPv6) addresses as 4 bytes.
  if (out.subarray(0, 10).every((b) => b === 0) && out[10] === 0xff && out[11] === 0xff) return out.subarray(12);
  return out;
}

function getNetIPs(ips: unknown[] | null): Uint8Array[] {
  if (ips === null) return [];
  return ips.map((ip) => {
    if (typeof ip !== 'string') throw new Error(`error parsing ip: ${formatValue(ip ?? null)} is not a string`);
    const b = ipBytes(ip);
    if (!b) throw new Error(`error parsing ip: ${ip}`);
    return b;
  });
}

function getAlternateDNSStrs(dns: unknown[] | null): string[] {
  if (dns === null) return [];
  return dns.map((d) => {
    if (typeof d !== 'string') throw new Error(`error processing alternate dns name: ${formatValue(d ?? null)} is not a string`);
    return d;
  });
}

interface Template {
  serial: bigint;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  keyUsage: number[];
  isCA: boolean;
  dnsNames: string[];
  ips: Uint8Array[];
}

function baseTemplate(cn: string, ips: unknown[] | null, dns: unknown[] | null, daysValid: number, now: Date, random: RandomSource): Template {
  const ipAddresses = getNetIPs(ips);
  const dnsNames = getAlternateDNSStrs(dns);
  let serial = 0n;
  for (const b of random(16)) serial = (serial << 8n) | BigInt(b);
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + daysValid * 24 * 3600 * 1000);
  return { serial, subject: nameDer(cn), notBefore, notAfter, keyUsage: [0, 2], isCA: false, dnsNames, ips: ipAddresses };
}

function publicKeyOf(k: PrivKey): nodeCrypto.KeyObject {
  if (k.kind === 'dsa') {
    // Public key for the SPKI of a DSA subject key.
    const spki = der.seq(
      der.seq(der.oid('1.2.840.10040.4.1'), der.seq(der.integer(k.p), der.integer(k.q), der.integer(k.g))),
      der.bitString(der.integer(k.y)),
    );
    return nodeCrypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  }
  return nodeCrypto.createPublicKey(k.key);
}

function signatureAlgorithm(k: PrivKey): { alg: Uint8Array; hash: string | null } {
  if (k.kind === 'dsa') throw new Error('x509: certificate private key does not implement crypto.Signer');
  switch (k.key.asymmetricKeyType) {
    case 'rsa':
      return { alg: der.seq(der.oid(OID.sha256WithRSA), der.nul()), hash: 'sha256' };
    case 'ec': {
      const curve = k.key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'secp384r1') return { alg: der.seq(der.oid(OID.ecdsaWithSHA384)), hash: 'sha384' };
      if (curve === 'secp521r1') return { alg: der.seq(der.oid(OID.ecdsaWithSHA512)), hash: 'sha512' };
      return { alg: der.seq(der.oid(OID.ecdsaWithSHA256)), hash: 'sha256' };
    }
    case 'ed25519':
      return { alg: der.seq(der.oid(OID.ed25519)), hash: null };
    default:
      throw new Error('x509: only RSA, ECDSA and Ed25519 keys supported');
  }
}

interface Parent {
  subject: Uint8Array;
  subjectKeyId?: Uint8Array;
}

/** x509.CreateCertificate + PEM encoding of certificate and key (sprig's getCertAndKey). */
function getCertAndKey(tpl: Template, signee: PrivKey, parent: Parent | 'self', signer: PrivKey): Certificate {
  let pub: nodeCrypto.KeyObject;
  try {
    pub = publicKeyOf(signee);
  } catch (e) {
    throw new Error(`error retrieving public key from signee key: ${(e as Error).message}`);
  }
  let certDer: Uint8Array;
  try {
    const spki = new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
    const { alg, hash } = signatureAlgorithm(signer);
    const issuer = parent === 'self' ? tpl.subject : parent.subject;
    const exts: Uint8Array[] = [];
    exts.push(extension(OID.keyUsage, true, keyUsageBits(tpl.keyUsage)));
    exts.push(extension(OID.extKeyUsage, false, der.seq(der.oid(OID.serverAuth), der.oid(OID.clientAuth))));
    exts.push(extension(OID.basicConstraints, true, tpl.isCA ? der.seq(der.bool(true)) : der.seq()));
    let subjectKeyId: Uint8Array | undefined;
    if (tpl.isCA) {
      // Go derives the key id from the SHA-1 of the subject public key bits.
      const spkiNode = der.read(spki, 0);
      const bits = der.children(spki, spkiNode)[1]!;
      subjectKeyId = new Uint8Array(nodeCrypto.createHash('sha1').update(spki.subarray(bits.contentStart + 1, bits.end)).digest());
      exts.push(extension(OID.subjectKeyId, false, der.octets(subjectKeyId)));
    }
    if (parent !== 'self' && parent.subjectKeyId && !Buffer.from(issuer).equals(Buffer.from(tpl.subject))) {
      exts.push(extension(OID.authorityKeyId, false, der.seq(der.tlv(0x80, parent.subjectKeyId))));
    }
    if (tpl.dnsNames.length > 0 || tpl.ips.length > 0) {
      const names = [
        ...tpl.dnsNames.map((n) => der.tlv(0x82, new Uint8Array(Buffer.from(n, 'latin1')))),
        ...tpl.ips.map((ip) => der.tlv(0x87, ip)),
      ];
      exts.push(extension(OID.subjectAltName, tpl.subject.length === 2, der.seq(...names)));
    }
    const tbs = der.seq(
      der.explicit(0, der.integer(2n)),
      der.integer(tpl.serial),
      alg,
      issuer,
      der.seq(der.time(tpl.notBefore), der.time(tpl.notAfter)),
      tpl.subject,
      spki,
      der.explicit(3, der.seq(...exts)),
    );
    const sig = nodeCrypto.sign(hash, tbs, (signer as { key: nodeCrypto.KeyObject }).key);
    certDer = der.seq(tbs, alg, der.bitString(new Uint8Array(sig)));
  } catch (e) {
    throw new Error(`error creating certificate: ${(e as Error).message}`);
  }
  return new Certificate(pemEncode('CERTIFICATE', certDer), pemForKey(signee));
}

function rsa2048(): PrivKey {
  try {
    return { kind: 'node', key: nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
  } catch (e) {
    throw new Error(`error generating rsa key: ${(e as Error).message}`);
  }
}

function withPemKey(privPEM: string): PrivKey {
  try {
    return parsePrivateKeyPEM(privPEM);
  } catch (e) {
    throw new Error(`parsing private key: ${(e as Error).message}`);
  }
}

export interface CertOptions {
  now: () => Date;
  random: RandomSource;
}

function caInternal(cn: string, daysValid: number, priv: PrivKey, o: CertOptions): Certificate {
  const tpl = baseTemplate(cn, null, null, daysValid, o.now(), o.random);
  tpl.keyUsage = [0, 2, 5];
  tpl.isCA = true;
  return getCertAndKey(tpl, priv, 'self', priv);
}

export function genCA(cn: string, daysValid: number, o: CertOptions): Certificate {
  return caInternal(cn, daysValid, rsa2048(), o);
}

export function genCAWithKey(cn: string, daysValid: number, privPEM: string, o: CertOptions): Certificate {
  return caInternal(cn, daysValid, withPemKey(privPEM), o);
}

function selfSignedInternal(cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, priv: PrivKey, o: CertOptions): Certificate {
  const tpl = baseTemplate(cn, ips, dns, days, o.now(), o.random);
  return getCertAndKey(tpl, priv, 'self', priv);
}

export function genSelfSignedCert(cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, o: CertOptions): Certificate {
  return selfSignedInternal(cn, ips, dns, days, rsa2048(), o);
}

export function genSelfSignedCertWithKey(
  cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, privPEM: string, o: CertOptions,
): Certificate {
  return selfSignedInternal(cn, ips, dns, days, withPemKey(privPEM), o);
}

/** Subject DER and subject key id of a PEM certificate. */
function parseCertPem(pem: string, what: string): Parent {
  const block = pemDecode(pem);
  if (!block) throw new Error('unable to decode certificate');
  try {
    new nodeCrypto.X509Certificate(Buffer.from(block.bytes));
    const b = block.bytes;
    const tbs = der.children(b, der.read(b, 0))[0]!;
    const f = der.children(b, tbs);
    const off = f[0]!.tag === 0xa0 ? 1 : 0;
    const subjectNode = f[off + 4]!;
    const subject = b.slice(subjectNode.start, subjectNode.end);
    let subjectKeyId: Uint8Array | undefined;
    const extsNode = f.find((n) => n.tag === 0xa3);
    if (extsNode) {
      for (const ext of der.children(b, der.children(b, extsNode)[0]!)) {
        const parts = der.children(b, ext);
        const id = Buffer.from(b.subarray(parts[0]!.start, parts[0]!.end)).equals(Buffer.from(der.oid(OID.subjectKeyId)));
        if (id) {
          const octet = parts[parts.length - 1]!;
          const inner = der.read(b, octet.contentStart);
          subjectKeyId = b.slice(inner.contentStart, inner.end);
        }
      }
    }
    return { subject, subjectKeyId };
  } catch (e) {
    throw new Error(`error parsing certificate: ${what}: ${(e as Error).message}`);
  }
}

function signedInternal(
  cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, ca: Certificate, priv: PrivKey, o: CertOptions,
): Certificate {
  const parent = parseCertPem(ca.Cert, 'decodedSignerCert.Bytes');
  let signerKey: PrivKey;
  try {
    signerKey = parsePrivateKeyPEM(ca.Key);
  } catch (e) {
    throw new Error(`error parsing private key: ${(e as Error).message}`);
  }
  const tpl = baseTemplate(cn, ips, dns, days, o.now(), o.random);
  return getCertAndKey(tpl, priv, parent, signerKey);
}

export function genSignedCert(
  cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, ca: Certificate, o: CertOptions,
): Certificate {
  return signedInternal(cn, ips, dns, days, ca, rsa2048(), o);
}

export function genSignedCertWithKey(
  cn: string, ips: unknown[] | null, dns: unknown[] | null, days: number, ca: Certificate, privPEM: string, o: CertOptions,
): Certificate {
  return signedInternal(cn, ips, dns, days, ca, withPemKey(privPEM), o);
}

export function buildCustomCert(b64cert: string, b64key: string): Certificate {
  let cert: Uint8Array;
  let key: Uint8Array;
  try {
    cert = base64Decode(b64cert);
  } catch {
    throw new Error('unable to decode base64 certificate');
  }
  try {
    key = base64Decode(b64key);
  } catch {
    throw new Error('unable to decode base64 private key');
  }
  const certStr = Buffer.from(cert).toString('utf8');
  const keyStr = Buffer.from(key).toString('utf8');
  parseCertPem(certStr, 'decodedCert.Bytes');
  try {
    parsePrivateKeyPEM(keyStr);
  } catch (e) {
    throw new Error(`error parsing private key: ${(e as Error).message}`);
  }
  return new Certificate(certStr, keyStr);
}

// ---------------------------------------------------------------------------------------------
// AES

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(password, 'utf8').copy(key, 0, 0, 32);
  return key;
}

export function encryptAES(password: string, plaintext: string, random: RandomSource): string {
  if (plaintext === '') return '';
  const iv = Buffer.from(random(16));
  const c = nodeCrypto.createCipheriv('aes-256-cbc', aesKey(password), iv);
  const body = Buffer.concat([c.update(Buffer.from(plaintext, 'utf8')), c.final()]);
  return Buffer.concat([iv, body]).toString('base64');
}

export function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const crypt = Buffer.from(base64Decode(crypt64));
  if (crypt.length < 16) throw new Error(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const iv = crypt.subarray(0, 16);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new Error('runtime error: index out of range [-1]');
  const d = nodeCrypto.createDecipheriv('aes-256-cbc', aesKey(password), iv);
  d.setAutoPadding(false);
  const dec = Buffer.concat([d.update(body), d.final()]);
  const pad = dec[dec.length - 1]!;
  if (pad > dec.length) throw new Error(`runtime error: slice bounds out of range [:${dec.length - pad}]`);
  return dec.subarray(0, dec.length - pad).toString('utf8');
}
