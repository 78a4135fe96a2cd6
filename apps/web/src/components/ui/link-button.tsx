import { Link, type LinkProps } from 'react-router';
import type { ButtonVariant } from './button.tsx';

/** A link that looks like a button: for navigation ("Generate new token" opens a page). */
export function LinkButton({
  variant = 'secondary',
  size = 'md',
  className,
  children,
  ...rest
}: LinkProps & { variant?: ButtonVariant; size?: 'sm' | 'md' }) {
  return (
    <Link className={`btn btn--${variant} btn--${size} ${className ?? ''}`} {...rest}>
      <span className="btn__label">{children}</span>
    </Link>
  );
}
