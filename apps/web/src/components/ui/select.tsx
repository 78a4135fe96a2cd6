import type { ComponentPropsWithRef, ReactNode } from 'react';
import { Field } from './field.tsx';

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export type SelectProps = {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  optionalText?: string;
  options: SelectOption[];
  /** A first, empty choice such as "Choose…". */
  placeholder?: string;
  fieldClassName?: string;
} & Omit<ComponentPropsWithRef<'select'>, 'id' | 'children'>;

export function Select({
  label,
  hint,
  error,
  optionalText,
  options,
  placeholder,
  fieldClassName,
  className,
  ...rest
}: SelectProps) {
  return (
    <Field label={label} hint={hint} error={error} optionalText={optionalText} className={fieldClassName}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          className={`input select ${className ?? ''}`}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          {...rest}
        >
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
