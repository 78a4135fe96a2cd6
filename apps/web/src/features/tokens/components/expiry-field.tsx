import type { Ref } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { Select } from '../../../components/ui/select.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import { addDays, formatDate, toDateInputValue } from '../../../lib/relative-time.ts';
import { type ExpiryChoice, expiresInDaysOf } from './expiry-options.ts';

export interface ExpiryFieldProps {
  choices: ExpiryChoice[];
  value: ExpiryChoice;
  onChange: (choice: ExpiryChoice) => void;
  customDate: string;
  onCustomDateChange: (date: string) => void;
  maxLifetimeDays: number;
  now: Date;
  /** The sentence under the field for a chosen date, e.g. "The token will expire on {date}." */
  describeDate: (date: string) => string;
  /** A regenerated token's own lifetime: its option reads "45 days (as before)". */
  previousDays?: number | null;
  error?: string | undefined;
  selectRef?: Ref<HTMLSelectElement>;
  dateRef?: Ref<HTMLInputElement>;
}

/**
 * The expiry of a new or regenerated token: presets, a custom date or none (as the policy allows),
 * with the resulting date stated under the field, and a warning for "no expiry".
 */
export function ExpiryField({
  choices,
  value,
  onChange,
  customDate,
  onCustomDateChange,
  maxLifetimeDays,
  now,
  describeDate,
  previousDays,
  error,
  selectRef,
  dateRef,
}: ExpiryFieldProps) {
  const t = useT();
  const [language] = useLanguage();
  const days = expiresInDaysOf(value, customDate, now, maxLifetimeDays);
  const note =
    days === null || days === 'invalid' ? undefined : describeDate(formatDate(addDays(now, days), language));
  const label = (choice: ExpiryChoice) => {
    if (choice === 'custom') return t('tokens.new.expiryCustom');
    if (choice === 'none') return t('tokens.new.expiryNone');
    return Number(choice) === previousDays
      ? t('tokens.rotate.expirySame', { days: choice })
      : t('tokens.new.expiryDays', { days: choice });
  };
  return (
    <>
      <div className="form__row">
        <Select
          ref={selectRef}
          label={t('tokens.new.expiry')}
          name="expiry"
          value={value}
          onChange={(event) => onChange(event.target.value as ExpiryChoice)}
          options={choices.map((choice) => ({ value: choice, label: label(choice) }))}
          hint={value === 'custom' ? undefined : note}
          error={value === 'custom' ? undefined : error}
        />
        {value === 'custom' ? (
          <Input
            ref={dateRef}
            label={t('tokens.new.expiryDate')}
            type="date"
            name="expires_on"
            min={toDateInputValue(addDays(now, 1))}
            max={toDateInputValue(addDays(now, maxLifetimeDays))}
            value={customDate}
            onChange={(event) => onCustomDateChange(event.target.value)}
            hint={note ?? t('tokens.new.expiryMax', { days: maxLifetimeDays })}
            error={error}
          />
        ) : null}
      </div>
      {value === 'none' ? <Alert tone="warning">{t('tokens.new.expiryNoneWarning')}</Alert> : null}
    </>
  );
}
