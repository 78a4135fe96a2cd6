import { Type } from 'typebox';
import { NullableTimestamp, QueryBoolean, Timestamp } from '../../platform/http/schemas.ts';
import { CONFIGURABLE_NOTICE_KINDS, NOTICE_KINDS, NOTICE_SUBJECT_TYPES } from './notice-kinds.ts';

export const NoticeKindSchema = Type.Enum(NOTICE_KINDS, {
  $id: 'NoticeKind',
  description:
    'What happened. A closed list: `token.*` are personal access tokens, `automation_token.*` task-group tokens, `provider_token.*` stored GitHub/GitLab/Bitbucket tokens.',
});

export const ConfigurableNoticeKind = Type.Enum(CONFIGURABLE_NOTICE_KINDS, {
  description: 'An event kind a user can choose channels for',
});

export const NoticeView = Type.Object(
  {
    id: Type.String({ description: 'The notice id; also the `webhook-id` of its webhook deliveries' }),
    kind: NoticeKindSchema,
    subject_type: Type.Union([Type.Enum(NOTICE_SUBJECT_TYPES), Type.Null()], {
      description: 'What the notice is about',
    }),
    subject_id: Type.Union([Type.String(), Type.Null()], {
      description: 'The id of the token, provider account… it is about',
    }),
    data: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'Details: `name`, `preview`, `expires_at`, `threshold_days`, `by` (how a token was revoked), `ip`, `user_agent`… Never a secret.',
    }),
    created_at: Timestamp,
    read_at: NullableTimestamp,
  },
  { $id: 'NoticeView', description: 'A lifecycle notice about one of your credentials' },
);

export const NoticeList = Type.Object({
  notices: Type.Array(NoticeView),
  unread_count: Type.Integer({ description: 'Unread notices in all (not only on this page)' }),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const NoticeListQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    unread: Type.Optional(QueryBoolean('Only unread notices')),
  },
  { additionalProperties: false },
);

export const UnreadCount = Type.Object({ unread_count: Type.Integer() });
export const MarkedCount = Type.Object({ marked: Type.Integer({ description: 'Notices marked read' }) });

const ChannelFlags = {
  in_app: Type.Boolean({ description: 'Show it in the notices list' }),
  email: Type.Boolean({ description: 'Send an e-mail to your account address' }),
  webhook: Type.Boolean({ description: 'Send it to your webhook endpoints whose filter accepts it' }),
};

export const NoticeSettings = Type.Object(
  {
    locale: Type.Union([Type.Literal('en-US'), Type.Literal('zh-CN')], {
      description: 'The language of e-mails',
    }),
    channels_available: Type.Object(
      {
        in_app: Type.Boolean(),
        email: Type.Boolean({
          description: 'False when the operator turned e-mail off or set no SMTP server',
        }),
        webhook: Type.Boolean(),
      },
      {
        description: 'Channels the operator has turned on; a choice for a channel that is off has no effect',
      },
    ),
    expiry_days: Type.Array(Type.Integer(), {
      description: 'Days before expiry at which `*.expiring` notices are sent (NOTIFY_EXPIRY_DAYS)',
    }),
    preferences: Type.Array(Type.Object({ kind: ConfigurableNoticeKind, ...ChannelFlags }), {
      description: 'One entry per event kind',
    }),
  },
  { $id: 'NoticeSettings' },
);

export const UpdateNoticeSettingsBody = Type.Object(
  {
    locale: Type.Optional(Type.Union([Type.Literal('en-US'), Type.Literal('zh-CN')])),
    preferences: Type.Optional(
      Type.Array(
        Type.Object(
          {
            kind: ConfigurableNoticeKind,
            in_app: Type.Optional(ChannelFlags.in_app),
            email: Type.Optional(ChannelFlags.email),
            webhook: Type.Optional(ChannelFlags.webhook),
          },
          { additionalProperties: false },
        ),
        { maxItems: 64 },
      ),
    ),
  },
  { additionalProperties: false },
);
