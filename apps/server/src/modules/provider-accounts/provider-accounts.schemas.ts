import { Type } from 'typebox';
import { SafeText } from '../../platform/http/safe-text.ts';
import { NullableTimestamp, Timestamp } from '../../platform/http/schemas.ts';

export const ProviderNameSchema = Type.Union(
  [Type.Literal('github'), Type.Literal('gitlab'), Type.Literal('bitbucket')],
  { description: 'The code host' },
);

const CheckFailureCode = Type.Union([
  Type.Literal('invalid_token'),
  Type.Literal('insufficient_permissions'),
  Type.Literal('token_expired'),
  Type.Literal('unreachable'),
]);

export const ProviderAccount = Type.Object(
  {
    id: Type.String(),
    provider: ProviderNameSchema,
    name: Type.String(),
    base_url: Type.String({
      description: "The API this account talks to: the server's configured URL, or a self-hosted GitLab",
    }),
    username: Type.Union([Type.String(), Type.Null()], {
      description:
        'Bitbucket: the username the token is used with. GitHub and GitLab: the login, once tested',
    }),
    token_preview: Type.String({
      description: 'First and last four characters of the token, e.g. `ghp_…wxyz`',
    }),
    status: Type.Union(
      [
        Type.Literal('unchecked'),
        Type.Literal('ok'),
        Type.Literal('invalid_token'),
        Type.Literal('token_expired'),
        Type.Literal('insufficient_permissions'),
        Type.Literal('unreachable'),
      ],
      {
        description: 'The outcome of the last test (run when the token is added or replaced, and on demand)',
      },
    ),
    last_checked_at: NullableTimestamp,
    created_at: Timestamp,
  },
  { $id: 'ProviderAccount', description: 'A stored third-party token. The token itself is never returned.' },
);

export const ProviderAccountList = Type.Object({ accounts: Type.Array(ProviderAccount) });

const Name = SafeText({ maxLength: 100, description: 'A label of your choice' });
const token = (description: string) =>
  Type.String({
    minLength: 8,
    maxLength: 1024,
    // Printable ASCII only (surrounding blanks from a paste are trimmed): it goes into an HTTP header.
    pattern: '^\\s*[\\x21-\\x7E]+\\s*$',
    description,
  });

const Force = Type.Optional(
  Type.Boolean({
    description:
      'Store the token even when the provider refuses it or cannot be reached (default false: answer 422 and store nothing)',
  }),
);

export const CreateProviderAccountBody = Type.Object(
  {
    provider: ProviderNameSchema,
    name: Name,
    token: token('The token issued by the provider. Stored encrypted; never shown again.'),
    base_url: Type.Optional(
      Type.String({
        maxLength: 2048,
        description: 'GitLab only: a self-hosted instance, e.g. `https://gitlab.example.com`',
      }),
    ),
    username: Type.Optional(
      Type.String({
        maxLength: 254,
        description:
          'Bitbucket only (required): the Atlassian account e-mail for an API token, or the Bitbucket username for a legacy app password',
      }),
    ),
    force: Force,
  },
  { additionalProperties: false },
);

export const UpdateProviderAccountBody = Type.Object(
  {
    name: Type.Optional(Name),
    token: Type.Optional(
      token('A replacement (rotated) token; the account keeps its id. Tested before it replaces the old one'),
    ),
    force: Force,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ProviderAccountTest = Type.Object(
  {
    ok: Type.Boolean(),
    login: Type.Optional(Type.String({ description: 'The account the token belongs to, at the provider' })),
    scopes: Type.Optional(
      Type.Array(Type.String(), { description: 'Scopes the provider reports for the token' }),
    ),
    expires_at: Type.Optional(NullableTimestamp),
    error: Type.Optional(
      Type.Object({
        code: CheckFailureCode,
        message: Type.String(),
      }),
    ),
  },
  { $id: 'ProviderAccountTest', description: 'The outcome of checking a token with its provider' },
);

export const ProviderCheckRefusal = Type.Intersect(
  [
    Type.Ref('Problem'),
    Type.Object({
      code: Type.Literal('policy_violation'),
      check: ProviderAccountTest,
    }),
  ],
  {
    $id: 'ProviderCheckRefusal',
    description:
      '422: the token failed its check and nothing was saved (send `force: true` to save it anyway); `detail` gives the reason',
  },
);

export const ProviderRepository = Type.Object({
  full_name: Type.String({ description: '`owner/name` (GitLab: the full group path)' }),
  private: Type.Boolean(),
  default_branch: Type.Union([Type.String(), Type.Null()], { description: 'Null for an empty repository' }),
});

export const ProviderRepositoryList = Type.Object({ repositories: Type.Array(ProviderRepository) });
