// HTTP plumbing: bodies in, JSON and Status out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, errors, type Status } from '../api/errors.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw errors.tooLarge(`the request body exceeds the ${limit}-byte limit`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (res.headersSent) { res.end(); return; }
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return errors.internal(message);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const se = toStatusError(err);
  if (se.code >= 500) console.error('apiserver: internal error:', err instanceof Error ? err.stack : err);
  sendJson(res, se.code, se.toStatus());
}

export function successStatus(details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200, ...(details ? { details } : {}) };
}

/** Media types in an Accept header, with their parameters, in order. */
export function parseAccept(header: string | undefined): Array<{ type: string; params: Record<string, string> }> {
  if (!header) return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type, ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

export type ResponseFormat = { kind: 'json' } | { kind: 'table'; includeObject?: string } | { kind: 'partial' };

/** Picks what to answer from the Accept header: a Table, PartialObjectMetadata, or the plain object. */
export function negotiate(header: string | undefined): ResponseFormat {
  for (const m of parseAccept(header)) {
    if (m.type === 'application/json' || m.type === 'application/*' || m.type === '*/*' || m.type === 'application/yaml' || m.type === 'application/vnd.kubernetes.protobuf') {
      if (m.params.as === 'Table' && (m.params.g ?? 'meta.k8s.io') === 'meta.k8s.io') return { kind: 'table' };
      if ((m.params.as === 'PartialObjectMetadata' || m.params.as === 'PartialObjectMetadataList') && m.type === 'application/json') return { kind: 'partial' };
      if (m.params.as) continue;
      if (m.type === 'application/vnd.kubernetes.protobuf') continue;
      return { kind: 'json' };
    }
  }
  throw errors.notAcceptable('only the following media types are accepted: application/json, application/yaml');
}
