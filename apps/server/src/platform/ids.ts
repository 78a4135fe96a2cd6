import { randomBytes } from 'node:crypto';

/** Opaque, unguessable identifiers such as `tok_3kTq9…`: a type prefix and 128 random bits. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
