#!/usr/bin/env node
// Developer tool (not run by the tests): regenerates ../schema.generated.ts, the protobuf message
// tables used by the decoder, from the facts compiled into a real kubectl 1.32 binary:
//  - the gzipped FileDescriptorProtos registered by the k8s.io/api and apimachinery packages give the
//    field numbers, proto types, message references and map entries;
//  - the Go runtime type metadata of the same structs gives the JSON facts: json names, omitempty,
//    inline embedding and whether a Go field is a pointer.
// Usage: node src/apiserver/protobuf/tools/extract-schema.mjs [/path/to/kubectl-1.32]
import { inflateRawSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { openGoBinary, namedStructs } from './goreflect.mjs';

const BIN = process.argv[2] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema.generated.ts');

// API group of each Go package whose kinds the decoder serves ('' = core).
const PACKAGES = {
  'k8s.io/api/core/v1': '',
  'k8s.io/api/apps/v1': 'apps',
  'k8s.io/api/batch/v1': 'batch',
  'k8s.io/api/autoscaling/v1': 'autoscaling',
  'k8s.io/api/autoscaling/v2': 'autoscaling',
  'k8s.io/api/policy/v1': 'policy',
  'k8s.io/api/rbac/v1': 'rbac.authorization.k8s.io',
  'k8s.io/api/networking/v1': 'networking.k8s.io',
  'k8s.io/api/scheduling/v1': 'scheduling.k8s.io',
  'k8s.io/api/authentication/v1': 'authentication.k8s.io',
  'k8s.io/api/authorization/v1': 'authorization.k8s.io',
  'k8s.io/api/coordination/v1': 'coordination.k8s.io',
  'k8s.io/api/discovery/v1': 'discovery.k8s.io',
  'k8s.io/api/storage/v1': 'storage.k8s.io',
  'k8s.io/api/certificates/v1': 'certificates.k8s.io',
  'k8s.io/api/events/v1': 'events.k8s.io',
  'k8s.io/api/node/v1': 'node.k8s.io',
  'k8s.io/apimachinery/pkg/apis/meta/v1': 'meta.k8s.io',
};
// Kinds of meta/v1 that clients send as bodies.
const META_KINDS = new Set(['DeleteOptions']);

// Messages with a JSON form of their own (custom marshalers in Go).
const SPECIAL = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'T',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'M',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'D',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'Q',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'N',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'R',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'F',
};
const SCALAR = { 1: 'd', 2: 'f', 3: 'I', 4: 'U', 5: 'i', 6: 'U', 7: 'u', 8: 'b', 9: 's', 12: 'B', 13: 'u', 15: 'i', 16: 'I', 17: 'z', 18: 'Z' };

// ---- minimal protobuf reader for descriptors ----
function fieldsOf(buf) {
  const out = [];
  let p = 0;
  const varint = () => { let r = 0n, s = 0n; for (;;) { const b = buf[p++]; r |= BigInt(b & 0x7f) << s; s += 7n; if (!(b & 0x80)) return r; } };
  while (p < buf.length) {
    const key = Number(varint());
    const num = key >>> 3, wt = key & 7;
    if (wt === 0) out.push([num, Number(varint())]);
    else if (wt === 2) { const l = Number(varint()); out.push([num, buf.subarray(p, p + l)]); p += l; }
    else if (wt === 1) { p += 8; } else if (wt === 5) { p += 4; } else throw new Error('bad wire type ' + wt);
  }
  return out;
}
const str = (b) => Buffer.from(b).toString('utf8');

function parseFile(buf, messages) {
  let pkg = '';
  for (const [n, v] of fieldsOf(buf)) if (n === 2) pkg = str(v);
  const msg = (b, prefix) => {
    let name = '', mapEntry = false;
    const fields = [], nested = [];
    for (const [n, v] of fieldsOf(b)) {
      if (n === 1) name = str(v);
      else if (n === 2) {
        const f = {};
        for (const [fn, fv] of fieldsOf(v)) {
          if (fn === 1) f.name = str(fv); else if (fn === 3) f.number = fv; else if (fn === 4) f.label = fv;
          else if (fn === 5) f.type = fv; else if (fn === 6) f.typeName = str(fv).replace(/^\./, '');
        }
        fields.push(f);
      } else if (n === 3) nested.push(v);
      else if (n === 7) for (const [on, ov] of fieldsOf(v)) if (on === 7 && ov) mapEntry = true;
    }
    const full = `${prefix}.${name}`;
    messages.set(full, { full, pkg, name, fields, mapEntry });
    for (const nb of nested) msg(nb, full);
  };
  for (const [n, v] of fieldsOf(buf)) if (n === 4) msg(v, pkg);
}

