// Crypto functions against published vectors (Blowfish, bcrypt/OpenBSD, Sprig's derivePassword tests,
// AES computed with openssl) and certificates checked with node's X509Certificate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { bcryptHash, bcryptVerify, blowfishEncryptBlock, blowfishInitWords } from './bcrypt.js';
import { Certificate, sprigFuncs } from './index.js';

const NOW = new Date(Date.UTC(2024, 1, 29, 13, 4, 5));
const F = sprigFuncs({ now: () => NOW });
const call = (name: string, ...args: unknown[]): unknown => F[name]!(...args);
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

test('Blowfish tables are the hexadecimal digits of pi', () => {
  const w = blowfishInitWords();
  assert.equal(w[0], 0x243f6a88); // P[0]
  assert.equal(w[17], 0x8979fb1b); // P[17]
  assert.equal(w[18], 0xd1310ba6); // S0[0]
  assert.equal(w[18 + 1023], 0x3ac372e6); // S3[255]
});

test('Blowfish ECB known-answer vectors', () => {
  assert.equal(Buffer.from(blowfishEncryptBlock(hex('0000000000000000'), hex('0000000000000000'))).toString('hex'), '4ef997456198dd78');
  assert.equal(Buffer.from(blowfishEncryptBlock(hex('ffffffffffffffff'), hex('ffffffffffffffff'))).toString('hex'), '51866fd5b85ecb8a');
  assert.equal(Buffer.from(blowfishEncryptBlock(hex('0123456789abcdef'), hex('1111111111111111'))).toString('hex'), '61f9c3802281b096');
});

