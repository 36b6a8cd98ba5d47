import { readFileSync } from 'node:fs';
import type { Config } from '../../../config/config.ts';

/** Duo's slice of the process configuration: read once per portal, shared by every Duo provider. */
export interface DuoSettings {
  timeoutMs: number;
  /** Extra trusted CAs (PORTCULLIS_DUO_CA_FILE), e.g. the emulator's; Duo's public CAs are always trusted. */
  extraCaPem: string | undefined;
  /** Proxy variables set in the environment: ignored (Duo is reached directly), but worth saying. */
  proxyVariables: string[];
}

export function duoSettingsFrom(config: Config): DuoSettings {
  return {
    timeoutMs: config.duoTimeoutMs,
    extraCaPem: config.duoExtraCaFile ? readFileSync(config.duoExtraCaFile, 'utf8') : undefined,
    proxyVariables: config.proxyVariables,
  };
}
