export interface SpinnerProps {
  size?: 'sm' | 'md' | 'lg';
  /** Announced to screen readers; omit when the spinner sits inside a labelled control. */
  label?: string;
}

export function Spinner({ size = 'md', label }: SpinnerProps) {
  return (
    <span className={`spinner spinner--${size}`} role={label ? 'status' : undefined}>
      <span className="spinner__ring" aria-hidden="true" />
      {label ? <span className="visually-hidden">{label}</span> : null}
    </span>
  );
}

/** A block that keeps its place while content loads, so the page does not jump. */
export function LoadingBlock({ label, minHeight = 160 }: { label: string; minHeight?: number }) {
  return (
    <div className="loading-block" style={{ minHeight }}>
      <Spinner size="lg" label={label} />
    </div>
  );
}
