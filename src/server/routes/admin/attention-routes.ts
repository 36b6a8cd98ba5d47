import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { attentionSchema } from '../../../shared/api/mfa.ts';
import { createRepos } from '../../db/repos/index.ts';
import { isoTime, isoTimeOrNull } from '../../iso-time.ts';
import type { Services } from '../../services.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What an administrator should look at now, for the console's home page: sign-ins that skipped MFA
 * because Duo was unreachable (fail open), sign-ins refused because MFA was unavailable, and providers
 * whose last check failed or whose secret no longer opens (anchors 72-73: make outages visible), and
 * Duo pushes denied or reported as fraud (imported from Duo's authentication log, ADR 0020).
 */
export function registerAttentionRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/admin/attention',
    {
      schema: {
        tags: ['system'],
        summary: 'Security events of the last 24 hours and providers needing attention',
        response: { 200: attentionSchema },
      },
    },
    async () => {
      const repos = createRepos(services.storage.db);
      const since = services.clock() - DAY_MS;
      const [bypassed, unavailable, throttled, recovery, clones, providers, duoDenied] = await Promise.all([
        repos.audit.count({ type: 'login.mfa_bypassed', from: since }),
        repos.audit.count({ type: 'login.mfa_unavailable', from: since }),
        repos.audit.count({ type: 'login.throttled', from: since }),
        repos.audit.count({ type: 'login.recovery_code_used', from: since }),
        repos.audit.count({ type: 'user.factor_clone_suspected', from: since }),
        repos.providers.all(),
        repos.duoAuthLog.countDeniedOrFraud(since),
      ]);
      return {
        since: isoTime(since),
        mfaBypassed: bypassed.value,
        mfaUnavailable: unavailable.value,
        signInsThrottled: throttled.value,
        recoveryCodesUsed: recovery.value,
        keysCloneSuspected: clones.value,
        duoDenied,
        providers: providers
          .filter(
            (provider) =>
              provider.unusableReason !== null ||
              (provider.enabled && provider.lastCheck !== null && provider.lastCheck.status !== 'ok'),
          )
          .map((provider) => ({
            id: provider.id,
            name: provider.name,
            problem: provider.unusableReason ?? provider.lastCheck?.message ?? '',
            status: provider.unusableReason ? 'unusable' : (provider.lastCheck?.status ?? 'unknown'),
            checkedAt: isoTimeOrNull(provider.lastCheck?.at ?? null),
          })),
      };
    },
  );
}