test('bcrypt matches OpenBSD/glibc crypt output', () => {
  const vectors: [string, string][] = [
    ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
    ['', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy'],
    ['héllo wörld', '$2a$04$0123456789ABCDEFGHIJK.qIl.ucvSh8cQo7idZNovlDrz8jnvEle'],
    ['myPassword', '$2a$10$abcdefghijklmnopqrstuu1CF0WOmlLU8J4zrgFLAdJEOtOJYh3IG'],
  ];
  for (const [pw, hash] of vectors) assert.ok(bcryptVerify(Buffer.from(pw, 'utf8'), hash), `${pw} -> ${hash}`);
  assert.ok(!bcryptVerify(Buffer.from('U*V'), vectors[0]![1]));
  assert.throws(() => bcryptHash(new Uint8Array(73), new Uint8Array(16), 4), /password length exceeds 72 bytes/);
});

test('bcrypt and htpasswd produce verifiable $2a$10$ hashes', () => {
  const h = call('bcrypt', 'secret') as string;
  assert.match(h, /^\$2a\$10\$[./A-Za-z0-9]{53}$/);
  assert.ok(bcryptVerify(Buffer.from('secret'), h));
  const line = call('htpasswd', 'myUser', 'myPassword') as string;
  const [user, hash] = line.split(':') as [string, string];
  assert.equal(user, 'myUser');
  assert.ok(bcryptVerify(Buffer.from('myPassword'), hash));
  assert.equal(call('bcrypt', 'x'.repeat(73)), 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes');
});

test('derivePassword matches Sprig’s expectations', () => {
  const expectations: [bigint, string, string][] = [
    [1n, 'long', 'ZedaFaxcZaso9*'],
    [2n, 'long', 'Fovi2@JifpTupx'],
    [1n, 'maximum', 'pf4zS1LjCg&LjhsZ7T2~'],
    [1n, 'medium', 'ZedJuz8$'],
    [1n, 'basic', 'pIS54PLs'],
    [1n, 'short', 'Zed5'],
    [1n, 'pin', '6685'],
  ];
  for (const [counter, type, want] of expectations) {
    assert.equal(call('derivePassword', counter, type, 'password', 'user', 'example.com'), want, `${type} ${counter}`);
  }
});

test('encryptAES/decryptAES: AES-256-CBC, PKCS#7, IV prepended, as openssl computes it', () => {
  const zeros = sprigFuncs({ random: (n) => new Uint8Array(n) });
  const want = Buffer.concat([Buffer.alloc(16), Buffer.from('t71vYPy5NxkWUnuV43NpaA==', 'base64')]).toString('base64');
  assert.equal(zeros.encryptAES!('secretkey', 'plaintext'), want);
  assert.equal(call('decryptAES', 'secretkey', want), 'plaintext');
  const enc = call('encryptAES', 'a much longer password that exceeds thirty-two bytes', 'héllo') as string;
  assert.equal(call('decryptAES', 'a much longer password that exceeds thirty-two bytes', enc), 'héllo');
  assert.throws(() => call('decryptAES', 'k', Buffer.alloc(20).toString('base64')), /input not full blocks/);
});

test('genPrivateKey writes Go’s PEM block types', () => {
  assert.match(call('genPrivateKey', 'ecdsa') as string, /^-----BEGIN EC PRIVATE KEY-----\n[\s\S]+\n-----END EC PRIVATE KEY-----\n$/);
  const ed = call('genPrivateKey', 'ed25519') as string;
  assert.match(ed, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.equal(nodeCrypto.createPrivateKey(ed).asymmetricKeyType, 'ed25519');
});

function x509(pem: string): nodeCrypto.X509Certificate {
  return new nodeCrypto.X509Certificate(pem);
}

test('genCA: a self-signed CA certificate with an RSA key', () => {
  const ca = call('genCA', 'foo-ca', 365n) as Certificate;
  assert.ok(ca instanceof Certificate);
  assert.match(ca.Cert, /^-----BEGIN CERTIFICATE-----\n/);
  assert.match(ca.Key, /^-----BEGIN RSA PRIVATE KEY-----\n/);
  const c = x509(ca.Cert);
  assert.equal(c.subject, 'CN=foo-ca');
  assert.equal(c.issuer, 'CN=foo-ca');
  assert.equal(c.ca, true);
  assert.ok(c.verify(c.publicKey));
  assert.equal(new Date(c.validFrom).getTime(), NOW.getTime());
  assert.equal(new Date(c.validTo).getTime(), NOW.getTime() + 365 * 86400000);
  assert.ok(c.checkPrivateKey(nodeCrypto.createPrivateKey(ca.Key)));
  assert.equal(c.toLegacyObject().ext_key_usage?.join(','), '1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2');
});

test('genSelfSignedCert: SANs (DNS names, then IPs), not a CA', () => {
  const cert = call('genSelfSignedCert', 'foo.com', ['10.0.0.1', '::ffff:10.0.0.2', '2001:db8::1'], ['bar.com', 'bat.com'], 30n) as Certificate;
  const c = x509(cert.Cert);
  assert.equal(c.subject, 'CN=foo.com');
  assert.equal(c.ca, false);
  assert.equal(c.subjectAltName, 'DNS:bar.com, DNS:bat.com, IP Address:10.0.0.1, IP Address:10.0.0.2, IP Address:2001:DB8:0:0:0:0:0:1');
  assert.ok(c.verify(c.publicKey));
  assert.throws(() => call('genSelfSignedCert', 'x', ['nope'], null, 1n), /^Error: error parsing ip: nope$/);
  assert.throws(() => call('genSelfSignedCert', 'x', [5n], null, 1n), /error parsing ip: 5 is not a string/);
  assert.throws(() => call('genSelfSignedCert', 'x', null, [true], 1n), /error processing alternate dns name: true is not a string/);
});

test('genSignedCert: issued and signed by the CA, with the CA’s key id', () => {
  const ca = call('genCA', 'foo', 365n) as Certificate;
  const cert = call('genSignedCert', 'foo.com', ['10.0.0.1'], ['bar.com'], 365n, ca) as Certificate;
  const c = x509(cert.Cert);
  const cac = x509(ca.Cert);
  assert.equal(c.issuer, 'CN=foo');
  assert.ok(c.checkIssued(cac));
  assert.ok(c.verify(cac.publicKey));
  assert.equal(c.ca, false);
  // a map with Cert/Key (e.g. a CA kept in values) is accepted as the certificate struct
  const again = call('genSignedCert', 'x', null, null, 1n, { Cert: ca.Cert, Key: ca.Key }) as Certificate;
  assert.ok(x509(again.Cert).checkIssued(cac));
  assert.throws(() => call('genSignedCert', 'x', null, null, 1n, 'ca'), /expected sprig.certificate; got string/);
});

test('*WithKey variants use the given key; bad keys report sprig’s errors', () => {
  const key = call('genPrivateKey', 'ecdsa') as string;
  const ca = call('genCAWithKey', 'ec-ca', 10n, key) as Certificate;
  assert.equal(ca.Key, key);
  const c = x509(ca.Cert);
  assert.equal(c.publicKey.asymmetricKeyType, 'ec');
  assert.ok(c.verify(c.publicKey));
  const leafKey = call('genPrivateKey', 'ed25519') as string;
  const leaf = call('genSignedCertWithKey', 'leaf', null, ['leaf.local'], 10n, ca, leafKey) as Certificate;
  assert.ok(x509(leaf.Cert).verify(c.publicKey));
  const self = call('genSelfSignedCertWithKey', 'self', null, null, 10n, leafKey) as Certificate;
  assert.ok(x509(self.Cert).verify(x509(self.Cert).publicKey));
  assert.throws(() => call('genCAWithKey', 'x', 1n, 'not pem'), /^Error: parsing private key: no PEM data in input$/);
  assert.throws(
    () => call('genCAWithKey', 'x', 1n, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
    /parsing private key: no private key data in PEM block of type CERTIFICATE/,
  );
});

test('buildCustomCert validates base64 PEM certificate and key', () => {
  const ca = call('genCA', 'example.com', 365n) as Certificate;
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const built = call('buildCustomCert', b64(ca.Cert), b64(ca.Key)) as Certificate;
  assert.equal(built.Cert, ca.Cert);
  assert.equal(built.Key, ca.Key);
  assert.throws(() => call('buildCustomCert', b64('fail'), b64(ca.Key)), /^Error: unable to decode certificate$/);
  assert.throws(() => call('buildCustomCert', '!!', b64(ca.Key)), /unable to decode base64 certificate/);
  assert.throws(() => call('buildCustomCert', b64(ca.Cert), b64('nope')), /error parsing private key: no PEM data in input/);
});
