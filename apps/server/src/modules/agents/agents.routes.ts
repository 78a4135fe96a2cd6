import multipart from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.ts';
import type { CursorCodec } from '../../platform/cursor-codec.ts';
import { AppError } from '../../platform/errors.ts';
import { perMinute } from '../../platform/http/route-declaration.ts';
import { type AppPlugin, iso } from '../../platform/http/schemas.ts';
import { requestContext } from '../../platform/request-context.ts';
import { declareRoutes } from '../credentials/declare-routes.ts';
import { requireIdentity } from '../credentials/identity.ts';
import { ownedResourceRoutes } from '../credentials/owned-resource-routes.ts';
import type { FrameworkId } from '../frameworks/frameworks.ts';
import { defineAgentCursor } from './agent-cursor.ts';
import { SUGGESTED_AGENT_CATEGORIES } from './agent-rules.ts';
import type { AgentFileSummary } from './agents.repository.ts';
import {
  Agent,
  AgentListQuery,
  AgentPage,
  AgentParams,
  CategoryList,
  CreateAgentBody,
  UpdateAgentBody,
  UploadedFile,
} from './agents.schemas.ts';
import type { AgentService, AgentWithFiles } from './agents.service.ts';

export function agentFileView(file: AgentFileSummary) {
  return { id: file.id, name: file.name, size: file.size, sha256: file.sha256 };
}

export function agentView({ agent, files }: AgentWithFiles) {
  return {
    agent_id: agent.id,
    name: agent.name,
    description: agent.description,
    category: agent.category,
    framework: agent.framework as FrameworkId | null,
    tags: agent.tags,
    visibility: agent.visibility,
    status: files.length > 0 ? ('ready' as const) : ('draft' as const),
    owner_id: agent.owner_id,
    created_at: iso(agent.created_at),
    updated_at: iso(agent.updated_at),
    files: files.map(agentFileView),
  };
}

const exactlyOneFile = () =>
  new AppError('invalid_request', 'Send exactly one file part and nothing else.', {
    errors: [{ path: 'body', message: 'must hold exactly one file part' }],
  });

/** The next multipart part, with the parser's complaints turned into the contract's errors. */
async function nextPart<T>(parts: AsyncIterator<T>): Promise<IteratorResult<T>> {
  try {
    return await parts.next();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Our limits allow one part; busboy reports a second one as a limit.
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw exactlyOneFile();
    }
    // The plugin's own errors carry a status the error handler maps (415 not multipart, 413, 400).
    if (typeof code === 'string' && code.startsWith('FST_')) throw error;
    // busboy's parse errors ("Boundary not found", "Unexpected end of form") carry no code.
    throw new AppError('invalid_request', 'The multipart body is malformed.');
  }
}

