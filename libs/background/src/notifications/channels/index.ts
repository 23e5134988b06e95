import type { NotifyConfig } from '@motcua/platform';
import { NotificationChannel } from './channel.port';
import { SmsGatewayChannel } from './sms-gateway.channel';
import { SmtpChannel } from './smtp.channel';

export * from './channel.port';

/** The channels this deployment has configured (each is off until its settings are given). */
export function configuredChannels(config: NotifyConfig): NotificationChannel[] {
  const out: NotificationChannel[] = [];
  if (config.smtpUrl && config.from) out.push(new SmtpChannel(config));
  if (config.smsGatewayUrl) out.push(new SmsGatewayChannel(config));
  return out;
}
