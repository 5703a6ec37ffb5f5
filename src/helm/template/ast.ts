// Parse tree of a template (Go's text/template/parse nodes). Every node records its position in the
// template text and the tree it belongs to, for Go-style error locations and contexts.

import { quote } from './strconv.js';

/** A parsed template: a name, the name of the top-level template it was parsed from, and its body. */
export interface Tree {
  name: string;
  /** Name of the top-level template during parsing (used in error locations). */
  parseName: string;
  root: ListNode;
  /** The full text the tree was parsed from. */
  text: string;
}

interface Base {
  pos: number;
  tree: Tree;
}

export interface ListNode extends Base { kind: 'list'; nodes: Node[] }
export interface TextNode extends Base { kind: 'text'; text: string }
export interface CommentNode extends Base { kind: 'comment'; text: string }
export interface ActionNode extends Base { kind: 'action'; line: number; pipe: PipeNode }
export interface PipeNode extends Base { kind: 'pipe'; line: number; isAssign: boolean; decl: VariableNode[]; cmds: CommandNode[] }
export interface CommandNode extends Base { kind: 'command'; args: ArgNode[] }
export interface IdentifierNode extends Base { kind: 'identifier'; ident: string }
export interface VariableNode extends Base { kind: 'variable'; ident: string[] }
export interface DotNode extends Base { kind: 'dot' }
export interface NilNode extends Base { kind: 'nil' }
export interface FieldNode extends Base { kind: 'field'; ident: string[] }
export interface ChainNode extends Base { kind: 'chain'; node: ArgNode; field: string[] }
export interface BoolNode extends Base { kind: 'bool'; value: boolean }
export interface NumberNode extends Base {
  kind: 'number';
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  text: string;
}
export interface StringNode extends Base { kind: 'string'; quoted: string; text: string }
export interface EndNode extends Base { kind: 'end' }
export interface ElseNode extends Base { kind: 'else'; line: number }
export interface BranchNode extends Base {
  kind: 'if' | 'range' | 'with';
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode extends Base { kind: 'template'; line: number; name: string; pipe: PipeNode | null }
export interface BreakNode extends Base { kind: 'break'; line: number }
export interface ContinueNode extends Base { kind: 'continue'; line: number }

/** Nodes that may appear as command arguments. */
export type ArgNode =
  | IdentifierNode | VariableNode | DotNode | NilNode | FieldNode | ChainNode | BoolNode | NumberNode
  | StringNode | PipeNode;

export type Node =
  | ListNode | TextNode | CommentNode | ActionNode | CommandNode | BranchNode | TemplateNode | BreakNode
  | ContinueNode | EndNode | ElseNode | ArgNode;

/** Go's Node.String(): the source-like rendering used in error messages. */
export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'list': return n.nodes.map(nodeString).join('');
    case 'text': return n.text;
    case 'comment': return `{{${n.text}}}`;
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      }
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier': return n.ident;
    case 'variable': return n.ident.join('.');
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'field': return n.ident.map((id) => '.' + id).join('');
    case 'chain': {
      let s = nodeString(n.node);
      if (n.node.kind === 'pipe') s = `(${s})`;
      return s + n.field.map((f) => '.' + f).join('');
    }
    case 'bool': return n.value ? 'true' : 'false';
    case 'number': return n.text;
    case 'string': return n.quoted;
    case 'end': return '{{end}}';
    case 'else': return '{{else}}';
    case 'if': case 'range': case 'with': {
      let s = `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case 'template':
      return n.pipe ? `{{template ${quote(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${quote(n.name)}}}`;
    case 'break': return '{{break}}';
    case 'continue': return '{{continue}}';
  }
}

/** Whether a tree contains nothing but space and comments (Go's parse.IsEmptyTree). */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.kind) {
    case 'comment': return true;
    case 'list': return n.nodes.every(isEmptyTree);
    case 'text': return !/[^ \t\r\n\v\f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(n.text);
    default: return false;
  }
}
