// Execution of parsed templates with Go's text/template semantics (exec.go), in the Go value model
// of values.ts.
//
// Go distinguishes an *invalid* reflect.Value (a missing value) from a *nil interface* value (a map
// entry or slice element holding nil, or a missing key under missingkey=zero). The executor keeps
// that distinction: undefined is invalid, null is a nil interface. A pipeline's result is unwrapped
// (null becomes undefined), as Go's evalPipeline does. Where Go reports a static type in errors
// ("can't evaluate field x in type interface {}"), the executor tracks whether a value came out of
// a map or slice (an interface {} element).

import type {
  ActionNode, ArgNode, BranchNode, ChainNode, CommandNode, FieldNode, IdentifierNode, ListNode, Node,
  NumberNode, PipeNode, TemplateNode, Tree, VariableNode,
} from './ast.js';
import { nodeString } from './ast.js';
import { builtins, type FuncEntry } from './builtins.js';
import { ExecError } from './errors.js';
import { signatureOf, valueParam, type ExecContext, type Param } from './funcs.js';
import { fmtTypeName, formatValue } from './gofmt.js';
import type { TemplateSet } from './set.js';
import { quote } from './strconv.js';
import { isMap, isNamedMap, sortedKeys, truthy } from './values.js';

/**
 * What a missing map key evaluates to: 'default'/'invalid' print "<no value>" and stop nothing,
 * 'zero' yields the element type's zero value (nil for interface{} maps), 'error' stops execution.
 */
export type MissingKey = 'default' | 'invalid' | 'zero' | 'error';

/** Go's maxExecDepth: {{template}} nesting beyond this is an error. */
export const maxExecDepth = 100000;

/** Per-execution settings and output, shared by the states of one execution. */
export interface Env {
  set: TemplateSet;
  lookup: (name: string) => Tree | undefined;
  funcs: ReadonlyMap<string, FuncEntry>;
  missingKey: MissingKey;
  maxDepth: number;
  out: string;
  /** Shared by nested executions: where a JS stack overflow was first seen. */
  root: { overflowNode: Node | null; overflowTemplate: string };
}

const MISSING: unique symbol = Symbol('missing');
/** The value piped into a command from the previous one, or MISSING. */
type Final = unknown;

const enum Flow {
  Normal,
  Break,
  Continue,
}

interface Variable {
  name: string;
  value: unknown;
  /** Whether the value is an interface {} element (of a map or slice). */
  iface: boolean;
}

export function isStackOverflow(e: unknown): boolean {
  if (!(e instanceof RangeError)) return false;
  try {
    return e.message.includes('call stack');
  } catch {
    return true; // no stack left even for the check
  }
}

function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Go's Tree.ErrorContext: "NAME:LINE:COL" (COL a 0-based byte offset) and the node's text. */
export function errorContext(n: Node): [string, string] {
  const text = n.tree.text.slice(0, n.pos);
  const nl = text.lastIndexOf('\n');
  const byteNum = nl === -1 ? byteLength(text) : byteLength(text.slice(nl + 1));
  let lineNum = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineNum++;
  return [`${n.tree.parseName}:${lineNum}:${byteNum}`, nodeString(n)];
}

function isStructLike(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !isMap(v);
}

/**
 * A method of a value: a function-valued property of an object whose prototype is not a plain one
 * (class instances, or Array subclasses standing for Go named slice types such as VersionSet).
 * Plain maps and slices have no methods.
 */
function methodOf(v: object, name: string): ((...args: unknown[]) => unknown) | undefined {
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null || proto === Array.prototype || name === 'constructor') return undefined;
  const m = (v as Record<string, unknown>)[name];
  if (typeof m !== 'function') return undefined;
  const builtinMember = (Object.prototype as unknown as Record<string, unknown>)[name] === m ||
    (Array.prototype as unknown as Record<string, unknown>)[name] === m ||
    (Uint8Array.prototype as unknown as Record<string, unknown>)[name] === m;
  return builtinMember ? undefined : (m as (...args: unknown[]) => unknown);
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}

