// Errors of the template engine, with Go's text/template message formats.

import { quote } from './strconv.js';

/** Base class of template parse and execution errors. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** A parse error: `template: NAME:LINE: detail`. */
export class ParseError extends TemplateError {
  override name = 'ParseError';
  constructor(
    /** Name of the top-level template being parsed. */
    readonly templateName: string,
    readonly line: number,
    /** The message without the `template: NAME:LINE: ` prefix. */
    readonly detail: string,
  ) {
    super(`template: ${templateName}:${line}: ${detail}`);
  }
}

/**
 * An execution error (Go's template.ExecError):
 * `template: FILE:LINE:COL: executing "NAME" at <CONTEXT>: detail`.
 * `cause` holds the error a function threw, when the error came from a function call.
 */
export class ExecError extends TemplateError {
  override name = 'ExecError';
  constructor(
    /** Name of the template being executed (a file name or a `define`d name). */
    readonly templateName: string,
    /** `FILE:LINE:COL` of the node being evaluated, or '' when no node was reached. */
    readonly location: string,
    /** Source text of the node being evaluated (the `<...>` part). */
    readonly context: string,
    /** The message after the location and context. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      location === ''
        ? `template: ${templateName}: ${detail}`
        : `template: ${location}: executing ${quote(templateName)} at <${context}>: ${detail}`,
      options,
    );
  }
}
