import { addMs, type Clock, DAY_MS } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import { inTransaction } from '../../platform/database/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AuthorizationRequestRepository } from './authorization-requests.repository.ts';
import { recordClientDecision } from './client-decision-audit.ts';
import { findClient, GRANT_AUTHORIZATION_CODE, type OAuthClient, requestedScopes } from './clients.ts';
import { hashOneTimeSecret, newOneTimeSecret } from './one-time-secret.ts';
import { S256_CHALLENGE_PATTERN } from './pkce.ts';
import { redirectUriMatches, withQuery } from './redirect-uri.ts';

/** How long the user has to sign in and decide (the pending request). */
export const AUTHORIZATION_REQUEST_LIFETIME_MS = 10 * 60 * 1000;
/** How long an issued code may wait for its exchange; the client redeems it at once. */
export const AUTHORIZATION_CODE_LIFETIME_MS = 60 * 1000;
const STATE_MAX_LENGTH = 1024;

export interface AuthorizeParams {
  response_type?: string | undefined;
  client_id?: string | undefined;
  redirect_uri?: string | undefined;
  code_challenge?: string | undefined;
  code_challenge_method?: string | undefined;
  state?: string | undefined;
  scope?: string | undefined;
}

export interface ValidAuthorizationRequest {
  client: OAuthClient;
  redirectUri: string;
  codeChallenge: string;
  state: string | null;
  scopes: string[];
}

/**
 * The outcome of checking an authorization request once client and redirect URI are known to be
 * good: either an error for the client (sent to its redirect URI) or a request to put to the user.
 */
export type AuthorizationCheck =
  | { outcome: 'redirect_error'; redirectTo: string }
  | { outcome: 'valid'; request: ValidAuthorizationRequest };

export function createAuthorizationService(deps: {
  db: Db;
  requests: AuthorizationRequestRepository;
  audit: AuditService;
  clock: Clock;
  issuer: string;
}) {
  const { db, requests, audit, clock, issuer } = deps;

  const errorRedirect = (redirectUri: string, error: string, description: string, state: string | null) =>
    withQuery(redirectUri, { error, error_description: description, state, iss: issuer });

  return {
    /**
     * RFC 6749 §4.1.2.1: a bad client or redirect URI is answered here (400), never by
     * redirecting, so Tessera cannot be used as an open redirector. Every other problem goes back
     * to the client's redirect URI.
     */
    checkAuthorizationRequest(params: AuthorizeParams): AuthorizationCheck {
      const client = params.client_id ? findClient(params.client_id) : undefined;
      if (!client) throw new AppError('invalid_request', 'The client_id is missing or unknown.');
      const redirectUri = params.redirect_uri;
      if (!redirectUri || !redirectUriMatches(client.redirectUris, redirectUri)) {
        throw new AppError(
          'invalid_request',
          'The redirect_uri is missing or not registered for this client.',
        );
      }
      const state =
        params.state !== undefined && params.state.length <= STATE_MAX_LENGTH ? params.state : null;
      const fail = (error: string, description: string): AuthorizationCheck => ({
        outcome: 'redirect_error',
        redirectTo: errorRedirect(redirectUri, error, description, state),
      });

      if (params.state !== undefined && state === null) return fail('invalid_request', 'state is too long.');
      if (!params.response_type) return fail('invalid_request', 'response_type is required.');
      if (params.response_type !== 'code') {
        return fail('unsupported_response_type', 'Only response_type=code is supported.');
      }
      if (!client.grantTypes.includes(GRANT_AUTHORIZATION_CODE)) {
        return fail('unauthorized_client', 'This client may not use the authorization code grant.');
      }
      if (!params.code_challenge) {
        return fail('invalid_request', 'code_challenge is required (PKCE with S256).');
      }
      if (params.code_challenge_method !== 'S256') {
        return fail('invalid_request', 'code_challenge_method must be S256.');
      }
      if (!S256_CHALLENGE_PATTERN.test(params.code_challenge)) {
        return fail('invalid_request', 'code_challenge must be 43 base64url characters.');
      }
      const scopes = requestedScopes(client, params.scope);
      if (!scopes)
        return fail('invalid_scope', 'The requested scope is unknown or not allowed for this client.');
      return {
        outcome: 'valid',
        request: { client, redirectUri, codeChallenge: params.code_challenge, state, scopes },
      };
    },

    /** Stores the request for the consent page; it belongs to the user signed in now. */
    async createPendingRequest(userId: string, request: ValidAuthorizationRequest): Promise<{ id: string }> {
      const now = clock.now();
      const id = newId('oar');
      await requests.deleteRequestsCreatedBefore(addMs(now, -DAY_MS));
      await requests.insertRequest({
        id,
        user_id: userId,
        client_id: request.client.id,
        redirect_uri: request.redirectUri,
        code_challenge: request.codeChallenge,
        state: request.state,
        scopes: request.scopes,
        created_at: now,
        expires_at: addMs(now, AUTHORIZATION_REQUEST_LIFETIME_MS),
      });
      return { id };
    },

    /** What the consent page shows. Someone else's, decided or expired requests are not found. */
    async getPendingRequest(id: string, userId: string) {
      const row = await requests.findPendingRequestForUser({ id, userId }, clock.now());
      const client = row ? findClient(row.client_id) : undefined;
      if (!row || !client) throw new AppError('not_found', 'There is no such authorization request.');
      return {
        id: row.id,
        client: { id: client.id, name: client.name },
        scopes: row.scopes,
        redirectUri: row.redirect_uri,
      };
    },

    /**
     * The user's answer. Approval issues a single-use code valid for 60 s, stored hashed and
     * bound to the client, redirect URI, PKCE challenge and user; denial answers access_denied.
     */
    async decide(
      id: string,
      userId: string,
      approve: boolean,
      context: RequestContext,
    ): Promise<{ redirectTo: string }> {
      const now = clock.now();
      const code = approve ? newOneTimeSecret() : null;
      return inTransaction(db, async (tx) => {
        const row = await requests.decideRequestForUser(
          { id, userId },
          now,
          code
            ? {
                status: 'approved',
                decided_at: now,
                code_hash: hashOneTimeSecret(code),
                code_expires_at: addMs(now, AUTHORIZATION_CODE_LIFETIME_MS),
              }
            : { status: 'denied', decided_at: now },
          tx,
        );
        if (!row) throw new AppError('not_found', 'There is no such authorization request.');
        await recordClientDecision(audit, tx, context, 'consent', { userId, approve, request: row });
        const redirectTo = code
          ? withQuery(row.redirect_uri, { code, state: row.state, iss: issuer })
          : errorRedirect(row.redirect_uri, 'access_denied', 'The user denied the request.', row.state);
        return { redirectTo };
      });
    },
  };
}

export type AuthorizationService = ReturnType<typeof createAuthorizationService>;
