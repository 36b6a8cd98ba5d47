import type { GroupMfaPolicy } from '../../../../../shared/api/groups.ts';
import { Badge } from '../../../components/Badge.tsx';

export const MFA_POLICY_OPTIONS: Array<{ value: GroupMfaPolicy; label: string; description: string }> = [
  {
    value: 'inherit',
    label: 'Inherit',
    description: 'Members follow the instance policy under Settings › MFA › Policy.',
  },
  {
    value: 'required',
    label: 'Required',
    description: 'Members must sign in with MFA, even while the instance policy is off.',
  },
  {
    value: 'off',
    label: 'Off',
    description:
      'Members may sign in with their password alone, even while MFA is required (unless another of their groups requires it).',
  },
];

/** The group's MFA policy as a badge in the report. */
export function MfaPolicyBadge({ policy }: { policy: GroupMfaPolicy }) {
  if (policy === 'required') return <Badge tone="success">MFA required</Badge>;
  if (policy === 'off')
    return (
      <span title="Members may sign in without MFA">
        <Badge tone="warning">MFA off</Badge>
      </span>
    );
  return <Badge>Inherits policy</Badge>;
}
