import { Agent, request } from 'node:https';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { SyslogConfig, WebhookConfig } from '../../../shared/api/audit-forwarding.ts';
import {
  eventJson,
  type ForwardedEvent,
  syslogFrame,
  USER_AGENT,
  WEBHOOK_HEADERS,
  webhookSignature,
} from './event-payload.ts';

export interface Sender {
  /** Delivers the events in order, or throws (describeError says why). */
  send(events: ForwardedEvent[]): Promise<void>;
  close(): void;
}

export const SEND_TIMEOUT_MS = 10_000;

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (is the receiver running and listening on that port?)',
  ECONNRESET: 'the receiver closed the connection',
  EPIPE: 'the receiver closed the connection',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  CERT_HAS_EXPIRED: "the receiver's certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "the receiver's certificate is not for this host name",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the receiver's certificate is self-signed and not trusted (add its CA)",
  SELF_SIGNED_CERT_IN_CHAIN: "the receiver's certificate is not trusted (add its CA)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the receiver's certificate is not trusted (add its CA)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the receiver's certificate is not trusted (add its CA)",
};

/** A message for the status page: what failed, never a secret or a stack trace. */
export function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return NETWORK_ERRORS[code] ?? `the connection failed (${code})`;
  return (error as Error | null)?.message?.slice(0, 200) ?? 'the delivery failed';
}

/**
 * Syslog over TCP, or TLS (RFC 5425), one connection kept open between batches. A receiver closing
 * it is noticed at once (the peer's FIN), so the next batch reconnects instead of writing into a dead
 * connection. TCP has no acknowledgement of its own: a batch counts as delivered once the kernel took
 * every byte and the connection did not fail meanwhile (docs/audit.md, "What at-least-once means here").
 */
export function createSyslogSender(config: SyslogConfig, secrets: { clientKey?: string }): Sender {
  let socket: Socket | null = null;

  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const options = { host: config.host, port: config.port, timeout: SEND_TIMEOUT_MS };
      const next = config.tls
        ? tlsConnect({
            ...options,
            ...(isIP(config.host) === 0 && { servername: config.host }),
            ...(config.caPem && { ca: [config.caPem] }),
            ...(config.clientCertPem && secrets.clientKey && { cert: config.clientCertPem, key: secrets.clientKey }),
            minVersion: 'TLSv1.2',
          })
        : tcpConnect(options);
      const fail = (error: Error) => {
        next.destroy();
        reject(error);
      };
      next.once('error', fail);
      next.once('timeout', () => fail(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      next.once(config.tls ? 'secureConnect' : 'connect', () => {
        next.off('error', fail);
        next.setTimeout(0);
        next.setKeepAlive(true, 30_000);
        const forget = () => {
          if (socket === next) socket = null;
          next.destroy();
        };
        next.on('error', forget);
        next.on('end', forget);
        next.on('close', forget);
        next.on('data', () => {}); // a syslog receiver sends nothing; read so the connection never stalls
        resolve(next);
      });
    });

  return {
    async send(events) {
      if (events.length === 0) return;
      try {
        socket ??= await open();
        const target = socket;
        const data = Buffer.concat(events.map((event) => syslogFrame(event, config.facility)));
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
            SEND_TIMEOUT_MS,
          );
          const onClose = () => reject(Object.assign(new Error('closed'), { code: 'ECONNRESET' }));
          target.once('close', onClose);
          target.write(data, (error) => {
            clearTimeout(timer);
            target.off('close', onClose);
            if (error) reject(error);
            else resolve();
          });
        });
      } catch (error) {
        socket?.destroy();
        socket = null;
        throw error;
      }
    },
    close() {
      socket?.end();
      socket = null;
    },
  };
}

/**
 * HTTPS POST per event, signed (HMAC-SHA256 over timestamp and body); a 2xx answer is delivery, anything
 * else (redirects included: a moved receiver must be re-configured, not followed) is a failure.
 */
export function createWebhookSender(
  config: WebhookConfig,
  secrets: { hmacKey?: string },
  wallClock: () => number = Date.now,
): Sender {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ...(config.caPem && { ca: [config.caPem] }) });
  const key = secrets.hmacKey ?? '';

  const post = (event: ForwardedEvent) =>
    new Promise<void>((resolve, reject) => {
      const body = eventJson(event);
      const timestamp = Math.floor(wallClock() / 1000);
      const outgoing = request(
        config.url,
        {
          method: 'POST',
          agent,
          timeout: SEND_TIMEOUT_MS,
          headers: {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            [WEBHOOK_HEADERS.eventId]: event.test ? 'test' : String(event.id),
            [WEBHOOK_HEADERS.timestamp]: String(timestamp),
            [WEBHOOK_HEADERS.signature]: webhookSignature(key, timestamp, body),
          },
        },
        (response) => {
          response.resume();
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`the receiver answered HTTP ${status}`));
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  return {
    async send(events) {
      for (const event of events) await post(event);
    },
    close() {
      agent.destroy();
    },
  };
}
