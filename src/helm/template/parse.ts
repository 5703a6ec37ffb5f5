// Parser for Go's text/template syntax, following text/template/parse: builds the trees of one
// template text (the top-level template and every {{define}} / {{block}} in it) with Go's parse
// error messages (`template: NAME:LINE: ...`).

import type {
  ArgNode, BranchNode, ChainNode, CommandNode, ElseNode, EndNode, FieldNode, ListNode, Node, NumberNode,
  PipeNode, TemplateNode, Tree, VariableNode,
} from './ast.js';
import { isEmptyTree, nodeString } from './ast.js';
import { ParseError } from './errors.js';
import { ItemType, Lexer, itemString, type Item } from './lex.js';
import { parseGoFloat, parseGoInt, quote, unquote, unquoteChar } from './strconv.js';

export interface ParseOptions {
  leftDelim?: string;
  rightDelim?: string;
  /** Whether a function name is defined (builtins included); unknown identifiers are parse errors. */
  hasFunction: (name: string) => boolean;
  /** Skip the function-defined check (Go's parse.SkipFuncCheck). */
  skipFuncCheck?: boolean;
}

const maxStackDepth = 10000;

/** Parses a template text; returns every tree it defines, keyed by name (the top-level one as `name`). */
export function parseTemplate(name: string, text: string, opts: ParseOptions): Map<string, Tree> {
  const ctx: ParseContext = {
    lex: new Lexer(text, {
      leftDelim: opts.leftDelim,
      rightDelim: opts.rightDelim,
      breakOK: !opts.hasFunction('break'),
      continueOK: !opts.hasFunction('continue'),
    }),
    treeSet: new Map(),
    parseName: name,
    text,
    opts,
  };
  const p = new TreeParser(name, ctx);
  p.parse();
  p.add();
  return ctx.treeSet;
}

interface ParseContext {
  lex: Lexer;
  treeSet: Map<string, Tree>;
  parseName: string;
  text: string;
  opts: ParseOptions;
}

const noItem: Item = { typ: ItemType.EOF, pos: 0, val: '', line: 0 };

class TreeParser {
  readonly tree: Tree;
  private token: [Item, Item, Item] = [noItem, noItem, noItem];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(name: string, private readonly ctx: ParseContext) {
    this.tree = { name, parseName: ctx.parseName, text: ctx.text, root: null as unknown as ListNode };
  }

