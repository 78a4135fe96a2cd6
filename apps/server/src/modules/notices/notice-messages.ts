import type { NoticeKind } from './notice-kinds.ts';
import { noticeLink } from './notice-links.ts';
import type { NoticeEventRow } from './notices.repository.ts';

export type Locale = 'en-US' | 'zh-CN';

type Data = Record<string, unknown>;
type Line = (data: Data) => string;

const str = (value: unknown, fallback = '') => (typeof value === 'string' && value !== '' ? value : fallback);
const date = (value: unknown, locale: Locale) =>
  typeof value === 'string'
    ? new Date(value).toLocaleString(locale, { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short' }) +
      ' UTC'
    : '';

const BY_EN: Record<string, string> = {
  owner: 'by you',
  revoke_all: 'when you revoked all tokens',
  leak_report: 'because it was found in public (secret-scanning report)',
  admin: 'by an administrator',
  revoke_by_value: 'by someone who presented its value to the revocation endpoint',
  task_group_closed: 'because its task group was closed',
  repo_disconnected: 'because its repository was disconnected',
};
const BY_ZH: Record<string, string> = {
  owner: '由你本人',
  revoke_all: '在你撤销全部令牌时',
  leak_report: '因为它在公开位置被发现（密钥扫描报告）',
  admin: '由管理员',
  revoke_by_value: '由持有该令牌值的人通过撤销接口',
  task_group_closed: '因为其任务组已关闭',
  repo_disconnected: '因为其仓库已断开连接',
};

/** Subject and one-paragraph body of each kind, in each language. Names come from `data`. */
const CATALOGUE: Record<Locale, Record<NoticeKind, { subject: Line; body: Line }>> = {
  'en-US': {
    'token.created': {
      subject: (d) => `A personal access token "${str(d.name)}" was created`,
      body: (d) =>
        `A new personal access token "${str(d.name)}" (${str(d.preview)}) was created on your account${d.expires_at ? `; it expires on ${date(d.expires_at, 'en-US')}` : ' with no expiry'}. If this was not you, revoke it and change your password.`,
    },
    'token.rotated': {
      subject: (d) => `Token "${str(d.name)}" was regenerated`,
      body: (d) =>
        `The personal access token "${str(d.name)}" got a new secret (${str(d.preview)}); the old secret no longer works.${d.expires_at ? ` It now expires on ${date(d.expires_at, 'en-US')}.` : ''}`,
    },
    'token.revoked': {
      subject: (d) => `Token "${str(d.name)}" was revoked`,
      body: (d) =>
        `The personal access token "${str(d.name)}" (${str(d.preview)}) was revoked ${BY_EN[str(d.by)] ?? ''}. Anything that used it will now be refused.`,
    },
    'token.expiring': {
      subject: (d) => `Token "${str(d.name)}" expires in ${d.threshold_days} day(s)`,
      body: (d) =>
        `Your personal access token "${str(d.name)}" (${str(d.preview)}) expires on ${date(d.expires_at, 'en-US')}. Renew it before automation that uses it breaks.`,
    },
    'token.expired': {
      subject: (d) => `Token "${str(d.name)}" has expired`,
      body: (d) =>
        `Your personal access token "${str(d.name)}" (${str(d.preview)}) expired on ${date(d.expires_at, 'en-US')}. Regenerate it to keep using it.`,
    },
    'token.expired_used': {
      subject: () => 'An expired token was used',
      body: (d) =>
        `Someone presented your expired token${d.name ? ` "${str(d.name)}"` : ''} and was refused. Whatever still uses it needs a new token.`,
    },
    'token.leaked': {
      subject: (d) => `Token "${str(d.name)}" was found in public and revoked`,
      body: (d) =>
        `Your token "${str(d.name)}" (${str(d.preview)}) was reported as exposed${d.url ? ` at ${str(d.url)}` : ''} and has been revoked. Create a new one and remove the old value from where it was published.`,
    },
    'token.rotated_secret_used': {
      subject: (d) => `An old secret of token "${str(d.name)}" was used`,
      body: (d) =>
        `A secret that was replaced when "${str(d.name)}" was regenerated was presented again${d.ip ? ` from ${str(d.ip)}` : ''}. Update whatever still holds it; if you do not recognise this, revoke the token.`,
    },
    'token.new_network': {
      subject: (d) => `Token "${str(d.name)}" was used from a new network`,
      body: (d) =>
        `Your token "${str(d.name)}" (${str(d.preview)}) was used from ${str(d.ip, 'a network')} for the first time. If this was not you, revoke it.`,
    },
    'automation_token.issued': {
      subject: () => 'An automation token was issued',
      body: (d) =>
        `An automation token "${str(d.name)}" was issued for a task group${d.repo ? ` of ${str(d.repo)}` : ''}.`,
    },
    'automation_token.revoked': {
      subject: () => 'An automation token was revoked',
      body: (d) => `The automation token "${str(d.name)}" was revoked ${BY_EN[str(d.by)] ?? ''}.`,
    },
    'provider_token.rejected': {
      subject: (d) => `${str(d.provider)} refused the token of "${str(d.name)}"`,
      body: (d) =>
        `${str(d.provider)} refused the stored token of provider account "${str(d.name)}" (${str(d.status)}). ${str(d.message)} Replace the token to keep your repositories working.`,
    },
    'provider_token.expiring': {
      subject: (d) =>
        `The ${str(d.provider)} token of "${str(d.name)}" expires in ${d.threshold_days} day(s)`,
      body: (d) =>
        `${str(d.provider)} reports that the token of provider account "${str(d.name)}" expires on ${date(d.expires_at, 'en-US')}. Replace it before then.`,
    },
    'password.changed': {
      subject: () => 'Your password was changed',
      body: (d) =>
        `The password of your Tessera account was changed${d.ip ? ` from ${str(d.ip)}` : ''}; other sign-ins were ended. If this was not you, reset your password at once.`,
    },
    'sign_in.new_device': {
      subject: () => 'New sign-in to your account',
      body: (d) =>
        `Your account was signed in from a device not seen before: ${str(d.user_agent, 'unknown client')}${d.ip ? `, address ${str(d.ip)}` : ''}. If this was not you, end that session and change your password.`,
    },
    'webhook.test': {
      subject: () => 'Test event',
      body: () => 'This is a test event from Tessera.',
    },
  },
  'zh-CN': {
    'token.created': {
      subject: (d) => `已创建个人访问令牌“${str(d.name)}”`,
      body: (d) =>
        `你的账户创建了新的个人访问令牌“${str(d.name)}”（${str(d.preview)}）${d.expires_at ? `，将于 ${date(d.expires_at, 'zh-CN')} 过期` : '，永不过期'}。如果不是你本人操作，请撤销它并修改密码。`,
    },
    'token.rotated': {
      subject: (d) => `令牌“${str(d.name)}”已重新生成`,
      body: (d) =>
        `个人访问令牌“${str(d.name)}”已生成新的密钥（${str(d.preview)}），旧密钥已失效。${d.expires_at ? `新的过期时间：${date(d.expires_at, 'zh-CN')}。` : ''}`,
    },
    'token.revoked': {
      subject: (d) => `令牌“${str(d.name)}”已被撤销`,
      body: (d) =>
        `个人访问令牌“${str(d.name)}”（${str(d.preview)}）已${BY_ZH[str(d.by)] ?? ''}撤销，使用它的请求将被拒绝。`,
    },
    'token.expiring': {
      subject: (d) => `令牌“${str(d.name)}”将在 ${d.threshold_days} 天内过期`,
      body: (d) =>
        `你的个人访问令牌“${str(d.name)}”（${str(d.preview)}）将于 ${date(d.expires_at, 'zh-CN')} 过期。请在依赖它的自动化中断之前续期。`,
    },
    'token.expired': {
      subject: (d) => `令牌“${str(d.name)}”已过期`,
      body: (d) =>
        `你的个人访问令牌“${str(d.name)}”（${str(d.preview)}）已于 ${date(d.expires_at, 'zh-CN')} 过期。重新生成即可继续使用。`,
    },
    'token.expired_used': {
      subject: () => '有人使用了已过期的令牌',
      body: (d) =>
        `有人出示了你已过期的令牌${d.name ? `“${str(d.name)}”` : ''}并被拒绝。仍在使用它的程序需要新的令牌。`,
    },
    'token.leaked': {
      subject: (d) => `令牌“${str(d.name)}”在公开位置被发现并已撤销`,
      body: (d) =>
        `你的令牌“${str(d.name)}”（${str(d.preview)}）被报告已泄露${d.url ? `（${str(d.url)}）` : ''}，现已撤销。请创建新令牌，并从公开位置删除旧值。`,
    },
    'token.rotated_secret_used': {
      subject: (d) => `令牌“${str(d.name)}”的旧密钥被使用`,
      body: (d) =>
        `令牌“${str(d.name)}”重新生成前的旧密钥再次被出示${d.ip ? `（来自 ${str(d.ip)}）` : ''}。请更新仍持有它的程序；如果你不认识此操作，请撤销该令牌。`,
    },
    'token.new_network': {
      subject: (d) => `令牌“${str(d.name)}”从新的网络被使用`,
      body: (d) =>
        `你的令牌“${str(d.name)}”（${str(d.preview)}）首次从 ${str(d.ip, '一个新网络')} 被使用。如果不是你本人，请撤销它。`,
    },
    'automation_token.issued': {
      subject: () => '已签发自动化令牌',
      body: (d) => `已为${d.repo ? ` ${str(d.repo)} 的` : ''}任务组签发自动化令牌“${str(d.name)}”。`,
    },
    'automation_token.revoked': {
      subject: () => '自动化令牌已被撤销',
      body: (d) => `自动化令牌“${str(d.name)}”已${BY_ZH[str(d.by)] ?? ''}撤销。`,
    },
    'provider_token.rejected': {
      subject: (d) => `${str(d.provider)} 拒绝了“${str(d.name)}”的令牌`,
      body: (d) =>
        `${str(d.provider)} 拒绝了提供方账户“${str(d.name)}”中保存的令牌（${str(d.status)}）。${str(d.message)} 请替换令牌以保证仓库正常工作。`,
    },
    'provider_token.expiring': {
      subject: (d) => `“${str(d.name)}”的 ${str(d.provider)} 令牌将在 ${d.threshold_days} 天内过期`,
      body: (d) =>
        `${str(d.provider)} 报告提供方账户“${str(d.name)}”的令牌将于 ${date(d.expires_at, 'zh-CN')} 过期。请在此之前替换。`,
    },
    'password.changed': {
      subject: () => '你的密码已修改',
      body: (d) =>
        `你的 Tessera 账户密码已修改${d.ip ? `（来自 ${str(d.ip)}）` : ''}，其他登录已结束。如果不是你本人操作，请立即重置密码。`,
    },
    'sign_in.new_device': {
      subject: () => '你的账户有新的登录',
      body: (d) =>
        `你的账户在一个从未见过的设备上登录：${str(d.user_agent, '未知客户端')}${d.ip ? `，地址 ${str(d.ip)}` : ''}。如果不是你本人，请结束该会话并修改密码。`,
    },
    'webhook.test': { subject: () => '测试事件', body: () => '这是来自 Tessera 的测试事件。' },
  },
};

const ACTION: Record<Locale, string> = { 'en-US': 'Open in Tessera', 'zh-CN': '在 Tessera 中打开' };
const FOOTER: Record<Locale, string> = {
  'en-US': 'You receive this because of your notice settings in Tessera.',
  'zh-CN': '你收到这封邮件是因为你在 Tessera 中的通知设置。',
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The e-mail of a notice: subject, plain text and HTML, in the user's language, with a link to the credential. */
export function renderNoticeEmail(event: NoticeEventRow, locale: Locale, publicUrl: URL) {
  const entry = CATALOGUE[locale][event.kind as NoticeKind] ?? CATALOGUE[locale]['webhook.test'];
  const data = event.data;
  const subject = `[Tessera] ${entry.subject(data)}`.replace(/[\r\n]+/g, ' ');
  const body = entry.body(data);
  const link = noticeLink(publicUrl, event);
  const text = `${body}\n\n${ACTION[locale]}: ${link}\n\n-- \n${FOOTER[locale]}\n`;
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif;line-height:1.5">
<p>${escapeHtml(body)}</p>
<p><a href="${escapeHtml(link)}">${escapeHtml(ACTION[locale])}</a></p>
<p style="color:#666;font-size:12px">${escapeHtml(FOOTER[locale])}</p>
</body></html>`;
  return { subject, text, html, link };
}
