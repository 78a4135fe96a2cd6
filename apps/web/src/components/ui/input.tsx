import type { ComponentPropsWithRef, ReactNode } from 'react';
import { Field } from './field.tsx';

interface CommonProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  optionalText?: string;
  fieldClassName?: string;
}

export type InputProps = CommonProps & Omit<ComponentPropsWithRef<'input'>, 'id'>;

export function Input({ label, hint, error, optionalText, fieldClassName, className, ...rest }: InputProps) {
  return (
    <Field label={label} hint={hint} error={error} optionalText={optionalText} className={fieldClassName}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          className={`input ${className ?? ''}`}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          {...rest}
        />
      )}
    </Field>
  );
}

export type TextareaProps = CommonProps & Omit<ComponentPropsWithRef<'textarea'>, 'id'>;

export function Textarea({
  label,
  hint,
  error,
  optionalText,
  fieldClassName,
  className,
  ...rest
}: TextareaProps) {
  return (
    <Field label={label} hint={hint} error={error} optionalText={optionalText} className={fieldClassName}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          className={`input textarea ${className ?? ''}`}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          {...rest}
        />
      )}
    </Field>
  );
}
