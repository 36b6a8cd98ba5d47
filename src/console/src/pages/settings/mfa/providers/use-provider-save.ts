import { type RefObject, useCallback, useRef, useState } from 'react';
import type {
  HealthResultView,
  ProviderSaveResponse,
  ProviderTypeView,
  ProviderView,
} from '../../../../../../shared/api/providers.ts';
import { toApiError } from '../../../../api/client.ts';
import { mfaEndpoints } from '../../../../api/mfa-endpoints.ts';
import { type Affected, affectedFrom, checkFrom } from './affected-users.ts';
import { type ProviderFormValues, valuesBody } from './provider-form-values.ts';

/** The live check refused the save: unreachable (may save anyway) or refused settings (may save disabled). */
export interface Refusal {
  code: 'PROVIDER_UNREACHABLE' | 'PROVIDER_CHECK_FAILED';
  message: string;
  check: HealthResultView | null;
}

interface Overrides {
  saveAnyway?: boolean;
  enabled?: boolean;
  confirmAffectedUsers?: number;
}

/**
 * Saving a provider: create or update, then the answers that need the administrator's decision
 * (a failed live check, users who depend on the provider) become state the form shows; anything
 * else (field errors, reauthentication) goes back to the form. `retry` resubmits the same form with
 * the decision attached, so validation and the busy state work as for a first save.
 */
export function useProviderSave(options: {
  type: ProviderTypeView;
  provider: ProviderView | undefined;
  formRef: RefObject<HTMLFormElement | null>;
  onSaved: (result: ProviderSaveResponse, despiteCheck: boolean) => void;
}) {
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [inUse, setInUse] = useState<Affected | null>(null);
  const overrides = useRef<Overrides>({});
  const optionsRef = useRef(options);
  optionsRef.current = options;

  const save = useCallback(async (values: ProviderFormValues) => {
    const { type, provider, onSaved } = optionsRef.current;
    const extra = overrides.current;
    overrides.current = {};
    const editing = provider !== undefined;
    const common = {
      name: (values.name ?? '').trim(),
      enabled: extra.enabled ?? values.enabled === 'yes',
      values: valuesBody(type, values, editing),
      ...(extra.saveAnyway && { saveAnyway: true }),
    };
    try {
      const result = provider
        ? await mfaEndpoints.updateProvider(provider.id, {
            ...common,
            ...(extra.confirmAffectedUsers !== undefined && { confirmAffectedUsers: extra.confirmAffectedUsers }),
          })
        : await mfaEndpoints.createProvider({ type: type.id, ...common });
      setRefusal(null);
      setInUse(null);
      onSaved(result, Boolean(extra.saveAnyway));
    } catch (failure) {
      const error = toApiError(failure);
      if (error.code === 'PROVIDER_UNREACHABLE' || error.code === 'PROVIDER_CHECK_FAILED') {
        setRefusal({ code: error.code, message: error.message, check: checkFrom(error) });
        return;
      }
      const affected = affectedFrom(error);
      if (affected) {
        setInUse(affected);
        return;
      }
      setRefusal(null);
      throw error;
    }
  }, []);

  const retry = useCallback((extra: Overrides) => {
    overrides.current = extra;
    setInUse(null);
    optionsRef.current.formRef.current?.requestSubmit();
  }, []);

  return { save, retry, refusal, inUse, clearInUse: () => setInUse(null) };
}
