import { HTTP_METHODS } from '../../../../../shared/api/access-patterns.ts';
import { Button } from '../../../components/Button.tsx';
import { SelectField, TextField } from '../../../components/Field.tsx';
import { errorAt, type RuleDraft } from './application-draft.ts';
import { ChoiceChips, LinesField, PickList } from './fields.tsx';

const REQUIREMENTS = [
  { value: '', label: 'Choose…' },
  { value: 'mfa', label: 'MFA' },
  { value: 'factor', label: 'A given kind of MFA' },
  { value: 'password', label: 'Password only' },
  { value: 'deny', label: 'Deny' },
];

const FACTOR_KINDS = [
  { value: 'duo', label: 'Duo' },
  { value: 'totp', label: 'Authenticator app' },
];

export interface Directory {
  groups: Array<{ id: number; label: string }>;
  users: Array<{ id: number; label: string }>;
}

/** One access rule: who, from where, which methods and paths, and what it requires. */
export function RuleEditor({
  rule,
  index,
  count,
  errors,
  directory,
  onChange,
  onMove,
  onRemove,
}: {
  rule: RuleDraft;
  index: number;
  count: number;
  errors: Record<string, string>;
  directory: Directory;
  onChange: (change: Partial<RuleDraft>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const path = `rules.${index}`;
  const at = (field: string) => errorAt(errors, `${path}.${field}`);
  const label = (list: Directory['users'], id: number, noun: string) =>
    list.find((item) => item.id === id)?.label ?? `${noun} #${id}`;
  const mfa = rule.requirement === 'mfa' || rule.requirement === 'factor';
  return (
    <li className="rule" aria-label={`Rule ${index + 1}`}>
      <div className="rule-head">
        <h3 className="rule-title">Rule {index + 1}</h3>
        <div className="rule-tools">
          <Button
            size="sm"
            variant="ghost"
            icon="arrowUp"
            disabled={index === 0}
            onClick={() => onMove(-1)}
            aria-label={`Move rule ${index + 1} up`}
          >
            Up
          </Button>
          <Button
            size="sm"
            variant="ghost"
            icon="arrowDown"
            disabled={index === count - 1}
            onClick={() => onMove(1)}
            aria-label={`Move rule ${index + 1} down`}
          >
            Down
          </Button>
          <Button size="sm" variant="ghost" icon="trash" onClick={onRemove} aria-label={`Remove rule ${index + 1}`}>
            Remove
          </Button>
        </div>
      </div>
      <div className="rule-grid">
        <SelectField
          label="Who"
          name={`${path}.who`}
          value={rule.who}
          onChange={(who) => onChange({ who: who as RuleDraft['who'] })}
          options={[
            { value: 'everyone', label: 'Everyone signed in' },
            { value: 'members', label: 'Some groups and users' },
          ]}
          error={rule.who === 'everyone' ? at('who') : errors[`${path}.who`]}
        />
        <SelectField
          label="Requires"
          name={`${path}.requirement`}
          value={rule.requirement}
          onChange={(requirement) => onChange({ requirement: requirement as RuleDraft['requirement'] })}
          options={REQUIREMENTS}
          error={at('requirement')}
        />
        {rule.who === 'members' && (
          <>
            <PickList
              label="Groups"
              placeholder="Add a group…"
              items={rule.groupIds.map((id) => ({ id, label: label(directory.groups, id, 'group') }))}
              options={directory.groups}
              onAdd={(id) => onChange({ groupIds: [...rule.groupIds, id] })}
              onRemove={(id) => onChange({ groupIds: rule.groupIds.filter((other) => other !== id) })}
              error={at('who.groupIds')}
            />
            <PickList
              label="Users"
              placeholder="Add a user…"
              items={rule.userIds.map((id) => ({ id, label: label(directory.users, id, 'user') }))}
              options={directory.users}
              onAdd={(id) => onChange({ userIds: [...rule.userIds, id] })}
              onRemove={(id) => onChange({ userIds: rule.userIds.filter((other) => other !== id) })}
              error={at('who.userIds')}
            />
          </>
        )}
        {rule.requirement === 'factor' && (
          <ChoiceChips
            legend="Kind of MFA"
            options={FACTOR_KINDS}
            selected={rule.factorTypes}
            onChange={(factorTypes) => onChange({ factorTypes })}
            error={at('factorTypes')}
          />
        )}
        {mfa && (
          <TextField
            label="Ask for MFA again after (minutes)"
            name={`${path}.maxAge`}
            value={rule.maxAge}
            onChange={(maxAge) => onChange({ maxAge })}
            error={at('mfaMaxAgeMinutes')}
            placeholder="Never"
            optional
            hint="A session whose last MFA is older goes through the MFA step again (no password)."
          />
        )}
        <LinesField
          label="From networks"
          name={`${path}.networks`}
          value={rule.networks}
          onChange={(networks) => onChange({ networks })}
          error={at('networks')}
          placeholder="Anywhere — or e.g. 10.0.0.0/8"
          hint="CIDRs, one per line."
        />
        <LinesField
          label="Paths"
          name={`${path}.paths`}
          value={rule.paths}
          onChange={(paths) => onChange({ paths })}
          error={at('paths')}
          placeholder="Every path — or e.g. /admin"
          hint="Path prefixes, one per line: /admin covers /admin/users."
        />
        <ChoiceChips
          legend="Methods"
          options={HTTP_METHODS.map((method) => ({ value: method, label: method }))}
          selected={rule.methods}
          onChange={(methods) => onChange({ methods })}
          error={at('methods')}
          hint="None ticked: every method."
        />
      </div>
    </li>
  );
}
