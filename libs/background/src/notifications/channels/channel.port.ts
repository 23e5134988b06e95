import type { NoticeChannel } from '@motcua/domain';

/** One message to one citizen's address (the address never reaches a log). */
export interface OutgoingMessage {
  /** The outbox row id: idempotency key for gateways that take one. */
  id: string;
  to: string;
  subject?: string;
  text: string;
}

/**
 * A way to reach a citizen (the port; adapters in this folder). `send` resolves once the channel
 * accepted the message and throws otherwise, with a message that names no address.
 */
export interface NotificationChannel {
  readonly name: NoticeChannel;
  send(message: OutgoingMessage): Promise<void>;
  close?(): Promise<void> | void;
}

/** Removes anything that looks like an address or a phone number from an error text. */
export function scrubError(text: string, ...addresses: (string | undefined)[]): string {
  let out = text;
  for (const a of addresses) if (a) out = out.split(a).join('[redacted]');
  return out.replace(/[^\s<>()"']+@[^\s<>()"']+/g, '[redacted]').replace(/\+?\d[\d .-]{7,}\d/g, '[redacted]');
}
