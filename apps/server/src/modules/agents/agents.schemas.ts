import { Type } from 'typebox';
import { SafeMultilineText, SafeText } from '../../platform/http/safe-text.ts';
import { QueryBoolean, Timestamp } from '../../platform/http/schemas.ts';
import { FRAMEWORKS } from '../frameworks/frameworks.ts';
import {
  AGENT_STATUSES,
  AGENT_VISIBILITIES,
  CATEGORY_MAX_LENGTH,
  CATEGORY_PATTERN,
  DESCRIPTION_MAX_LENGTH,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  NAME_MAX_LENGTH,
  QUERY_MAX_LENGTH,
  SUGGESTED_AGENT_CATEGORIES,
  TAG_MAX_LENGTH,
  TAG_PATTERN,
  TAGS_MAX,
} from './agent-rules.ts';

const Name = SafeText({ maxLength: NAME_MAX_LENGTH, description: `1 to ${NAME_MAX_LENGTH} characters` });
const Description = SafeMultilineText({
  maxLength: DESCRIPTION_MAX_LENGTH,
  description: `Up to ${DESCRIPTION_MAX_LENGTH} characters; may be empty`,
});
const SUGGESTED = SUGGESTED_AGENT_CATEGORIES.ids;
const Category = Type.String({
  minLength: 1,
  maxLength: CATEGORY_MAX_LENGTH,
  pattern: CATEGORY_PATTERN,
  description: `What the agent is for: a slug of lower-case letters and digits joined by single hyphens, 1 to ${CATEGORY_MAX_LENGTH} characters. Suggested (GET /api/categories): ${SUGGESTED.join(', ')}`,
  examples: SUGGESTED,
});

export const CategoryList = Type.Object({
  categories: Type.Array(
    Type.Object({
      id: Type.String({ description: 'The value to send as `category`' }),
      name: Type.String({ description: 'An English display name' }),
    }),
    { description: 'The suggested categories, in display order; any other slug is accepted too' },
  ),
});
const FrameworkId = Type.Enum(FRAMEWORKS.ids, {
  description: 'The AI framework the agent is built on: an `id` from `GET /api/frameworks`',
});
const Framework = Type.Union([FrameworkId, Type.Null()]);
const Tag = Type.String({
  minLength: 1,
  maxLength: TAG_MAX_LENGTH,
  pattern: TAG_PATTERN,
  description: `1 to ${TAG_MAX_LENGTH} of lower-case letters, digits and "-"`,
});
const Tags = Type.Array(Tag, {
  maxItems: TAGS_MAX,
  description: `Up to ${TAGS_MAX} tags; repeated tags are kept once`,
});
const Visibility = Type.Enum([...AGENT_VISIBILITIES], {
  description: '`public`: every signed-in user may read it; `private`: only its owner',
});

export const CreateAgentBody = Type.Object(
  {
    name: Name,
    description: Description,
    category: Category,
    framework: Type.Optional(Framework),
    tags: Tags,
    visibility: Visibility,
  },
  { additionalProperties: false },
);

export const UpdateAgentBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    category: Type.Optional(Category),
    framework: Type.Optional(Framework),
    tags: Type.Optional(Tags),
    visibility: Type.Optional(Visibility),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Only the members given change; `framework: null` clears the framework',
  },
);

export const AgentParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'The `agent_id`' }),
});

export const AgentFile = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: 'The uploaded file name, reduced to its last path segment' }),
    size: Type.Integer({ description: 'Bytes' }),
    sha256: Type.String({ description: 'SHA-256 of the content, lower-case hex' }),
  },
  { $id: 'AgentFile' },
);

export const Agent = Type.Object(
  {
    agent_id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    category: Category,
    framework: Framework,
    tags: Type.Array(Type.String()),
    visibility: Type.Enum([...AGENT_VISIBILITIES]),
    status: Type.Enum([...AGENT_STATUSES], {
      description: '`draft` until a file has been uploaded, then `ready`',
    }),
    owner_id: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
    files: Type.Array(AgentFile, { description: 'Uploaded files, oldest first' }),
  },
  { $id: 'Agent' },
);

export const AgentListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: QUERY_MAX_LENGTH,
        description: 'Words to find in the name or description (case-insensitive substring)',
      }),
    ),
    category: Type.Optional(Category),
    tag: Type.Optional(Tag),
    mine: Type.Optional(QueryBoolean("`true`: only the caller's own agents")),
    cursor: Type.Optional(
      Type.String({ maxLength: 200, description: 'The `next_cursor` of the previous page' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_LIMIT_MAX, default: LIST_LIMIT_DEFAULT })),
  },
  { additionalProperties: false },
);

export const AgentPage = Type.Object({
  agents: Type.Array(Agent),
  next_cursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` for the next page; null on the last page',
  }),
});

export const UploadedFile = Type.Object({ file: AgentFile });
