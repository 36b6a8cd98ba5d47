import type { Repos } from '../db/repos/index.ts';
import type { UserFactor } from '../db/repos/user-factors-repo.ts';
import type { UserWithHash } from '../db/repos/users-repo.ts';
import { effectiveMfaMode } from '../groups/mfa-mode.ts';
import { type MfaPolicy, readMfaPolicy } from '../mfa/policy.ts';
import type { FactorTypeId } from '../mfa/provider-type.ts';
import { PROVIDER_TYPES, providerTypeOf } from '../mfa/registry.ts';
import type { Candidate } from './begin.ts';
import { decideSecondFactor, type HeldFactor, type SecondFactorDecision } from './decision.ts';
import type { FactorChoice } from './outcome.ts';

/** How a factor is named on the sign-in page: the user's label, and what kind of method it is. */
export function choiceOf(factor: Pick<UserFactor, 'id' | 'type' | 'label'>): FactorChoice {
  const type = providerTypeOf(factor.type);
  return {
    factorId: factor.id,
    type: factor.type as FactorTypeId,
    label: factor.label,
    method: type ? type.wording.method : 'Recovery code',
  };
}

/**
 * One candidate per security-key provider, whatever the number of keys: the browser offers any of
 * them (the allow list), so the page says "Security key or passkey", or the key's name when there is one.
 */
function groupKeys(factors: UserFactor[]): Candidate[] {
  const candidates: Candidate[] = [];
  for (const factor of factors) {
    const ceremony = providerTypeOf(factor.type)?.challenge === 'ceremony';
    const grouped = ceremony
      ? candidates.find(
          (candidate) =>
            candidate.kind === 'prove' && candidate.group && candidate.factor.providerId === factor.providerId,
        )
      : undefined;
    if (grouped?.kind === 'prove' && grouped.group) {
      grouped.group.push(factor);
      grouped.choice = { ...grouped.choice, label: grouped.choice.method };
      continue;
    }
    candidates.push({ kind: 'prove', factor, choice: choiceOf(factor), ...(ceremony && { group: [factor] }) });
  }
  return candidates;
}

/** The types that are phishing-resistant, and the provider administrators enrol one with. */
async function phishingResistantRule(repos: Repos) {
  const types = (Object.keys(PROVIDER_TYPES) as FactorTypeId[]).filter(
    (id) => providerTypeOf(id)?.challenge === 'ceremony',
  );
  const provider = (await repos.providers.all()).find(
    (record) => record.enabled && types.includes(record.type as FactorTypeId),
  );
  return { types, enrolWith: provider ? { providerId: provider.id, type: provider.type as FactorTypeId } : null };
}

export interface UserFactors {
  factors: UserFactor[];
  /** Recovery codes left, per recovery-codes factor. */
  remaining: Map<string, number>;
  policy: MfaPolicy;
}

/** The user's factors and the MFA policy that applies to them: the instance's, changed by their groups'. */
export async function loadUserFactors(repos: Repos, userId: number): Promise<UserFactors> {
  const [factors, policy, groupPolicies] = await Promise.all([
    repos.userFactors.forUser(userId),
    readMfaPolicy(repos),
    repos.groups.mfaPoliciesOf(userId),
  ]);
  const recovery = factors.filter((factor) => factor.type === 'recovery_codes').map((factor) => factor.id);
  const remaining = await repos.userFactors.remainingRecoveryCodes(recovery);
  return { factors, remaining, policy: { ...policy, mode: effectiveMfaMode(policy.mode, groupPolicies).mode } };
}

/**
 * What an application asks of a session that must step up: MFA whatever the policy says (and whatever
 * "skip MFA" says: that exempts the portal's sign-in, not an application that needs MFA), of the given
 * kinds, or of any kind the policy allows when null.
 */
export interface StepUpRequirement {
  factorTypes: FactorTypeId[] | null;
}

/**
 * The decision for this user, and the challenges it allows, in the order they are offered: the
 * preferred factor first, then "Use another method" (recovery codes last).
 */
export async function candidatesFor(
  repos: Repos,
  user: UserWithHash,
  held: UserFactors,
  preferredFactorId: string | null,
  stepUp: StepUpRequirement | null = null,
): Promise<{ decision: SecondFactorDecision; candidates: Candidate[] }> {
  const { factors, remaining, policy } = held;
  const allowedTypes = stepUp?.factorTypes ?? policy.allowedTypes;
  const byId = new Map(factors.map((factor) => [factor.id, factor]));
  const defaultProvider =
    policy.defaultProviderId === null ? undefined : await repos.providers.findById(policy.defaultProviderId);
  const decision = decideSecondFactor({
    user: { role: user.role, mfaSkip: stepUp ? false : user.mfaSkip },
    factors: factors.map(
      (factor): HeldFactor => ({
        id: factor.id,
        type: factor.type as FactorTypeId,
        usable: factor.type === 'recovery_codes' || factor.provider?.enabled === true,
        isDefault: factor.isDefault,
        lastUsedAt: factor.lastUsedAt,
        ...(factor.type === 'recovery_codes' && { remaining: remaining.get(factor.id) ?? 0 }),
      }),
    ),
    policy: {
      mode: stepUp ? 'required' : policy.mode,
      allowedTypes,
      // A given kind of MFA is asked for: a recovery code is not that kind.
      recoveryCodes: policy.recoveryCodes && !stepUp?.factorTypes,
      enrolWith:
        defaultProvider?.enabled &&
        (!stepUp?.factorTypes || (stepUp.factorTypes as string[]).includes(defaultProvider.type))
          ? { providerId: defaultProvider.id, type: defaultProvider.type as FactorTypeId }
          : null,
      ...(policy.adminPhishingResistant && { administrators: await phishingResistantRule(repos) }),
    },
    preferredFactorId,
  });
  if (decision.kind === 'prove') {
    const held = [decision.primary, ...decision.alternatives].flatMap((entry) => byId.get(entry.id) ?? []);
    return { decision, candidates: groupKeys(held) };
  }
  const enrolRecord =
    decision.kind === 'enrol'
      ? decision.providerId === defaultProvider?.id
        ? defaultProvider
        : await repos.providers.findById(decision.providerId)
      : undefined;
  if (decision.kind === 'enrol' && enrolRecord) {
    const type = providerTypeOf(enrolRecord.type);
    const choice: FactorChoice = {
      factorId: null,
      type: decision.type,
      label: enrolRecord.name,
      method: type?.wording.method ?? enrolRecord.name,
    };
    return {
      decision,
      candidates: [{ kind: 'enrol', providerId: decision.providerId, choice, replace: false, label: null }],
    };
  }
  return { decision, candidates: [] };
}
