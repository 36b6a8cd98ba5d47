// Issue 12 ("a fair hashing queue"): with every hashing slot busy, a browser with a device cookie is
// served before the anonymous requests already waiting, and each lane has its own bound.
import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/server/crypto/passwords.ts';

describe('the hashing queue', () => {
  it('serves known devices before anonymous requests that queued earlier', async () => {
    const hasher = createPasswordHasher({ concurrency: 1, queueLimit: 8 });
    const stored = await hasher.hash('a-correct-password');
    const finished: string[] = [];
    const run = (name: string, lane: 'known' | 'anonymous') =>
      hasher.verify(stored, 'a-correct-password', lane).then(() => finished.push(name));
    const all = [run('anonymous-1', 'anonymous'), run('anonymous-2', 'anonymous'), run('anonymous-3', 'anonymous')];
    all.push(run('known', 'known'));
    await Promise.all(all);
    // The first anonymous one held the slot; the known device came next, ahead of the others.
    expect(finished).toEqual(['anonymous-1', 'known', 'anonymous-2', 'anonymous-3']);
  });

  it('a full anonymous queue answers SERVER_BUSY to anonymous requests only', async () => {
    const hasher = createPasswordHasher({ concurrency: 1, queueLimit: 2 });
    const stored = await hasher.hash('a-correct-password');
    const anonymous = Array.from({ length: 3 }, () => hasher.verify(stored, 'x', 'anonymous'));
    await expect(hasher.verify(stored, 'x', 'anonymous')).rejects.toMatchObject({ code: 'SERVER_BUSY' });
    await expect(hasher.verify(stored, 'a-correct-password', 'known')).resolves.toMatchObject({ ok: true });
    await Promise.all(anonymous);
  });
});