export const agentRoutes: AppPlugin<{
  agentService: AgentService;
  cursors: CursorCodec;
  config: Pick<Config, 'uploadMaxBytes' | 'uploadQuotaBytes' | 'rateLimits'>;
}> = async (app, { agentService, cursors, config }) => {
  const route = declareRoutes(['agents'], 'agents:read');
  const owned = ownedResourceRoutes(app, route);
  const agentCursor = defineAgentCursor(cursors);

  app.get(
    '/api/categories',
    route({
      config: { auth: 'public' },
      summary: 'The suggested agent categories',
      description:
        'The categories the web UI offers. `category` accepts any slug matching the same rule, so registry clients that send their own values keep working.',
      operationId: 'listCategories',
      response: { 200: CategoryList },
    }),
    async () => ({ categories: SUGGESTED_AGENT_CATEGORIES.entries }),
  );

  owned.create(
    '/api/agents',
    {
      config: { auth: 'agents:write' },
      summary: 'Register an agent',
      operationId: 'createAgent',
      body: CreateAgentBody,
      view: Agent,
    },
    async (userId, body, context) => agentView(await agentService.createAgent(userId, body, context)),
  );

  app.get(
    '/api/agents',
    route({
      summary: 'Search public agents and your own, newest first, a page at a time',
      operationId: 'listAgents',
      querystring: AgentListQuery,
      response: { 200: AgentPage },
    }),
    async (request) => {
      const { cursor, ...filters } = request.query;
      const after = cursor === undefined ? null : agentCursor.decode(cursor);
      const page = await agentService.listAgents(requireIdentity(request).userId, { ...filters, after });
      return {
        agents: page.agents.map(agentView),
        next_cursor: page.nextAfter ? agentCursor.encode(page.nextAfter) : null,
      };
    },
  );

  owned.get(
    '/api/agents/:id',
    {
      summary: 'An agent: a public one, or one of your own',
      operationId: 'getAgent',
      params: AgentParams,
      view: Agent,
    },
    async (id, userId) => agentView(await agentService.getAgent(userId, id)),
  );

  owned.put(
    '/api/agents/:id',
    {
      config: { auth: 'agents:write' },
      summary: 'Change some members of your agent',
      operationId: 'updateAgent',
      params: AgentParams,
      body: UpdateAgentBody,
      view: Agent,
    },
    async (id, userId, body, context) => agentView(await agentService.updateAgent(userId, id, body, context)),
  );

  owned.delete(
    '/api/agents/:id',
    {
      config: { auth: 'agents:write' },
      summary: 'Delete your agent and its files',
      operationId: 'deleteAgent',
      params: AgentParams,
      outcome: 'Deleted',
    },
    (id, userId, context) => agentService.deleteAgent(userId, id, context),
  );

  // Multipart parsing exists only in this inner scope: the JSON routes above refuse it (415).
  await app.register(async (scope) => {
    const uploads = scope.withTypeProvider<TypeBoxTypeProvider>();
    await uploads.register(multipart, {
      limits: {
        // One more byte than allowed, so that the storage sees the overflow and answers 413 itself.
        fileSize: config.uploadMaxBytes + 1,
        files: 1,
        fields: 0,
        parts: 1,
        headerPairs: 20,
      },
    });

    uploads.post(
      '/api/agents/:id/upload',
      route({
        config: {
          auth: 'agents:write',
          // Per user (the authenticated identity), so one account cannot fill the disk from many addresses.
          rateLimit: {
            ...perMinute(config.rateLimits.uploadsPerMinute),
            keyGenerator: (request) => `upload:${request.identity?.userId ?? request.ip}`,
          },
        },
        summary: `Upload a file to your agent (multipart/form-data, exactly one file part, at most ${config.uploadMaxBytes} bytes)`,
        description:
          `413 \`payload_too_large\` over the file limit; 413 \`storage_quota_exceeded\` when all your agents' files would exceed ${config.uploadQuotaBytes} bytes (the detail says how much is used); ` +
          `429 \`rate_limited\` with Retry-After beyond ${config.rateLimits.uploadsPerMinute} uploads a minute; ` +
          "507 `insufficient_storage` when the server's disk is full, 503 `service_unavailable` with Retry-After when its upload folder cannot be written (nothing is kept either way).",
        operationId: 'uploadAgentFile',
        consumes: ['multipart/form-data'],
        params: AgentParams,
        response: { 201: UploadedFile },
        errors: [400, 413, 415, 503, 507],
      }),
      async (request, reply) => {
        const parts = request.parts();
        try {
          const first = await nextPart(parts);
          if (first.done || first.value.type !== 'file') throw exactlyOneFile();
          const file = await agentService.uploadAgentFile(
            requireIdentity(request).userId,
            request.params.id,
            { name: first.value.filename, content: first.value.file },
            requestContext(request),
            {
              beforeCommit: async () => {
                if (!(await nextPart(parts)).done) throw exactlyOneFile();
              },
            },
          );
          return reply.code(201).send({ file: agentFileView(file) });
        } catch (error) {
          // The rest of a refused upload is not worth reading: close the connection after the answer.
          reply.header('connection', 'close');
          throw error;
        }
      },
    );
  });
};
