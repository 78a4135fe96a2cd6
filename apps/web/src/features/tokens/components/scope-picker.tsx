import { useId } from 'react';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { isMessageKey } from '../../../i18n/translate.ts';
import { isWithin, type ScopeGroup, type ScopeLevel } from './scope-levels.ts';

export interface ScopePickerProps {
  groups: ScopeGroup[];
  value: Record<string, ScopeLevel>;
  onChange: (value: Record<string, ScopeLevel>) => void;
  /** When editing: levels above these are disabled (scopes may only shrink). */
  ceiling?: Record<string, ScopeLevel>;
  legend: string;
  hint: string;
  error?: string | undefined;
}

/** One row per resource with an access level: no access, read, or read and write. */
export function ScopePicker({ groups, value, onChange, ceiling, legend, hint, error }: ScopePickerProps) {
  const t = useT();
  const id = useId();
  const resourceName = (resource: string) => {
    const key = `tokens.resources.${resource}`;
    return isMessageKey(key) ? t(key) : resource;
  };
  const resourceHelp = (resource: string) => {
    const key = `tokens.resourceHelp.${resource}`;
    return isMessageKey(key) ? t(key) : undefined;
  };
  return (
    <fieldset
      className={`scope-picker ${error ? 'field--invalid' : ''}`}
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
    >
      <legend className="field__label">{legend}</legend>
      <p className="field__hint" id={`${id}-hint`}>
        {hint}
      </p>
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      <div className="scope-picker__rows">
        {groups.map(({ resource, levels }) => {
          const help = resourceHelp(resource);
          return (
            <div key={resource} className="scope-row">
              <div className="scope-row__text">
                <p className="scope-row__name" id={`${id}-${resource}-name`}>
                  {resourceName(resource)}
                </p>
                {help ? (
                  <p className="scope-row__help" id={`${id}-${resource}-help`}>
                    {help}
                  </p>
                ) : null}
              </div>
              <div
                className="segmented"
                role="radiogroup"
                aria-labelledby={`${id}-${resource}-name`}
                aria-describedby={help ? `${id}-${resource}-help` : undefined}
              >
                {levels.map((level) => {
                  const inputId = `${id}-${resource}-${level}`;
                  const disabled = ceiling ? !isWithin(level, ceiling[resource] ?? 'none') : false;
                  return (
                    <span key={level} className="segmented__item" data-level={level}>
                      <input
                        type="radio"
                        id={inputId}
                        name={`${id}-${resource}`}
                        value={level}
                        checked={(value[resource] ?? 'none') === level}
                        disabled={disabled}
                        onChange={() => onChange({ ...value, [resource]: level })}
                      />
                      <label htmlFor={inputId}>{t(`tokens.scopeLevels.${level}`)}</label>
                    </span>
                  );
                })}
              </div>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
