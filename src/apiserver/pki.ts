// The cluster's PKI: a CA and the API server's serving certificate (ECDSA P-256), generated on first
// start into the data dir and reused afterwards, plus bearer tokens.
import * as x509 from '@peculiar/x509';
import { webcrypto, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface Pki {
  caCertPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  return webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

export async function createCa(commonName: string, years = 10): Promise<{ certPem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + years * 365 * 86400_000),
    keys: keys as never,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

export async function issueCert(ca: { certPem: string; keyPem: string }, opts: { commonName: string; organizations?: string[]; dnsNames?: string[]; ips?: string[]; server?: boolean; client?: boolean; days?: number }): Promise<{ certPem: string; keyPem: string }> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importKeyPem(ca.keyPem);
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const san: x509.JsonGeneralName[] = [
    ...(opts.dnsNames ?? []).map((d) => ({ type: 'dns' as const, value: d })),
    ...(opts.ips ?? []).map((ip) => ({ type: 'ip' as const, value: ip })),
  ];
  const usages: string[] = [];
  if (opts.server) usages.push(x509.ExtendedKeyUsage.serverAuth);
  if (opts.client) usages.push(x509.ExtendedKeyUsage.clientAuth);
  const subject = [`CN=${opts.commonName}`, ...(opts.organizations ?? []).map((o) => `O=${o}`)].join(', ');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: caCert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (opts.days ?? 3650) * 86400_000),
    publicKey: keys.publicKey as never,
    signingKey: caKey as never,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(usages, false),
      ...(san.length ? [new x509.SubjectAlternativeNameExtension(san, false)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

/** Loads the PKI from `dir`, creating what is missing. */
export async function ensurePki(dir: string, extraSans: { dnsNames?: string[]; ips?: string[] } = {}): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (f: string) => join(dir, f);
  if (!existsSync(p('ca.crt')) || !existsSync(p('ca.key'))) {
    const ca = await createCa(`timonel-ca@${Math.floor(Date.now() / 1000)}`);
    writeFileSync(p('ca.key'), ca.keyPem, { mode: 0o600 });
    writeFileSync(p('ca.crt'), ca.certPem);
  }
  const ca = { certPem: readFileSync(p('ca.crt'), 'utf8'), keyPem: readFileSync(p('ca.key'), 'utf8') };
  if (!existsSync(p('apiserver.crt')) || !existsSync(p('apiserver.key'))) {
    const cert = await issueCert(ca, {
      commonName: 'timonel-apiserver',
      dnsNames: ['localhost', hostname(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', ...(extraSans.dnsNames ?? [])],
      ips: ['127.0.0.1', '::1', '10.43.0.1', ...(extraSans.ips ?? [])],
      server: true,
    });
    writeFileSync(p('apiserver.key'), cert.keyPem, { mode: 0o600 });
    writeFileSync(p('apiserver.crt'), cert.certPem);
  }
  return { caCertPem: ca.certPem, caKeyPem: ca.keyPem, certPem: readFileSync(p('apiserver.crt'), 'utf8'), keyPem: readFileSync(p('apiserver.key'), 'utf8') };
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}