const bin = openGoBinary(BIN);
const messages = new Map();
{
  const magic = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0]);
  let i = bin.buf.indexOf(magic);
  let files = 0;
  while (i >= 0) {
    try {
      // one gzip member only (a 10-byte header, then raw deflate): members may be adjacent
      const out = inflateRawSync(bin.buf.subarray(i + 10, i + 4_000_000), { finishFlush: 2 });
      if (out[0] === 0x0a && str(out.subarray(2, 2 + out[1])).endsWith('generated.proto')) { parseFile(out, messages); files++; }
    } catch { /* not a deflate stream: just bytes that look like a gzip header */ }
    i = bin.buf.indexOf(magic, i + 1);
  }
  console.error(`descriptors: ${files} files, ${messages.size} messages`);
}
const structs = namedStructs(bin);

// table key of a proto message: "core/v1.PodSpec", "meta/v1.ObjectMeta"...
const goPkgOf = (protoPkg) => protoPkg.replace(/\./g, '/').replace(/^k8s\/io\//, 'k8s.io/');
const shortPkg = (goPkg) => goPkg.replace(/^k8s\.io\/api\//, '').replace(/^k8s\.io\/apimachinery\/pkg\/apis\//, '').replace(/^k8s\.io\/apimachinery\/pkg\//, '');
const keyOf = (m) => `${shortPkg(goPkgOf(m.pkg))}.${m.name}`;

const tables = new Map(); // key -> spec string
const kinds = {}; // apiVersion -> kind -> key
const problems = [];
const queue = [];
const want = (full) => { if (!tables.has(keyOf(messages.get(full)))) { tables.set(keyOf(messages.get(full)), null); queue.push(full); } };

function jsonTag(tag) {
  const m = /(?:^| )json:"([^"]*)"/.exec(tag);
  if (!m) return null;
  const [name, ...opts] = m[1].split(',');
  return { name, omitempty: opts.includes('omitempty'), inline: opts.includes('inline') };
}
const protoNum = (tag) => { const m = /(?:^| )protobuf:"[a-z0-9]+,(\d+),/.exec(tag); return m ? Number(m[1]) : null; };

function typeCode(pf, m) {
  if (pf.type === 11) {
    if (SPECIAL[pf.typeName]) return SPECIAL[pf.typeName];
    const target = messages.get(pf.typeName);
    if (!target) throw new Error(`unknown message ${pf.typeName}`);
    want(pf.typeName);
    const k = keyOf(target);
    return '@' + (target.pkg === m.pkg ? target.name : k);
  }
  const s = SCALAR[pf.type];
  if (!s) throw new Error(`unsupported proto type ${pf.type} in ${m.full}.${pf.name}`);
  return s;
}

function build(full) {
  const m = messages.get(full);
  const goPkg = goPkgOf(m.pkg);
  const st = structs.get(`${goPkg}.${m.name}`);
  if (!st) { problems.push(`no Go struct for ${full}`); return ''; }
  const gofields = st.fields();
  const byNum = new Map();
  for (const gf of gofields) { const n = protoNum(gf.tag); if (n !== null) byNum.set(n, gf); }
  const specs = [];
  for (const pf of [...m.fields].sort((a, b) => a.number - b.number)) {
    const gf = byNum.get(pf.number);
    if (!gf) { problems.push(`${full}.${pf.name} (#${pf.number}) has no Go field`); continue; }
    const tagName = /name=([^,"]+)/.exec(gf.tag)?.[1];
    if (tagName !== undefined && tagName !== pf.name) problems.push(`${full}: #${pf.number} proto name ${pf.name} vs Go tag ${tagName}`);
    const jt = jsonTag(gf.tag) ?? { name: gf.name, omitempty: false, inline: gf.embedded };
    if (jt.name === '-') { problems.push(`${full}.${pf.name} is json:"-"`); continue; }
    let flags = '';
    if (jt.omitempty) flags += 'o';
    if (jt.inline || (jt.name === '' && gf.embedded)) flags += 'n';
    const gk = gf.type.kind;
    if (gk === 'ptr') flags += 'p';
    let type;
    const entry = pf.type === 11 ? messages.get(pf.typeName) : undefined;
    if (entry?.mapEntry) {
      const kf = entry.fields.find((f) => f.number === 1), vf = entry.fields.find((f) => f.number === 2);
      const kc = typeCode(kf, m);
      let vc;
      if (vf.type === 11 && !SPECIAL[vf.typeName] && gf.type.elem().kind === 'slice') {
        // a named Go []string carried as a wrapper message {1: repeated items}
        const inner = messages.get(vf.typeName).fields.find((f) => f.number === 1);
        vc = '[' + typeCode(inner, m);
      } else vc = typeCode(vf, m);
      if (gk !== 'map') problems.push(`${full}.${pf.name}: proto map but Go ${gk}`);
      type = `${kc}>${vc}`;
      flags += 'm';
    } else {
      type = typeCode(pf, m);
      if (pf.label === 3) {
        flags += 'r';
        if (gk !== 'slice') problems.push(`${full}.${pf.name}: repeated but Go ${gk}`);
      } else if (pf.type === 12 && gk !== 'slice') problems.push(`${full}.${pf.name}: bytes but Go ${gk}`);
      else if (pf.type === 11 && !SPECIAL[pf.typeName] && !['struct', 'ptr'].includes(gk)) {
        // e.g. a Go slice or map type with a custom proto wrapper
        problems.push(`${full}.${pf.name}: message but Go ${gk} ${gf.type.str}`);
      }
    }
    specs.push(`${pf.number}=${jt.name}:${type}:${flags}`);
  }
  return specs.join(' ');
}

for (const [goPkg, group] of Object.entries(PACKAGES)) {
  const protoPkg = goPkg.replace(/\//g, '.');
  const version = goPkg.slice(goPkg.lastIndexOf('/') + 1);
  const apiVersion = group ? `${group}/${version}` : version;
  for (const m of messages.values()) {
    if (m.pkg !== protoPkg || m.mapEntry || m.full !== `${m.pkg}.${m.name}`) continue;
    const st = structs.get(`${goPkg}.${m.name}`);
    if (!st) continue;
    const isKind = st.fields().some((f) => f.embedded && f.type.str === 'v1.TypeMeta');
    if (!isKind || m.name.endsWith('List')) continue;
    if (group === 'meta.k8s.io' && !META_KINDS.has(m.name)) continue;
    (kinds[apiVersion] ??= {})[m.name] = keyOf(m);
    want(m.full);
  }
}
while (queue.length) { const full = queue.shift(); tables.set(keyOf(messages.get(full)), build(full)); }
for (const [k, v] of tables) if (v === null) tables.delete(k);

if (problems.length) console.error('notes:\n  ' + problems.join('\n  '));
const keys = [...tables.keys()].sort();
let out = `// Generated by tools/extract-schema.mjs from the protobuf descriptors and Go type metadata compiled into
// kubectl v1.32. Do not edit by hand: fix the generator and run it again.
//
// Each message is a space-separated list of fields "number=jsonName:type:flags".
// type: s string, B bytes (base64 in JSON), i int32, I int64, u uint32, U uint64, z sint32, Z sint64,
//   b bool, d double, f float, T metav1.Time, M metav1.MicroTime, D metav1.Duration, Q resource.Quantity,
//   N intstr.IntOrString, R runtime.RawExtension, F metav1.FieldsV1, @Msg a message (same package) or
//   @pkg/ver.Msg, K>V a map, [X a Go []X carried as a message {1: repeated X}.
// flags: o omitempty, p Go pointer, r repeated, m map, n inlined into the parent object (json ",inline").

export const MESSAGES: Readonly<Record<string, string>> = {
`;
for (const k of keys) out += `  ${JSON.stringify(k)}: ${JSON.stringify(tables.get(k))},\n`;
out += `};

/** apiVersion -> kind -> message key, for the kinds a client may send. */
export const KINDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
`;
for (const av of Object.keys(kinds).sort()) {
  out += `  ${JSON.stringify(av)}: {\n`;
  for (const kd of Object.keys(kinds[av]).sort()) out += `    ${kd}: ${JSON.stringify(kinds[av][kd])},\n`;
  out += '  },\n';
}
out += '};\n';
writeFileSync(OUT, out);
console.error(`wrote ${OUT}: ${keys.length} messages, ${out.length} bytes`);
