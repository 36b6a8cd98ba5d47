// Two portal nodes on one PostgreSQL database, no sticky sessions: a TOTP code is accepted once even
// when sent to both nodes at the same moment, and the wrong-code budgets are shared by both.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { missingPrograms } from '../helpers/programs.ts';
import { enrolTotp, oathtoolCode, passwordThenChallenge, registerTotp } from '../helpers/totp.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('oathtool');

type ErrorBody = { error: { code: string; details?: { attemptsLeft?: number } } };

/** One browser (one cookie jar) whose requests a load balancer sends to whichever node it is pointed at. */
function balancedBrowser(first: FastifyInstance) {
  let target = first;
  const client = createClient({
    inject: (options: InjectOptions) => target.inject(options),
  } as unknown as FastifyInstance);
  return Object.assign(client, {
    to(node: FastifyInstance) {
      target = node;
      return client;
    },
  });
}

// PostgreSQL only: SQLite is a single-node database.
describe.skipIf(MISSING_PROGRAMS)('authenticator apps on two nodes (PostgreSQL)', () => {
  let nodeA: TestPortal;
  let nodeB: TestPortal;
  let providerId: number;
  let counter = 0;

  async function enrolled() {
    counter += 1;
    const username = `pair${counter}`;
    await seedUser(nodeA, username);
    const client = createClient(nodeA.fastify);
    await client.signIn(username, STRONG_PASSWORD);
    const { secret } = await enrolTotp(nodeA, client, providerId);
    nodeA.clock.advance(30_000);
    return { username, secret };
  }

  beforeAll(async () => {
    nodeA = await startTestPortal('postgres');
    nodeB = await startTestPortal('postgres', {
      databaseUrl: nodeA.databaseUrl,
      dataDir: nodeA.dataDir,
      clock: nodeA.clock,
    });
    await seedUser(nodeA, 'admin', { role: 'administrator' });
    const admin = createClient(nodeA.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    providerId = await registerTotp(admin);
  });
  afterAll(async () => {
    await nodeB?.close();
    await nodeA?.close();
  });

  it('a challenge started on A is answered on B; the same code sent to both at once signs in once', async () => {
    const { username, secret } = await enrolled();
    const one = balancedBrowser(nodeA.fastify);
    const two = balancedBrowser(nodeA.fastify);
    const first = await passwordThenChallenge(one, username);
    const second = await passwordThenChallenge(two, username);
    const code = oathtoolCode(secret, nodeA.clock());
    const [a, b] = await Promise.all([
      one.to(nodeA.fastify).post(`/api/auth/challenges/${first}/code`, { code }),
      two.to(nodeB.fastify).post(`/api/auth/challenges/${second}/code`, { code }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
    expect([a, b].find((response) => response.status === 401)?.json<ErrorBody>().error.code).toBe('MFA_CODE_REUSED');
  });

  it('wrong codes count on one challenge whichever node receives them', async () => {
    const { username, secret } = await enrolled();
    const browser = balancedBrowser(nodeA.fastify);
    const id = await passwordThenChallenge(browser, username);
    const wrong = oathtoolCode(secret, nodeA.clock()) === '123456' ? '654321' : '123456';
    const left: number[] = [];
    for (const node of [nodeA, nodeB, nodeA, nodeB]) {
      const refused = await browser.to(node.fastify).post(`/api/auth/challenges/${id}/code`, { code: wrong });
      left.push(refused.json<ErrorBody>().error.details?.attemptsLeft ?? -1);
    }
    expect(left).toEqual([4, 3, 2, 1]);
    const locked = await browser.to(nodeB.fastify).post(`/api/auth/challenges/${id}/code`, { code: wrong });
    expect(locked.json<ErrorBody>().error.code).toBe('MFA_CODE_LOCKED');
  });
});
