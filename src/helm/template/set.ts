// A set of named templates sharing one namespace, functions and options (Go's *template.Template
// with its associated templates): parse files into it, `define`d names are shared across files and
// later definitions replace earlier ones, then execute any of them by name.

import type { Tree } from './ast.js';
import { isEmptyTree } from './ast.js';
import { builtins, type FuncEntry } from './builtins.js';
import { executeTree, maxExecDepth, type Env, type MissingKey } from './exec.js';
import { goodName, signatureOf, type FuncMap } from './funcs.js';
import { parseTemplate } from './parse.js';
import { quote } from './strconv.js';

export interface TemplateSetOptions {
  /** Name of the set itself (Go: template.New(name)); appears in "no template ... associated with template NAME". */
  name?: string;
  /** Behaviour of a missing map key (Go's Option("missingkey=...")); default 'default'. Helm uses 'zero' (or 'error' when strict). */
  missingKey?: MissingKey;
  /** Functions known to the parser and used at execution (Go's Funcs). */
  funcs?: FuncMap;
  /** Action delimiters; default ["{{", "}}"]. */
  delims?: [string, string];
  /** Maximum {{template}} nesting; default Go's 100000. */
  maxDepth?: number;
}

export interface ExecOptions {
  /** Functions replacing or adding to the set's functions for this execution only. */
  funcs?: FuncMap;
  missingKey?: MissingKey;
  maxDepth?: number;
}

function toEntries(funcs: FuncMap, into: Map<string, FuncEntry>): void {
  for (const [name, fn] of Object.entries(funcs)) {
    if (!goodName(name)) throw new Error(`function name ${quote(name)} is not a valid identifier`);
    if (typeof fn !== 'function') throw new Error(`value for ${name} not a function`);
    into.set(name, { fn: fn as unknown as (...args: unknown[]) => unknown, sig: signatureOf(fn) });
  }
}

export class TemplateSet {
  readonly name: string;
  missingKey: MissingKey;
  maxDepth: number;
  private readonly delims: [string, string];
  private trees = new Map<string, Tree>();
  private funcMap = new Map<string, FuncEntry>();

  constructor(opts: TemplateSetOptions = {}) {
    this.name = opts.name ?? 'gotpl';
    this.missingKey = opts.missingKey ?? 'default';
    this.maxDepth = opts.maxDepth ?? maxExecDepth;
    this.delims = opts.delims ?? ['{{', '}}'];
    if (opts.funcs) toEntries(opts.funcs, this.funcMap);
  }

  /** Adds functions (Go's Funcs); parse-time checks see them from now on. */
  funcs(map: FuncMap): this {
    toEntries(map, this.funcMap);
    return this;
  }

  /** Whether a function of that name is known (set functions and builtins). */
  hasFunction(name: string): boolean {
    return this.funcMap.has(name) || builtins.has(name);
  }

  /**
   * Parses a template text as template `name`, adding its {{define}}/{{block}} templates to the
   * set. A definition replaces an earlier one of the same name, except that an empty body
   * (only space and comments) never replaces a non-empty one. Throws ParseError; on error nothing
   * is added.
   */
  parse(name: string, text: string): this {
    const trees = parseTemplate(name, text, {
      leftDelim: this.delims[0],
      rightDelim: this.delims[1],
      hasFunction: (n) => this.hasFunction(n),
    });
    for (const [n, tree] of trees) {
      const old = this.trees.get(n);
      if (old && isEmptyTree(tree.root) && !isEmptyTree(old.root)) continue;
      this.trees.set(n, tree);
    }
    return this;
  }

  /** The parsed tree of a template (for the executor). */
  lookup(name: string): Tree | undefined {
    return this.trees.get(name);
  }

  has(name: string): boolean {
    return this.trees.has(name);
  }

  /** Names of all templates of the set, sorted. */
  names(): string[] {
    return [...this.trees.keys()].sort();
  }

  /** Go's DefinedTemplates(): "; defined templates are: \"a\", \"b\"" or ''. */
  definedTemplates(): string {
    const names = this.names();
    return names.length === 0 ? '' : '; defined templates are: ' + names.map((n) => quote(n)).join(', ');
  }

  /** An independent copy: later parses into either set do not affect the other. */
  clone(): TemplateSet {
    const c = new TemplateSet({ name: this.name, missingKey: this.missingKey, maxDepth: this.maxDepth, delims: this.delims });
    c.trees = new Map(this.trees);
    c.funcMap = new Map(this.funcMap);
    return c;
  }

  /**
   * Executes template `name` with `data` as dot and returns its output. Throws Go's
   * `template: no template "x" associated with template "gotpl"` for an unknown name and ExecError
   * for execution errors.
   */
  execute(name: string, data: unknown, opts: ExecOptions = {}): string {
    const tree = this.trees.get(name);
    if (!tree) throw new Error(`template: no template ${quote(name)} associated with template ${quote(this.name)}`);
    let funcs: ReadonlyMap<string, FuncEntry> = this.funcMap;
    if (opts.funcs) {
      const m = new Map(this.funcMap);
      toEntries(opts.funcs, m);
      funcs = m;
    }
    const env: Env = {
      set: this,
      lookup: (n) => this.trees.get(n),
      funcs,
      missingKey: opts.missingKey ?? this.missingKey,
      maxDepth: opts.maxDepth ?? this.maxDepth,
      out: '',
      root: { overflowNode: null, overflowTemplate: '' },
    };
    return executeTree(env, tree, data, 0);
  }
}
