// Masterminds/semver v3 (the version Sprig 3.3 uses): NewVersion's loose parsing (optional "v",
// missing minor/patch), prerelease ordering, and NewConstraint/Check with its operators
// (=, !=, >, <, >=, <=, ~, ~>, ^), wildcards (1.2.x, *), hyphen ranges, "," / space AND and "||" OR,
// including the rule that prereleases only satisfy constraints that carry a prerelease.

const semVerRe =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

export class SemverError extends Error {}

const MAX_UINT64 = (1n << 64n) - 1n;

function parseSegment(s: string): bigint {
  const v = BigInt(s);
  if (v > MAX_UINT64) {
    throw new SemverError(`Error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return v;
}

function containsOnly(s: string, re: RegExp): boolean {
  return re.test(s);
}

function validatePrerelease(p: string): void {
  for (const part of p.split('.')) {
    if (containsOnly(part, /^[0-9]*$/)) {
      if (part.length > 1 && part[0] === '0') throw new SemverError('Version segment starts with 0');
    } else if (!containsOnly(part, /^[0-9A-Za-z-]*$/)) {
      throw new SemverError('Invalid Prerelease string');
    }
  }
}

function validateMetadata(m: string): void {
  for (const part of m.split('.')) {
    if (!containsOnly(part, /^[0-9A-Za-z-]*$/)) throw new SemverError('Invalid Metadata string');
  }
}

/** *semver.Version. Methods mirror the Go API so templates can call .Major, .Prerelease, ... */
export class SemverVersion {
  readonly goType = '*semver.Version';

  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
  ) {}

  /** semver.NewVersion. */
  static parse(v: string): SemverVersion {
    const m = semVerRe.exec(v);
    if (!m) throw new SemverError('Invalid Semantic Version');
    const major = parseSegment(m[1]!);
    const minor = m[2] ? parseSegment(m[2].slice(1)) : 0n;
    const patch = m[3] ? parseSegment(m[3].slice(1)) : 0n;
    const pre = m[5] ?? '';
    const metadata = m[8] ?? '';
    if (pre !== '') validatePrerelease(pre);
    if (metadata !== '') validateMetadata(metadata);
    return new SemverVersion(major, minor, patch, pre, metadata, v);
  }

  Major(): bigint {
    return this.major;
  }
  Minor(): bigint {
    return this.minor;
  }
  Patch(): bigint {
    return this.patch;
  }
  Prerelease(): string {
    return this.pre;
  }
  Metadata(): string {
    return this.metadata;
  }
  Original(): string {
    return this.original;
  }

  String(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre !== '') s += '-' + this.pre;
    if (this.metadata !== '') s += '+' + this.metadata;
    return s;
  }

  MarshalJSON(): string {
    return JSON.stringify(this.String());
  }

  Compare(o: SemverVersion): bigint {
    return BigInt(compareVersions(this, o));
  }
  LessThan(o: SemverVersion): boolean {
    return compareVersions(this, o) < 0;
  }
  LessThanEqual(o: SemverVersion): boolean {
    return compareVersions(this, o) <= 0;
  }
  GreaterThan(o: SemverVersion): boolean {
    return compareVersions(this, o) > 0;
  }
  GreaterThanEqual(o: SemverVersion): boolean {
    return compareVersions(this, o) >= 0;
  }
  Equal(o: SemverVersion): boolean {
    return compareVersions(this, o) === 0;
  }

  IncPatch(): SemverVersion {
    if (this.pre !== '') return this.with(this.major, this.minor, this.patch);
    return this.with(this.major, this.minor, this.patch + 1n);
  }
  IncMinor(): SemverVersion {
    return this.with(this.major, this.minor + 1n, 0n);
  }
  IncMajor(): SemverVersion {
    return this.with(this.major + 1n, 0n, 0n);
  }

  private with(major: bigint, minor: bigint, patch: bigint): SemverVersion {
    const prefix = this.original.startsWith('v') ? 'v' : '';
    return new SemverVersion(major, minor, patch, '', '', `${prefix}${major}.${minor}.${patch}`);
  }
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareVersions(v: SemverVersion, o: SemverVersion): number {
  let d = cmp(v.major, o.major);
  if (d !== 0) return d;
  d = cmp(v.minor, o.minor);
  if (d !== 0) return d;
  d = cmp(v.patch, o.patch);
  if (d !== 0) return d;
  const ps = v.pre;
  const po = o.pre;
  if (ps === '' && po === '') return 0;
  if (ps === '') return 1;
  if (po === '') return -1;
  return comparePrerelease(ps, po);
}

function comparePrerelease(v: string, o: string): number {
  const sparts = v.split('.');
  const oparts = o.split('.');
  const l = Math.max(sparts.length, oparts.length);
  for (let i = 0; i < l; i++) {
    const d = comparePrePart(sparts[i] ?? '', oparts[i] ?? '');
    if (d !== 0) return d;
  }
  return 0;
}

function asUint(s: string): bigint | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v > MAX_UINT64 ? undefined : v;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === '') return o !== '' ? -1 : 1;
  if (o === '') return s !== '' ? 1 : -1;
  const oi = asUint(o);
  const si = asUint(s);
  if (oi === undefined && si === undefined) return s > o ? 1 : -1;
  if (oi === undefined) return -1;
  if (si === undefined) return 1;
  return si > oi ? 1 : -1;
}

// ---------------------------------------------------------------------------------------------
// Constraints

const cvRegex =
  'v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?' +
  '(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?' +
  '(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?';
const ops = '=||!=|>|<|>=|=>|<=|=<|~|~>|\\^';
// Go's \s is [\t\n\f\r ].
const S = '[\\t\\n\\f\\r ]';

const constraintRegex = new RegExp(`^${S}*(${ops})${S}*(${cvRegex})${S}*$`);
const constraintRangeRegex = new RegExp(`${S}*(${cvRegex})${S}+-${S}+(${cvRegex})${S}*`, 'g');
const findConstraintRegex = new RegExp(`(${ops})${S}*(${cvRegex})`, 'g');
const validConstraintRegex = new RegExp(
  `^(${S}*(${ops})${S}*(${cvRegex})${S}*)((?:${S}+|,${S}*)(${ops})${S}*(${cvRegex})${S}*)*$`,
);

interface Constraint {
  con: SemverVersion;
  orig: string;
  origfunc: string;
  minorDirty: boolean;
  patchDirty: boolean;
  dirty: boolean;
}

function isX(x: string): boolean {
  return x === 'x' || x === '*' || x === 'X';
}

function parseConstraint(c: string): Constraint {
  if (c.length > 0) {
    const m = constraintRegex.exec(c);
    if (!m) throw new SemverError(`improper constraint: ${c}`);
    const cs = { orig: m[2]!, origfunc: m[1]! };
    let ver = m[2]!;
    let minorDirty = false;
    let patchDirty = false;
    let dirty = false;
    const m3 = m[3] ?? '';
    const m4 = m[4] ?? '';
    const m5 = m[5] ?? '';
    const m6 = m[6] ?? '';
    if (isX(m3) || m3 === '') {
      ver = `0.0.0${m6}`;
      dirty = true;
    } else if (isX(m4.replace(/^\./, '')) || m4 === '') {
      minorDirty = true;
      dirty = true;
      ver = `${m3}.0.0${m6}`;
    } else if (isX(m5.replace(/^\./, '')) || m5 === '') {
      dirty = true;
      patchDirty = true;
      ver = `${m3}${m4}.0${m6}`;
    }
    let con: SemverVersion;
    try {
      con = SemverVersion.parse(ver);
    } catch {
      throw new SemverError('constraint Parser Error');
    }
    return { ...cs, con, minorDirty, patchDirty, dirty };
  }
  return { con: SemverVersion.parse('0.0.0'), orig: c, origfunc: '', minorDirty: false, patchDirty: false, dirty: true };
}

function rewriteRange(i: string): string {
  const ms = [...i.matchAll(constraintRangeRegex)];
  let o = i;
  for (const v of ms) {
    o = o.replace(v[0], `>= ${v[1]}, <= ${v[11]}`);
  }
  return o;
}

function preReject(v: SemverVersion, c: Constraint): boolean {
  return v.pre !== '' && c.con.pre === '';
}

function checkTilde(v: SemverVersion, c: Constraint): boolean {
  if (preReject(v, c)) return false;
  if (v.LessThan(c.con)) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  if (v.minor !== c.con.minor && !c.minorDirty) return false;
  return true;
}

const checks: Record<string, (v: SemverVersion, c: Constraint) => boolean> = {
  '': (v, c) => {
    if (preReject(v, c)) return false;
    if (c.dirty) return checkTilde(v, c);
    return v.Equal(c.con);
  },
  '!=': (v, c) => {
    if (c.dirty) {
      if (v.pre !== '' && c.con.pre === '') return false;
      if (c.con.major !== v.major) return true;
      if (c.con.minor !== v.minor && !c.minorDirty) return true;
      else if (c.minorDirty) return false;
      else if (c.con.patch !== v.patch && !c.patchDirty) return true;
      else if (c.patchDirty) {
        if (v.pre !== '' || c.con.pre !== '') return comparePrerelease(v.pre, c.con.pre) !== 0;
        return false;
      }
    }
    return !v.Equal(c.con);
  },
  '>': (v, c) => {
    if (preReject(v, c)) return false;
    if (!c.dirty) return compareVersions(v, c.con) === 1;
    if (v.major > c.con.major) return true;
    if (v.major < c.con.major) return false;
    if (c.minorDirty) return false;
    if (c.patchDirty) return v.minor > c.con.minor;
    return compareVersions(v, c.con) === 1;
  },
  '<': (v, c) => {
    if (preReject(v, c)) return false;
    return compareVersions(v, c.con) < 0;
  },
  '>=': (v, c) => {
    if (preReject(v, c)) return false;
    return compareVersions(v, c.con) >= 0;
  },
  '<=': (v, c) => {
    if (preReject(v, c)) return false;
    if (!c.dirty) return compareVersions(v, c.con) <= 0;
    if (v.major > c.con.major) return false;
    if (v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty) return false;
    return true;
  },
  '~': checkTilde,
  '^': (v, c) => {
    if (preReject(v, c)) return false;
    if (v.LessThan(c.con)) return false;
    if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
    if (c.con.major === 0n && v.major > 0n) return false;
    if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
    if (c.con.minor === 0n && v.minor > 0n) return false;
    return c.con.patch === v.patch;
  },
};
checks['='] = checks['']!;
checks['=>'] = checks['>=']!;
checks['=<'] = checks['<=']!;
checks['~>'] = checks['~']!;

/** semver.Constraints. */
export class SemverConstraints {
  private constructor(private readonly ors: Constraint[][]) {}

  /** semver.NewConstraint. */
  static parse(c: string): SemverConstraints {
    c = rewriteRange(c);
    const ors: Constraint[][] = [];
    for (const v of c.split('||')) {
      if (!validConstraintRegex.test(v)) throw new SemverError(`improper constraint: ${v}`);
      let cs = [...v.matchAll(findConstraintRegex)].map((m) => m[0]);
      if (cs.length === 0) cs = [v];
      ors.push(cs.map(parseConstraint));
    }
    return new SemverConstraints(ors);
  }

  check(v: SemverVersion): boolean {
    return this.ors.some((and) => and.every((c) => checks[c.origfunc]!(v, c)));
  }
}
