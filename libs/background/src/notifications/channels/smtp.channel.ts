import { createTransport, type Transporter } from 'nodemailer';
import type { NotifyConfig } from '@motcua/platform';
import { NotificationChannel, OutgoingMessage, scrubError } from './channel.port';

const TIMEOUT_MS = 15_000;

/**
 * E-mail over SMTP with nodemailer (pooled). `SMTP_URL` smtp://… upgrades with STARTTLS when the
 * server offers it (required with SMTP_REQUIRE_TLS), smtps://… is TLS from the start.
 */
export class SmtpChannel implements NotificationChannel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly config: Pick<NotifyConfig, 'smtpUrl' | 'from' | 'smtpRequireTls' | 'smtpTlsRejectUnauthorized'>) {
    const url = new URL(config.smtpUrl!);
    this.transport = createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      requireTLS: config.smtpRequireTls,
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      tls: { rejectUnauthorized: config.smtpTlsRejectUnauthorized },
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
      logger: false,
      debug: false,
    });
  }

  async send(m: OutgoingMessage): Promise<void> {
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: m.to,
        subject: m.subject ?? '',
        text: m.text,
        messageId: `<${m.id}@motcua>`,
        headers: { 'X-Motcua-Notification': m.id },
      });
      if ((info.rejected?.length ?? 0) > 0) throw new Error('the SMTP server refused the recipient');
    } catch (err) {
      throw new Error(`SMTP: ${scrubError((err as Error).message, m.to)}`, { cause: err });
    }
  }

  close(): void {
    this.transport.close();
  }
}
