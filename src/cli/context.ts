import { openPortal, type Portal } from '../server/bootstrap.ts';
import { type Config, loadConfig } from '../server/config/config.ts';
import { createServices, type Services } from '../server/services.ts';

export function configFromEnvironment(): Config {
  return loadConfig(process.env);
}

/** Opens the portal (migrated, keys proven) for one command, and always closes it. */
export async function withPortal<T>(work: (services: Services, portal: Portal) => Promise<T>): Promise<T> {
  const config = configFromEnvironment();
  const portal = await openPortal(config);
  try {
    return await work(createServices(config, portal.deps), portal);
  } finally {
    await portal.close();
  }
}
