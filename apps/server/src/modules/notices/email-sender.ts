import nodemailer from 'nodemailer';
import type { ChannelSender, SendResult } from './delivery-worker.ts';
import { type Locale, renderNoticeEmail } from './notice-messages.ts';

/**
 * E-mail over SMTP (SMTP_URL, MAIL_FROM) with nodemailer: plain text and HTML in the user's
 * language. The Message-ID is derived from the delivery id, so a repeat after a crash carries the
 * same id and mail clients and servers can fold it (ADR 0033).
 */
export function createEmailSender(deps: {
  smtpUrl: string;
  mailFrom: string;
  publicUrl: URL;
  timeoutMs: number;
  findRecipient(userId: string): Promise<{ email: string; locale: Locale } | undefined>;
}): ChannelSender & { close(): void } {
  const url = new URL(deps.smtpUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: deps.timeoutMs,
    greetingTimeout: deps.timeoutMs,
    socketTimeout: deps.timeoutMs,
  });
  const host = deps.publicUrl.hostname || 'tessera';
  return {
    async send({ delivery, event }): Promise<SendResult> {
      const recipient = await deps.findRecipient(event.user_id);
      if (!recipient) return { ok: false, error: 'the account no longer exists', retry: false };
      const message = renderNoticeEmail(event, recipient.locale, deps.publicUrl);
      try {
        await transport.sendMail({
          from: deps.mailFrom,
          to: recipient.email,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: `<${delivery.id}@${host}>`,
          headers: { 'X-Tessera-Notice-Id': event.id, 'X-Tessera-Notice-Kind': event.kind },
        });
        return { ok: true, statusCode: 250 };
      } catch (error) {
        const responseCode = (error as { responseCode?: number }).responseCode;
        const reason = error instanceof Error ? error.message : String(error);
        // 5xx from the SMTP server is a permanent refusal (no such mailbox…); the rest may pass later.
        return {
          ok: false,
          ...(responseCode ? { statusCode: responseCode } : {}),
          error: `SMTP: ${reason.slice(0, 300)}`,
          retry: !(responseCode && responseCode >= 500),
        };
      }
    },
    close: () => transport.close(),
  };
}