/** The execution state of one template invocation (Go's state); also the ExecContext of functions. */
export class State implements ExecContext {
  private node: Node | null = null;
  /** iface flag of the last evalField result. */
  private resultIface = false;

  constructor(
    private readonly env: Env,
    private readonly tmpl: Tree,
    readonly depth: number,
    private readonly vars: Variable[],
  ) {}

  get templateName(): string {
    return this.tmpl.name;
  }

  get set(): TemplateSet {
    return this.env.set;
  }

  execute(name: string, data: unknown): string {
    return this.executeIn(this.env.set, name, data);
  }

  executeIn(set: TemplateSet, name: string, data: unknown): string {
    const tree = set.lookup(name);
    if (!tree) throw new Error(`template: no template ${quote(name)} associated with template ${quote(set.name)}`);
    const env: Env = { ...this.env, set, lookup: (n) => set.lookup(n), out: '' };
    const st = new State(env, tree, this.depth + 1, [{ name: '$', value: data, iface: false }]);
    st.walk(data, false, tree.root);
    return env.out;
  }

  // --- errors -----------------------------------------------------------------------------------

  private at(node: Node): void {
    this.node = node;
  }

  errorf(detail: string, cause?: unknown): never {
    if (this.node === null) throw new ExecError(this.tmpl.name, '', '', detail, cause === undefined ? undefined : { cause });
    const [location, context] = errorContext(this.node);
    throw new ExecError(this.tmpl.name, location, context, detail, cause === undefined ? undefined : { cause });
  }

  // --- variables ----------------------------------------------------------------------------------

