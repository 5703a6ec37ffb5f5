// Reads Go runtime type metadata (struct fields with their tags and types) out of a
// statically linked Go 1.23 amd64 ELF binary. Used only by extract-schema.mjs.
import { readFileSync } from 'node:fs';

const KIND = { 1: 'bool', 2: 'int', 3: 'int8', 4: 'int16', 5: 'int32', 6: 'int64', 7: 'uint', 8: 'uint8', 9: 'uint16',
  10: 'uint32', 11: 'uint64', 12: 'uintptr', 13: 'float32', 14: 'float64', 15: 'complex64', 16: 'complex128',
  17: 'array', 18: 'chan', 19: 'func', 20: 'interface', 21: 'map', 22: 'ptr', 23: 'slice', 24: 'string', 25: 'struct', 26: 'unsafeptr' };

export function openGoBinary(path) {
  const buf = readFileSync(path);
  // ELF64 section headers
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({ nameOff: buf.readUInt32LE(o), type: buf.readUInt32LE(o + 4), addr: Number(buf.readBigUInt64LE(o + 16)),
      off: Number(buf.readBigUInt64LE(o + 24)), size: Number(buf.readBigUInt64LE(o + 32)) });
  }
  const strtab = sections[shstrndx];
  for (const s of sections) {
    let e = strtab.off + s.nameOff;
    while (buf[e] !== 0) e++;
    s.name = buf.toString('latin1', strtab.off + s.nameOff, e);
  }
  const sec = (n) => sections.find((s) => s.name === n);
  const fileOff = (addr) => {
    for (const s of sections) if (s.type !== 8 && s.addr && addr >= s.addr && addr < s.addr + s.size) return s.off + (addr - s.addr);
    throw new Error(`address 0x${addr.toString(16)} not mapped`);
  };
  const u8 = (a) => buf[fileOff(a)];
  const u64 = (a) => Number(buf.readBigUInt64LE(fileOff(a)));
  const i32 = (a) => buf.readInt32LE(fileOff(a));
  const rodata = sec('.rodata');
  const typesBase = rodata.addr; // moduledata.types starts at .rodata for the Go internal linker
  const readName = (a) => {
    const o = fileOff(a);
    const flags = buf[o];
    let p = o + 1, len = 0, shift = 0;
    for (;;) { const b = buf[p++]; len |= (b & 0x7f) << shift; shift += 7; if (!(b & 0x80)) break; }
    const name = buf.toString('utf8', p, p + len);
    p += len;
    let tag = '';
    if (flags & 2) {
      let tl = 0; shift = 0;
      for (;;) { const b = buf[p++]; tl |= (b & 0x7f) << shift; shift += 7; if (!(b & 0x80)) break; }
      tag = buf.toString('utf8', p, p + tl);
    }
    return { name, tag, embedded: (flags & 8) !== 0 };
  };
  const cache = new Map();
  function type(a) {
    if (cache.has(a)) return cache.get(a);
    const t = { addr: a };
    cache.set(a, t);
    const tflag = u8(a + 20);
    t.kind = KIND[u8(a + 23) & 0x1f];
    let str = readName(typesBase + i32(a + 40)).name;
    if (tflag & 2) str = str.slice(1);
    t.str = str;
    t.named = (tflag & 4) !== 0;
    let uncommonAt = -1;
    switch (t.kind) {
      case 'ptr': case 'slice': t.elem = () => type(u64(a + 48)); uncommonAt = 56; break;
      case 'array': t.elem = () => type(u64(a + 48)); t.len = u64(a + 64); uncommonAt = 72; break;
      case 'map': t.key = () => type(u64(a + 48)); t.elem = () => type(u64(a + 56)); uncommonAt = 88; break;
      case 'struct': {
        const fp = u64(a + 56), n = u64(a + 64);
        t.fields = () => {
          const out = [];
          for (let i = 0; i < n; i++) {
            const f = fp + i * 24;
            const nm = readName(u64(f));
            out.push({ name: nm.name, tag: nm.tag, embedded: nm.embedded, type: type(u64(f + 8)) });
          }
          return out;
        };
        uncommonAt = 80;
        break;
      }
      case 'interface': uncommonAt = 80; break;
      default: uncommonAt = 48;
    }
    if ((tflag & 1) && uncommonAt >= 0 && t.kind !== 'interface' && t.kind !== 'func' && t.kind !== 'chan') {
      t.pkgPath = readName(typesBase + i32(a + uncommonAt)).name;
    }
    return t;
  }
  function typelinks() {
    const tl = sec('.typelink');
    const out = [];
    for (let i = 0; i < tl.size; i += 4) out.push(type(typesBase + buf.readInt32LE(tl.off + i)));
    return out;
  }
  return { buf, type, typelinks };
}

/** Every named struct type reachable from the typelinks, keyed "pkgPath.Name". */
export function namedStructs(bin) {
  const out = new Map();
  const seen = new Set();
  const stack = bin.typelinks();
  while (stack.length) {
    const t = stack.pop();
    if (seen.has(t.addr)) continue;
    seen.add(t.addr);
    if (t.kind === 'struct') {
      let fields;
      try { fields = t.fields(); } catch { continue; }
      if (t.named && t.pkgPath) {
        const short = t.str.slice(t.str.lastIndexOf('.') + 1);
        out.set(`${t.pkgPath}.${short}`, t);
      }
      for (const f of fields) stack.push(f.type);
    } else if (t.elem) {
      try { stack.push(t.elem()); } catch { /* ignore */ }
      if (t.key) try { stack.push(t.key()); } catch { /* ignore */ }
    }
  }
  return out;
}
