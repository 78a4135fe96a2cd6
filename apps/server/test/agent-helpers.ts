import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { App } from '../src/platform/http/schemas.ts';

/** Helpers for the agents registry tests: agents through the API, multipart bodies (PATs: test/fixtures). */

export type Headers = Record<string, string>;

export function agentInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Release notes writer',
    description: 'Drafts release notes from merged pull requests.',
    category: 'writing',
    framework: 'langchain',
    tags: ['release', 'docs'],
    visibility: 'public',
    ...overrides,
  };
}

/** Creates an agent through the API and returns the `Agent` body. */
export async function createAgent(app: App, headers: Headers, overrides: Record<string, unknown> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/agents',
    headers,
    payload: agentInput(overrides),
  });
  if (response.statusCode !== 201) {
    throw new Error(`creating an agent failed: ${response.statusCode} ${response.body}`);
  }
  return response.json() as { agent_id: string; [key: string]: unknown };
}

export interface Part {
  name: string;
  /** Present for a file part. */
  filename?: string;
  content: string | Buffer;
  contentType?: string;
}

/** A multipart/form-data body written by hand, so that tests can also send broken ones. */
export function multipartBody(parts: Part[], options: { boundary?: string; close?: boolean } = {}) {
  const boundary = options.boundary ?? `----tessera${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.filename !== undefined)
      head += `Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.content), Buffer.from('\r\n'));
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Uploads one file to an agent. */
export async function uploadFile(
  app: App,
  headers: Headers,
  agentId: string,
  file: { filename: string; content: string | Buffer },
) {
  const body = multipartBody([{ name: 'file', ...file }]);
  return app.inject({
    method: 'POST',
    url: `/api/agents/${agentId}/upload`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
}

/** Asserts a problem+json answer with the given status and code; returns the body. */
export function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code: string,
) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toContain('application/problem+json');
  const body = response.json() as { code: string; errors?: Array<{ path: string; message: string }> };
  expect(body.code).toBe(code);
  return body;
}
