// .helmignore rules (pkg/ignore): gitignore-like patterns matched with Go's filepath.Match against
// the path (patterns with a slash) or the base name, `!` negation, trailing `/` for directories.

export interface IgnoreRule {
  pattern: string;
  negate: boolean;
  mustDir: boolean;
  matcher: (path: string, base: string) => boolean;
}

/** Go's path.Match (`*`, `?`, `[...]`, `\` escapes; `*` does not cross '/'). */
export function goMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false;
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1).replace(/\\/g, '\\\\');
      else cls = cls.replace(/\\/g, '\\\\');
      re += `[${cls}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  try {
    return new RegExp(re + '$').test(name);
  } catch {
    return false;
  }
}

function parseRule(line: string): IgnoreRule | undefined {
  let rule = line.trim();
  if (rule === '' || rule.startsWith('#')) return undefined;
  if (rule.includes('**')) throw new Error('double-star (**) syntax is not supported');
  let negate = false;
  if (rule.startsWith('!')) {
    negate = true;
    rule = rule.slice(1);
  }
  let mustDir = false;
  if (rule.endsWith('/')) {
    mustDir = true;
    rule = rule.replace(/\/+$/, '');
  }
  const pattern = rule;
  let matcher: IgnoreRule['matcher'];
  if (rule.startsWith('/')) {
    const p = rule.slice(1);
    matcher = (path) => goMatch(p, path);
  } else if (rule.includes('/')) {
    matcher = (path) => goMatch(rule, path);
  } else {
    matcher = (_path, base) => goMatch(rule, base);
  }
  return { pattern, negate, mustDir, matcher };
}

export class HelmIgnore {
  readonly rules: IgnoreRule[] = [];

  static parse(text: string): HelmIgnore {
    const r = new HelmIgnore();
    for (const line of text.split(/\r?\n/)) {
      const rule = parseRule(line);
      if (rule) r.rules.push(rule);
    }
    return r;
  }

  /** Helm's defaults: hidden files under templates/ are ignored. */
  addDefaults(): this {
    const rule = parseRule('templates/.?*');
    if (rule) this.rules.push(rule);
    return this;
  }

  /** Whether a chart-relative path (with '/' separators) is ignored. */
  ignore(path: string, isDir: boolean): boolean {
    if (path === '' || path === '.' || path === './') return false;
    const base = path.slice(path.lastIndexOf('/') + 1);
    for (const r of this.rules) {
      if (r.negate) {
        if (r.mustDir && !isDir) return true;
        if (!r.matcher(path, base)) return true;
        continue;
      }
      if (r.mustDir && !isDir) continue;
      if (r.matcher(path, base)) return true;
    }
    return false;
  }
}
