import { createDuoClient, type DuoClient } from '../../../duo/index.ts';
import type { MfaProvider, ProviderContext } from '../../provider-type.ts';
import { healthFromError, healthFromSuccess } from './duo-health.ts';

export interface DuoProvider extends MfaProvider {
  readonly client: DuoClient;
}

export function createDuoProvider(
  config: Record<string, string>,
  secrets: Record<string, string>,
  context: ProviderContext,
): DuoProvider {
  const client = createDuoClient(
    {
      clientId: config.clientId ?? '',
      clientSecret: secrets.clientSecret ?? '',
      apiHost: config.endpoint ?? '',
      redirectUri: context.redirectUri,
    },
    {
      allowCustomHosts: context.allowCustomHosts,
      timeoutMs: context.timeoutMs,
      now: context.now,
      ...(context.extraCaPem !== undefined && { extraCaPem: context.extraCaPem }),
    },
  );
  return {
    client,
    async healthCheck() {
      try {
        return healthFromSuccess(await client.healthCheck(), context.now());
      } catch (error) {
        return healthFromError(error, context.now(), context.proxyVariables);
      }
    },
    close: () => client.close(),
  };
}
