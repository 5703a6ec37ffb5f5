// Go's fmt package semantics for template output. OWNED BY the template-engine work:
// the signatures below are the contract Sprig relies on; the bodies are filled in there.

/** fmt.Sprint of one value (the %v verb): how `{{ .x }}` prints. */
export function formatValue(v: unknown): string {
  throw new Error(`formatValue not implemented yet (${typeof v})`);
}

/** fmt.Sprintf with Go's verbs and flags. */
export function sprintf(format: string, args: unknown[]): string {
  throw new Error(`sprintf not implemented yet (${format}, ${args.length} args)`);
}

/** fmt.Sprint(args...): spaces only between operands when neither is a string. */
export function sprint(args: unknown[]): string {
  throw new Error(`sprint not implemented yet (${args.length} args)`);
}

/** fmt.Sprintln(args...): always spaces between operands, newline at the end. */
export function sprintln(args: unknown[]): string {
  throw new Error(`sprintln not implemented yet (${args.length} args)`);
}
