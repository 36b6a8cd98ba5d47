/**
 * A local HTTPS webhook receiver (certificate from the test PKI) that checks each delivery the way
 * docs/audit.md tells receivers to: HMAC-SHA256 over "<timestamp>.<body>", compared in constant time,
 * timestamp within five minutes. It can answer 503 for a while, or stop listening, to play an outage.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestCa } from './test-pki.ts';

export interface Delivery {
  eventId: string;
  timestamp: number;
  verified: boolean;
  body: { id: number; type: string; test?: boolean; [key: string]: unknown };
}

export interface WebhookReceiver {
  url: string;
  caPem: string;
  /** Deliveries answered 2xx, in arrival order. */
  deliveries: Delivery[];
  /** Requests answered with an error status (not deliveries). */
  refused: number;
  /** Answer every request with this status from now on (200 is normal). */
  answer(status: number): void;
  delayMs: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  waitFor(done: (deliveries: Delivery[]) => boolean, timeoutMs?: number): Promise<Delivery[]>;
}

export function verifySignature(key: string, timestamp: string, body: string, header: string): boolean {
  const expected = Buffer.from(`v1=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startWebhookReceiver(key: string): Promise<WebhookReceiver> {
  const ca = createTestCa('Webhook receiver test CA');
  const certificate = ca.issue({ hosts: ['localhost', '127.0.0.1'] });
  let status = 200;
  let port = 0;
  let server: Server | null = null;
  const receiver: WebhookReceiver = {
    url: '',
    caPem: ca.caPem,
    deliveries: [],
    refused: 0,
    delayMs: 0,
    answer(next) {
      status = next;
    },
    async stop() {
      const running = server;
      server = null;
      if (!running) return;
      running.closeAllConnections();
      await new Promise((resolve) => running.close(resolve));
    },
    async start() {
      server = createServer(certificate, (request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          setTimeout(() => {
            if (status < 200 || status >= 300) {
              receiver.refused += 1;
              response.writeHead(status).end();
              return;
            }
            const body = Buffer.concat(chunks).toString('utf8');
            const timestamp = String(request.headers['x-portcullis-timestamp'] ?? '');
            const signature = String(request.headers['x-portcullis-signature'] ?? '');
            receiver.deliveries.push({
              eventId: String(request.headers['x-portcullis-event-id'] ?? ''),
              timestamp: Number(timestamp),
              verified:
                verifySignature(key, timestamp, body, signature) &&
                Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300,
              body: JSON.parse(body) as Delivery['body'],
            });
            response.writeHead(204).end();
          }, receiver.delayMs);
        });
      });
      const listening = server;
      await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
      port = (listening.address() as AddressInfo).port;
      receiver.url = `https://127.0.0.1:${port}/portcullis/events`;
    },
    async waitFor(done, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!done(receiver.deliveries)) {
        if (Date.now() > until) throw new Error(`the receiver got ${receiver.deliveries.length} deliveries only`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return receiver.deliveries;
    },
  };
  await receiver.start();
  return receiver;
}
