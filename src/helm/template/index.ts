// Go text/template for Helm, in TypeScript. See README.md in this folder for the API and how Helm's
// functions (include, tpl, required, fail, toYaml, ...) plug in.

export { TemplateSet, type TemplateSetOptions, type ExecOptions } from './set.js';
export type { MissingKey } from './exec.js';
export {
  goFunc, type FuncMap, type TemplateFunc, type ExecContext, type GoParamType, type GoSignatureSpec, type ArgsOf,
} from './funcs.js';
export { TemplateError, ParseError, ExecError } from './errors.js';
export { formatValue, sprintf, sprint, sprintln, fmtTypeName } from './gofmt.js';
export { htmlEscapeString, jsEscapeString, urlQueryEscape } from './builtins.js';
export { quote, formatFloat, compareStrings } from './strconv.js';