  private setVar(name: string, value: unknown, iface: boolean): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) {
        v.value = value;
        v.iface = iface;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: unknown, iface: boolean): void {
    const v = this.vars[this.vars.length - n]!;
    v.value = value;
    v.iface = iface;
  }

  private varValue(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) return v;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // --- walking --------------------------------------------------------------------------------------

  walk(dot: unknown, dotIface: boolean, node: Node): Flow {
    this.at(node);
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, dotIface, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return Flow.Normal;
      }
      case 'break': return Flow.Break;
      case 'continue': return Flow.Continue;
      case 'comment': return Flow.Normal;
      case 'if': case 'with': return this.walkIfOrWith(dot, dotIface, node);
      case 'list':
        // Lists are walked inline (here and in if/with/range) to keep the JS stack shallow.
        for (const n of node.nodes) {
          const f = this.walk(dot, dotIface, n);
          if (f !== Flow.Normal) return f;
        }
        return Flow.Normal;
      case 'range': return this.walkRange(dot, dotIface, node);
      case 'template': this.walkTemplate(dot, dotIface, node); return Flow.Normal;
      case 'text': this.env.out += node.text; return Flow.Normal;
      default: this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(dot: unknown, dotIface: boolean, node: BranchNode): Flow {
    const mark = this.vars.length;
    const val = this.evalPipeline(dot, dotIface, node.pipe);
    let list: ListNode | null = node.elseList;
    if (truthy(val)) {
      list = node.list;
      if (node.kind === 'with') {
        dot = val;
        dotIface = false;
      }
    }
    let f = Flow.Normal;
    if (list) {
      for (const n of list.nodes) {
        f = this.walk(dot, dotIface, n);
        if (f !== Flow.Normal) break;
      }
    }
    this.vars.length = mark;
    return f;
  }

  private walkRange(dot: unknown, dotIface: boolean, r: BranchNode): Flow {
    this.at(r);
    const mark0 = this.vars.length;
    const val = this.evalPipeline(dot, dotIface, r.pipe);
    const mark = this.vars.length;
    const decl = r.pipe.decl;
    // Returns true when the loop must stop ({{break}}).
    const oneIteration = (index: unknown, elem: unknown, elemIface: boolean): boolean => {
      if (decl.length > 0) {
        if (r.pipe.isAssign) {
          if (decl.length > 1) this.setVar(decl[0]!.ident[0]!, index, false);
          else this.setVar(decl[0]!.ident[0]!, elem, elemIface);
        } else {
          this.setTopVar(1, elem, elemIface);
        }
      }
      if (decl.length > 1) {
        if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem, elemIface);
        else this.setTopVar(2, index, false);
      }
      let f = Flow.Normal;
      for (const n of r.list.nodes) {
        f = this.walk(elem, elemIface, n);
        if (f !== Flow.Normal) break;
      }
      this.vars.length = mark;
      return f === Flow.Break;
    };
    let iterated = false;
    if (Array.isArray(val)) {
      for (let i = 0; i < val.length; i++) {
        iterated = true;
        const e: unknown = val[i];
        if (oneIteration(BigInt(i), e === undefined ? null : e, true)) break;
      }
    } else if (val instanceof Uint8Array) {
      for (let i = 0; i < val.length; i++) {
        iterated = true;
        if (oneIteration(BigInt(i), BigInt(val[i]!), false)) break;
      }
    } else if (isMap(val) || isNamedMap(val)) {
      for (const k of sortedKeys(val)) {
        iterated = true;
        const e: unknown = val[k];
        if (oneIteration(k, e === undefined ? null : e, true)) break;
      }
    } else if (typeof val === 'bigint') {
      if (decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
      for (let i = 0n; i < val; i++) {
        iterated = true;
        if (oneIteration(i, i, false)) break;
      }
    } else if (val !== undefined && val !== null) {
      this.errorf(`range can't iterate over ${formatValue(val)}`);
    }
    if (!iterated && r.elseList) this.walk(dot, dotIface, r.elseList);
    this.vars.length = mark0;
    return Flow.Normal;
  }

  private walkTemplate(dot: unknown, dotIface: boolean, t: TemplateNode): void {
    this.at(t);
    const tree = this.env.lookup(t.name);
    if (!tree) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth >= this.env.maxDepth) this.errorf(`exceeded maximum template depth (${this.env.maxDepth})`);
    const newDot = this.evalPipeline(dot, dotIface, t.pipe);
    const st = new State(this.env, tree, this.depth + 1, [{ name: '$', value: newDot, iface: false }]);
    try {
      st.walk(newDot, false, tree.root);
    } catch (e) {
      if (isStackOverflow(e) && this.env.root.overflowNode === null) {
        this.env.root.overflowNode = t;
        this.env.root.overflowTemplate = this.tmpl.name;
      }
      throw e;
    }
  }

  // --- evaluation ---------------------------------------------------------------------------------

  evalPipeline(dot: unknown, dotIface: boolean, pipe: PipeNode | null): unknown {
    if (pipe === null) return undefined;
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, dotIface, cmd, value);
      if (value === null) value = undefined; // unwrap a nil interface{}
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value, false);
      else this.vars.push({ name: v.ident[0]!, value, iface: false });
    }
    return value;
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalCommand(dot: unknown, dotIface: boolean, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field': return this.evalFieldNode(dot, dotIface, first, cmd.args, final);
      case 'chain': return this.evalChainNode(dot, dotIface, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, dotIface, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, dotIface, first);
      case 'variable': return this.evalVariableNode(dot, dotIface, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': this.errorf('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  private idealConstant(c: NumberNode): unknown {
    this.at(c);
    if (c.isFloat && !isHexInt(c.text) && c.text[0] !== "'" && /[.eEpP]/.test(c.text)) return c.float64;
    if (c.isInt) return c.int64;
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: unknown, dotIface: boolean, field: FieldNode, args: ArgNode[] | null, final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dotIface, dot, dotIface, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, dotIface: boolean, chain: ChainNode, args: ArgNode[] | null, final: Final): unknown {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, dotIface, null, chain.node);
    return this.evalFieldChain(dot, dotIface, pipe, chain.node.kind === 'identifier', chain, chain.field, args, final);
  }

  private evalVariableNode(dot: unknown, dotIface: boolean, v: VariableNode, args: ArgNode[] | null, final: Final): unknown {
    this.at(v);
    const variable = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args ?? [v], final);
      return variable.value;
    }
    return this.evalFieldChain(dot, dotIface, variable.value, variable.iface, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: unknown, dotIface: boolean, receiver: unknown, recvIface: boolean, node: Node, ident: string[],
    args: ArgNode[] | null, final: Final,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      receiver = this.evalField(dot, dotIface, ident[i]!, node, null, MISSING, receiver, recvIface);
      recvIface = this.resultIface;
    }
    return this.evalField(dot, dotIface, ident[n - 1]!, node, args, final, receiver, recvIface);
  }

  private evalFunction(
    dot: unknown, dotIface: boolean, node: IdentifierNode, cmd: Node, args: ArgNode[] | null, final: Final,
  ): unknown {
    this.at(node);
    const name = node.ident;
    const user = this.env.funcs.get(name);
    const fn = user ?? builtins.get(name);
    if (!fn) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, dotIface, fn, user === undefined, cmd, name, args, final, this);
  }

  private evalField(
    dot: unknown, dotIface: boolean, fieldName: string, node: Node, args: ArgNode[] | null, final: Final,
    receiver: unknown, recvIface: boolean,
  ): unknown {
    this.resultIface = false;
    if (receiver === undefined || (receiver === null && !recvIface)) {
      if (this.env.missingKey === 'error') this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      return undefined;
    }
    const typ = recvIface ? 'interface {}' : fmtTypeName(receiver);
    if (receiver === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    if (typeof receiver === 'object') {
      const m = methodOf(receiver, fieldName);
      if (m) {
        this.resultIface = true;
        return this.evalCall(dot, dotIface, { fn: m, sig: signatureOf(m) }, false, node, fieldName, args, final, receiver);
      }
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (isMap(receiver)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      if (Object.prototype.hasOwnProperty.call(receiver, fieldName)) {
        this.resultIface = true;
        const v = receiver[fieldName];
        return v === undefined ? null : v;
      }
      switch (this.env.missingKey) {
        case 'zero':
          this.resultIface = true;
          return null;
        case 'error':
          this.errorf(`map has no entry for key ${quote(fieldName)}`);
        default:
          return undefined;
      }
    }
    if (isStructLike(receiver) && fieldName in receiver) {
      if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      const v = receiver[fieldName];
      return v === null ? undefined : v;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  private evalCall(
    dot: unknown, dotIface: boolean, fun: FuncEntry, isBuiltin: boolean, node: Node, name: string,
    args: ArgNode[] | null, final: Final, thisArg: unknown,
  ): unknown {
    const argNodes = args ? args.slice(1) : [];
    const sig = fun.sig;
    const numIn = argNodes.length + (final !== MISSING ? 1 : 0);
    let numFixed = argNodes.length;
    if (sig.variadic) {
      numFixed = sig.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${argNodes.length}`);
    } else if (numIn !== sig.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${sig.params.length} got ${numIn}`);
    }

    // and/or short-circuit and return the deciding operand.
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: unknown;
      for (const arg of argNodes) {
        v = this.evalArg(dot, dotIface, valueParam, arg);
        if (truthy(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, valueParam);
      return v;
    }

    const argv: unknown[] = [];
    if (isBuiltin && name === 'call') argv.push(argNodes.length > 0 ? nodeString(argNodes[0]!) : '');
    let i = 0;
    for (; i < numFixed && i < argNodes.length; i++) argv.push(this.evalArg(dot, dotIface, sig.params[i]!, argNodes[i]!));
    if (sig.variadic) {
      for (; i < argNodes.length; i++) argv.push(this.evalArg(dot, dotIface, sig.variadic, argNodes[i]!));
    }
    if (final !== MISSING) {
      let t: Param;
      if (sig.variadic) t = numIn - 1 < numFixed ? sig.params[numIn - 1]! : sig.variadic;
      else t = sig.params[sig.params.length - 1]!;
      argv.push(this.validateType(final, t));
    }
    let result: unknown;
    try {
      result = fun.fn.apply(thisArg, argv);
    } catch (e) {
      if (isStackOverflow(e)) {
        if (this.env.root.overflowNode === null) {
          this.env.root.overflowNode = node;
          this.env.root.overflowTemplate = this.tmpl.name;
        }
        throw e;
      }
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`, e);
    }
    if (!isBuiltin && result === undefined) return null;
    return result;
  }

  private validateType(value: unknown, p: Param | null): unknown {
    if (value === undefined) {
      if (p === null) return undefined;
      switch (p.kind) {
        case 'value': return undefined;
        case 'any': case 'slice': case 'map': return null;
      }
      this.errorf(`invalid value; expected ${p.goName}`);
    }
    if (p === null || p.kind === 'value' || p.kind === 'any') return value;
    let ok: boolean;
    switch (p.kind) {
      case 'string': ok = typeof value === 'string'; break;
      case 'bool': ok = typeof value === 'boolean'; break;
      case 'float64': ok = typeof value === 'number'; break;
      case 'int': ok = typeof value === 'bigint'; break;
      case 'slice': ok = Array.isArray(value); break;
      case 'map': ok = isMap(value); break;
    }
    if (!ok) this.errorf(`wrong type for value; expected ${p.goName}; got ${value === null ? 'interface {}' : fmtTypeName(value)}`);
    return value;
  }

  private evalArg(dot: unknown, dotIface: boolean, p: Param | null, n: ArgNode): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot': return this.validateType(dot, p);
      case 'nil':
        if (p === null || p.kind === 'value') return undefined;
        if (p.kind === 'any' || p.kind === 'slice' || p.kind === 'map') return null;
        this.errorf(`cannot assign nil to ${p.goName}`);
      case 'field': return this.validateType(this.evalFieldNode(dot, dotIface, n, [n], MISSING), p);
      case 'variable': return this.validateType(this.evalVariableNode(dot, dotIface, n, null, MISSING), p);
      case 'pipe': return this.validateType(this.evalPipeline(dot, dotIface, n), p);
      case 'identifier': return this.validateType(this.evalFunction(dot, dotIface, n, n, null, MISSING), p);
      case 'chain': return this.validateType(this.evalChainNode(dot, dotIface, n, null, MISSING), p);
    }
    const kind = p === null ? 'any' : p.kind;
    switch (kind) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float64':
        if (n.kind === 'number' && n.isFloat) return n.float64;
        this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int':
        if (n.kind === 'number' && n.isInt) return n.int64;
        this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      case 'any': case 'value':
        return this.evalEmptyInterface(n);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${p?.goName ?? 'interface {}'}`);
  }

  private evalEmptyInterface(n: ArgNode): unknown {
    this.at(n);
    switch (n.kind) {
      case 'bool': return n.value;
      case 'number': return this.idealConstant(n);
      case 'string': return n.text;
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  private printValue(n: ActionNode, v: unknown): void {
    this.at(n);
    if (v === undefined || v === null) {
      this.env.out += '<no value>';
      return;
    }
    if (typeof v === 'function') this.errorf(`can't print ${nodeString(n)} of type ${fmtTypeName(v)}`);
    this.env.out += typeof v === 'string' ? v : formatValue(v);
  }
}

/** Runs a template tree as the top of an execution; converts a JS stack overflow to Go's depth error. */
export function executeTree(env: Env, tree: Tree, data: unknown, depth: number): string {
  const st = new State(env, tree, depth, [{ name: '$', value: data, iface: false }]);
  try {
    st.walk(data, false, tree.root);
  } catch (e) {
    if (isStackOverflow(e)) {
      const node = env.root.overflowNode;
      const [location, context] = node ? errorContext(node) : ['', ''];
      throw new ExecError(node ? env.root.overflowTemplate : tree.name, location, context, `exceeded maximum template depth (${env.maxDepth})`);
    }
    throw e;
  }
  return env.out;
}

