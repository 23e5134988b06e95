import type { NotifyConfig } from '@motcua/platform';
import { NotificationChannel, OutgoingMessage, scrubError } from './channel.port';

const TIMEOUT_MS = 15_000;

/** JSON string contents (no quotes) of `s`. */
function jsonInner(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/**
 * SMS through an HTTP gateway (Vietnamese SMS brandname gateways take a JSON POST): the body is
 * `SMS_GATEWAY_BODY` with `{{to}}`, `{{text}}`, `{{id}}` filled (JSON-escaped), the one header of
 * `SMS_GATEWAY_AUTH` added. Any 2xx answer is a delivery; anything else is retried.
 */
export class SmsGatewayChannel implements NotificationChannel {
  readonly name = 'sms' as const;

  constructor(private readonly config: Pick<NotifyConfig, 'smsGatewayUrl' | 'smsGatewayAuth' | 'smsGatewayBody'>) {}

  async send(m: OutgoingMessage): Promise<void> {
    const body = this.config.smsGatewayBody.replace(/\{\{(to|text|id)\}\}/g, (_x, k: 'to' | 'text' | 'id') =>
      jsonInner(k === 'to' ? m.to : k === 'text' ? m.text : m.id),
    );
    const auth = this.config.smsGatewayAuth;
    let res: Response;
    try {
      res = await fetch(this.config.smsGatewayUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'motcua-notify/1', ...(auth ? { [auth.name]: auth.value } : {}) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new Error(`SMS gateway unreachable: ${scrubError((err as Error).message, m.to)}${cause ? ` (${cause})` : ''}`, { cause: err });
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) throw new Error(`SMS gateway answered HTTP ${res.status}`);
  }
}