  // --- token buffer (three-token lookahead, as Go's parser) ------------------------------------

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.ctx.lex.nextItem();
    return this.token[this.peekCount]!;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.ctx.lex.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    for (;;) {
      const t = this.next();
      if (t.typ !== ItemType.Space) return t;
    }
  }

  private peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  // --- errors ---------------------------------------------------------------------------------

  private errorf(msg: string): never {
    throw new ParseError(this.ctx.parseName, this.token[0].line, msg);
  }

  private expect(expected: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== expected) this.unexpected(t, context);
    return t;
  }

  private expectOneOf(e1: ItemType, e2: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== e1 && t.typ !== e2) this.unexpected(t, context);
    return t;
  }

  private unexpected(token: Item, context: string): never {
    if (token.typ === ItemType.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.ctx.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  private unquote(s: string): string {
    try {
      return unquote(s);
    } catch (e) {
      this.errorf((e as Error).message);
    }
  }

  // --- node constructors -----------------------------------------------------------------------

  private newList(pos: number): ListNode {
    return { kind: 'list', pos, tree: this.tree, nodes: [] };
  }

  private newPipeline(pos: number, line: number): PipeNode {
    return { kind: 'pipe', pos, line, tree: this.tree, isAssign: false, decl: [], cmds: [] };
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { kind: 'variable', pos, tree: this.tree, ident: ident.split('.') };
  }

  private newField(pos: number, ident: string): FieldNode {
    return { kind: 'field', pos, tree: this.tree, ident: ident.slice(1).split('.') };
  }

  private newNumber(pos: number, text: string, typ: ItemType): NumberNode {
    const n: NumberNode = {
      kind: 'number', pos, tree: this.tree, text, isInt: false, isUint: false, isFloat: false, isComplex: false,
      int64: 0n, uint64: 0n, float64: 0,
    };
    if (typ === ItemType.CharConstant) {
      let r: { value: number; tail: string };
      try {
        r = unquoteChar(text.slice(1), text[0]!);
      } catch (e) {
        this.errorf((e as Error).message);
      }
      if (r.tail !== "'") this.errorf(`malformed character constant: ${text}`);
      n.isInt = n.isUint = n.isFloat = true;
      n.int64 = n.uint64 = BigInt(r.value);
      n.float64 = r.value;
      return n;
    }
    if (typ === ItemType.Complex || text.endsWith('i')) {
      this.errorf(`complex and imaginary numbers are not supported: ${quote(text)}`);
    }
    const u = parseGoInt(text, false);
    if (u !== null) {
      n.isUint = true;
      n.uint64 = u;
    }
    const i = parseGoInt(text, true);
    if (i !== null) {
      n.isInt = true;
      n.int64 = i;
      if (i === 0n) {
        n.isUint = true;
        n.uint64 = u ?? 0n;
      }
    }
    if (n.isInt) {
      n.isFloat = true;
      n.float64 = Number(n.int64);
    } else if (n.isUint) {
      n.isFloat = true;
      n.float64 = Number(n.uint64);
    } else {
      const f = parseGoFloat(text);
      if (f !== null) {
        if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${quote(text)}`);
        n.isFloat = true;
        n.float64 = f;
        if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
          n.isInt = true;
          n.int64 = BigInt(f);
        }
        if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
          n.isUint = true;
          n.uint64 = BigInt(f);
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) this.errorf(`illegal number syntax: ${quote(text)}`);
    return n;
  }

  // --- grammar ----------------------------------------------------------------------------------

  /** Top level: like itemList but also handles {{define}}; runs to EOF. */
  parse(): void {
    this.tree.root = this.newList(this.peek().pos);
    while (this.peek().typ !== ItemType.EOF) {
      if (this.peek().typ === ItemType.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === ItemType.Define) {
          const def = new TreeParser('definition', this.ctx);
          def.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      this.tree.root.nodes.push(n);
    }
  }

  /** Installs the tree in the set (an empty tree never replaces a non-empty one). */
  add(): void {
    const existing = this.ctx.treeSet.get(this.tree.name);
    if (!existing || isEmptyTree(existing.root)) {
      this.ctx.treeSet.set(this.tree.name, this.tree);
      return;
    }
    if (!isEmptyTree(this.tree.root)) this.errorf(`template: multiple definition of template ${quote(this.tree.name)}`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(ItemType.String, ItemType.RawString, context);
    this.tree.name = this.unquote(name.val);
    this.expect(ItemType.RightDelim, context);
    const [list, end] = this.itemList();
    this.tree.root = list;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  /** textOrAction* up to {{end}} or {{else}}, returned separately. */
  private itemList(): [ListNode, EndNode | ElseNode] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().typ !== ItemType.EOF) {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case ItemType.Text:
        return { kind: 'text', pos: token.pos, tree: this.tree, text: token.val };
      case ItemType.LeftDelim:
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      case ItemType.Comment:
        return { kind: 'comment', pos: token.pos, tree: this.tree, text: token.val };
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case ItemType.Block: return this.blockControl();
      case ItemType.Break: return this.breakControl(token, 'break');
      case ItemType.Continue: return this.breakControl(token, 'continue');
      case ItemType.Else: return this.elseControl();
      case ItemType.End: return this.endControl();
      case ItemType.If: return this.branchControl('if');
      case ItemType.Range: return this.branchControl('range');
      case ItemType.Template: return this.templateControl();
      case ItemType.With: return this.branchControl('with');
    }
    this.backup();
    const t = this.peek();
    return { kind: 'action', pos: t.pos, line: t.line, tree: this.tree, pipe: this.pipeline('command', ItemType.RightDelim) };
  }

  private breakControl(tok: Item, kind: 'break' | 'continue'): Node {
    const t = this.nextNonSpace();
    if (t.typ !== ItemType.RightDelim) this.unexpected(t, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { kind, pos: tok.pos, line: tok.line, tree: this.tree };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const first = this.peekNonSpace();
    const pipe = this.newPipeline(first.pos, first.line);
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== ItemType.Variable) break;
      this.next();
      const tokenAfterVariable = this.peek();
      const nxt = this.peekNonSpace();
      if (nxt.typ === ItemType.Assign || nxt.typ === ItemType.Declare) {
        pipe.isAssign = nxt.typ === ItemType.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (nxt.typ === ItemType.Char && nxt.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().typ;
          if (t === ItemType.Variable || t === ItemType.RightDelim || t === ItemType.RightParen) continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.typ === ItemType.Space) {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case ItemType.Bool: case ItemType.CharConstant: case ItemType.Complex: case ItemType.Dot:
        case ItemType.Field: case ItemType.Identifier: case ItemType.Number: case ItemType.Nil:
        case ItemType.RawString: case ItemType.String: case ItemType.Variable: case ItemType.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      switch (pipe.cmds[i]!.args[0]!.kind) {
        case 'bool': case 'dot': case 'nil': case 'number': case 'string':
          this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private branchControl(context: 'if' | 'range' | 'with'): BranchNode {
    const varsLen = this.vars.length;
    const pipe = this.pipeline(context, ItemType.RightDelim);
    if (context === 'range') this.rangeDepth++;
    const [list, next] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.kind === 'else') {
      // "{{else if ...}}" and "{{else with ...}}" nest a new if/with in the else branch; the
      // chain shares the final {{end}}.
      if (context === 'if' && this.peek().typ === ItemType.If) {
        this.next();
        elseList = this.newList(next.pos);
        elseList.nodes.push(this.branchControl('if'));
      } else if (context === 'with' && this.peek().typ === ItemType.With) {
        this.next();
        elseList = this.newList(next.pos);
        elseList.nodes.push(this.branchControl('with'));
      } else {
        const [l, n2] = this.itemList();
        elseList = l;
        if (n2.kind !== 'end') this.errorf(`expected end; found ${nodeString(n2)}`);
      }
    }
    this.vars.length = varsLen;
    return { kind: context, pos: pipe.pos, line: pipe.line, tree: this.tree, pipe, list, elseList };
  }

  private endControl(): EndNode {
    return { kind: 'end', pos: this.expect(ItemType.RightDelim, 'end').pos, tree: this.tree };
  }

  private elseControl(): ElseNode {
    const p = this.peekNonSpace();
    if (p.typ === ItemType.If || p.typ === ItemType.With) return { kind: 'else', pos: p.pos, line: p.line, tree: this.tree };
    const t = this.expect(ItemType.RightDelim, 'else');
    return { kind: 'else', pos: t.pos, line: t.line, tree: this.tree };
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, ItemType.RightDelim);
    const block = new TreeParser(name, this.ctx);
    const [list, end] = block.itemList();
    block.tree.root = list;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    return { kind: 'template', pos: token.pos, line: token.line, tree: this.tree, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== ItemType.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, ItemType.RightDelim);
    }
    return { kind: 'template', pos: token.pos, line: token.line, tree: this.tree, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.typ === ItemType.String || token.typ === ItemType.RawString) return this.unquote(token.val);
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, tree: this.tree, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === ItemType.Space) continue;
      if (token.typ === ItemType.RightDelim || token.typ === ItemType.RightParen) this.backup();
      else if (token.typ !== ItemType.Pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    let node = this.term();
    if (!node) return null;
    if (this.peek().typ === ItemType.Field) {
      const chain: ChainNode = { kind: 'chain', pos: this.peek().pos, tree: this.tree, node, field: [] };
      while (this.peek().typ === ItemType.Field) chain.field.push(this.next().val.slice(1));
      switch (node.kind) {
        case 'field':
          node = this.newField(chain.pos, nodeString(chain));
          break;
        case 'variable':
          node = this.newVariable(chain.pos, nodeString(chain));
          break;
        case 'bool': case 'string': case 'number': case 'nil': case 'dot':
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
          break;
        default:
          node = chain;
      }
    }
    return node;
  }

  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case ItemType.Identifier:
        if (!this.ctx.opts.skipFuncCheck && !this.ctx.opts.hasFunction(token.val)) {
          this.errorf(`function ${quote(token.val)} not defined`);
        }
        return { kind: 'identifier', pos: token.pos, tree: this.tree, ident: token.val };
      case ItemType.Dot:
        return { kind: 'dot', pos: token.pos, tree: this.tree };
      case ItemType.Nil:
        return { kind: 'nil', pos: token.pos, tree: this.tree };
      case ItemType.Variable:
        return this.useVar(token.pos, token.val);
      case ItemType.Field:
        return this.newField(token.pos, token.val);
      case ItemType.Bool:
        return { kind: 'bool', pos: token.pos, tree: this.tree, value: token.val === 'true' };
      case ItemType.CharConstant: case ItemType.Complex: case ItemType.Number:
        return this.newNumber(token.pos, token.val, token.typ);
      case ItemType.LeftParen: {
        if (this.stackDepth >= maxStackDepth) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', ItemType.RightParen);
        } finally {
          this.stackDepth--;
        }
      }
      case ItemType.String: case ItemType.RawString:
        return { kind: 'string', pos: token.pos, tree: this.tree, quoted: token.val, text: this.unquote(token.val) };
    }
    this.backup();
    return null;
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${quote(v.ident[0]!)}`);
    return v;
  }
}
