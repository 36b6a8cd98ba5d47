import type { SecretBox } from '../crypto/secret-box.ts';
import type { Repos } from '../db/repos/index.ts';
import { challengeSecretAad, factorSecretAad, readEnrolCodeState } from './challenge-state.ts';

/**
 * Re-seals every per-user secret under the newest master key (part of `keys rotate`): each user
 * factor's secret, and the secret of each authenticator app being set up right now. A value that does
 * not open stays as it is (that factor is unusable until the user sets it up again). Returns how many.
 */
export async function resealUserSecrets(repos: Repos, box: SecretBox): Promise<number> {
  let count = 0;
  for (const factor of await repos.userFactors.withSecrets()) {
    const aad = factorSecretAad(factor.id);
    let secret: string;
    try {
      secret = box.open(factor.sealedSecret, aad);
    } catch {
      continue;
    }
    await repos.userFactors.setSecret(factor.id, box.seal(secret, aad));
    count += 1;
  }
  for (const challenge of await repos.challenges.withKind('enrol_code')) {
    const state = readEnrolCodeState(challenge.state);
    if (!state) continue;
    const aad = challengeSecretAad(challenge.id);
    try {
      const secret = box.open(state.sealedSecret, aad);
      await repos.challenges.setState(challenge.id, { ...challenge.state, sealedSecret: box.seal(secret, aad) });
      count += 1;
    } catch {
      // an enrolment that cannot be finished any more: it expires within ten minutes
    }
  }
  return count;
}
