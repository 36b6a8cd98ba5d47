/**
 * Providers as code (`provider apply`), on both engines: a dry run refuses what the real run refuses
 * (issue 13.5), a file is applied whole or not at all, and the providers a file manages are marked as
 * such for the console (issue 13.12).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/errors/catalogue.ts';
import {
  ApplyError,
  type ApplyOptions,
  applyDepsOf,
  applyProviders,
  type DesiredProvider,
} from '../../src/server/mfa/provider-apply.ts';
import { type PortalWithDuo, startPortalWithDuo } from '../helpers/duo.ts';
import { auditRows, STRONG_PASSWORD, SYSTEM_CONTEXT, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

describe.each(ENGINES)('provider apply on %s', (engine) => {
  let env: PortalWithDuo;
  let good: Record<string, string>;

  const entry = (name: string, values: Record<string, unknown> = {}, enabled = true): DesiredProvider => ({
    name,
    type: 'duo',
    enabled,
    values: { ...good, ...values },
  });
  const apply = (desired: DesiredProvider[], options: Partial<ApplyOptions> = {}) => {
    return applyProviders(
      desired,
      applyDepsOf(env.portal.services),
      { prune: false, dryRun: false, saveAnyway: false, confirmAffected: false, source: 'providers.yaml', ...options },
      SYSTEM_CONTEXT,
    );
  };
  const failureOf = async (run: Promise<unknown>) => {
    const error = await run.then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  };
  const storedNames = async () =>
    (await env.portal.services.storage.db.selectFrom('mfa_providers').select('name').orderBy('id').execute()).map(
      (row) => row.name,
    );

  beforeAll(async () => {
    env = await startPortalWithDuo(engine);
    good = { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret };
  });
  afterAll(() => env.close());
  beforeEach(() => env.emulator.setFaults([]));

  it('issue 13.5: a dry run refuses a 19-character Client ID and a misspelt key exactly as the real run', async () => {
    for (const bad of [
      entry('Short id', { clientId: good.clientId?.slice(0, 19) }),
      entry('Typo', { clientSerect: 'x' }),
    ]) {
      const dry = await failureOf(apply([bad], { dryRun: true }));
      const real = await failureOf(apply([bad]));
      expect(dry).toBeInstanceOf(ApplyError);
      expect(dry.message).toBe(real.message);
    }
    expect((await failureOf(apply([entry('Short id', { clientId: 'DI123' })], { dryRun: true }))).message).toBe(
      '"Short id": clientId: The Client ID is exactly 20 letters and digits (this one has 5); copy it again from the Duo application page.',
    );
    expect((await failureOf(apply([entry('Typo', { clientSerect: 'x' })], { dryRun: true }))).message).toBe(
      '"Typo": clientSerect: This field is not recognised. Remove it.',
    );
    expect(await storedNames()).toEqual([]);
  });

  it('issue 13.5: a dry run runs the live check too: credentials Duo refuses are refused before the real run', async () => {
    const wrongSecret = entry('Wrong secret', { clientSecret: 'b'.repeat(40) });
    const dry = await failureOf(apply([wrongSecret], { dryRun: true }));
    const real = await failureOf(apply([wrongSecret]));
    expect(dry).toBeInstanceOf(AppError);
    expect((dry as AppError).code).toBe('PROVIDER_CHECK_FAILED');
    expect(dry.message).toBe(real.message);
    expect(dry.message).toMatch(/^"Wrong secret": Duo did not accept these settings/);
    expect(await storedNames()).toEqual([]);
  });

  it('applies a file whole or not at all: a bad last entry leaves the first ones uncreated', async () => {
    const error = await failureOf(apply([entry('First'), entry('Second'), entry('Third', { endpoint: '' })]));
    expect(error.message).toMatch(/^"Third": endpoint: Enter the API hostname/);
    expect(await storedNames()).toEqual([]);
    // A dry run of a good file says what would happen and changes nothing.
    expect(await apply([entry('First')], { dryRun: true })).toEqual({
      created: ['First'],
      updated: [],
      unchanged: [],
      deleted: [],
    });
    expect(await storedNames()).toEqual([]);
  });

  it('issue 13.12: marks the providers it manages, shows it in the report, and unmarks what leaves the file', async () => {
    expect((await apply([entry('Coded'), entry('Also coded')])).created).toEqual(['Coded', 'Also coded']);
    await seedUser(env.portal, 'viewer', { role: 'administrator' });
    const admin = createClient(env.portal.fastify);
    await admin.signIn('viewer', STRONG_PASSWORD);
    type View = { name: string; managedBy: string | null };
    const report = async () =>
      Object.fromEntries(
        (await admin.get('/api/admin/mfa/providers'))
          .json<{ items: View[] }>()
          .items.map((item) => [item.name, item.managedBy]),
      );
    expect(await report()).toEqual({ Coded: 'providers.yaml', 'Also coded': 'providers.yaml' });
    // A provider made in the console is not marked; marking a console provider is audited as a change.
    const manual = await admin.post('/api/admin/mfa/providers', {
      type: 'duo',
      name: 'By hand',
      enabled: true,
      values: good,
    });
    expect(manual.status).toBe(201);
    expect(manual.json<{ provider: View }>().provider.managedBy).toBeNull();
    expect((await apply([entry('Coded'), entry('Also coded'), entry('By hand')])).unchanged).toEqual([
      'Coded',
      'Also coded',
      'By hand',
    ]);
    expect((await report())['By hand']).toBe('providers.yaml');
    const marks = (await auditRows(env.portal, 'mfa_provider.updated')).map((row) => JSON.parse(row.details ?? '{}'));
    expect(marks.at(-1)).toEqual({
      changes: { managedBy: { from: null, to: 'providers.yaml' } },
      check: 'skipped',
      savedDespiteCheck: false,
    });
    // Left out of the file (without --prune): kept, and no longer managed by it.
    await apply([entry('Coded')]);
    expect(await report()).toEqual({ Coded: 'providers.yaml', 'Also coded': null, 'By hand': null });
    // Another file's providers keep their own mark.
    await apply([entry('Elsewhere')], { source: 'other.yaml' });
    await apply([entry('Coded')]);
    expect((await report()).Elsewhere).toBe('other.yaml');
  });
});
