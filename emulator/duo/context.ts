import type { AuthLog } from './auth-log.ts';
import { isFormBody } from './errors.ts';
import type { FlowState } from './flow-state.ts';
import type { PromptFlow } from './prompt-flow.ts';
import type { DuoStore } from './store.ts';
import type { DuoFault, DuoKnobs } from './types.ts';

/** What every route needs; one object so the routes stay free of module-level state and two emulators never mix. */
export interface EmulatorContext {
  store: DuoStore;
  state: FlowState;
  flow: PromptFlow;
  now(): number;
  nowSeconds(): number;
  faults(): readonly DuoFault[];
  knobs(): DuoKnobs;
  log: AuthLog;
  /** https://<apiHost>: known only once the server listens, hence a function. */
  baseUrl(): string;
  readyClientId(): string;
  readyAdminKey(): string;
}

type Params = Record<string, string | string[] | undefined>;

export type ParamRead = { ok: true; values: Record<string, string | undefined> } | { ok: false; duplicated: string };

/**
 * The token and health-check parameters, from the form body or, for the Python SDK, the query string. A parameter
 * sent twice is refused, as RFC 6749 §3.1 requires.
 */
export function readParams(
  request: { body: unknown; query: unknown; headers: Record<string, string | string[] | undefined> },
  names: readonly string[],
): ParamRead {
  const { body, query } = request;
  // Duo's OAuth endpoints take form bodies (urlencoded, or multipart from the PHP SDK); JSON is not read.
  const isForm = isFormBody(String(request.headers['content-type'] ?? ''));
  const form = (isForm && body && typeof body === 'object' ? body : {}) as Params;
  const url = (query && typeof query === 'object' ? query : {}) as Params;
  const values: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = form[name] ?? url[name];
    if (Array.isArray(value)) return { ok: false, duplicated: name };
    values[name] = value;
  }
  return { ok: true, values };
}
