import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mfaPolicySchema } from '../../../shared/api/mfa.ts';
import { createRepos } from '../../db/repos/index.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { mfaSummaries } from '../../mfa/factors/mfa-summary.ts';
import type { Services } from '../../services.ts';

/** Settings > MFA > Policy: who must use MFA, and with which provider new users enrol. */
export function registerMfaPolicyRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['mfa policy'];
  const policyView = mfaPolicySchema.extend({
    allowedTypes: z.array(z.string()),
    recoveryCodes: z.boolean(),
    adminPhishingResistant: z.boolean(),
    passwordless: z.boolean(),
    /** Administrators who hold a security key or passkey (who may sign in once those are required). */
    administratorsWithKeys: z.array(z.string()),
    administratorsWithMfa: z.array(z.string()),
    usersWithoutMfa: z.number(),
  });

  const view = async () => {
    const repos = createRepos(services.storage.db);
    const policy = await services.mfaPolicy.get();
    const [administratorsWithMfa, administratorsWithKeys, users] = await Promise.all([
      repos.userFactors.administratorsWithWorkingMfa(policy.allowedTypes),
      repos.userFactors.administratorsWithWorkingMfa(['webauthn']),
      repos.users.list({ offset: 0, limit: 100_000 }),
    ]);
    const mfa = await mfaSummaries(
      repos,
      users.items.map((user) => user.id),
    );
    const usersWithoutMfa = users.items.filter((user) => !user.disabled && !user.mfaSkip && !mfa.has(user.id)).length;
    return { ...policy, administratorsWithMfa, administratorsWithKeys, usersWithoutMfa };
  };

  app.get(
    '/api/admin/mfa/policy',
    { schema: { tags, summary: 'The MFA policy, and who is ready for it', response: { 200: policyView } } },
    view,
  );

  app.put(
    '/api/admin/mfa/policy',
    {
      schema: {
        tags,
        summary: 'Change the MFA policy (refused if it would lock every administrator out)',
        body: mfaPolicySchema,
        response: { 200: policyView },
      },
    },
    async (request) => {
      requireFreshSession(request);
      await services.mfaPolicy.set(request.body, auditContextOf(request));
      return view();
    },
  );
}
