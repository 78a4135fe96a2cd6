import type { ReactNode } from 'react';

/**
 * A message with one element in it: `Checked {when}` / `最近检查：{when}`. The catalogue decides
 * where the element goes and what spacing surrounds it, so no language gets glued or stray spaces.
 */
export function Interpolated({
  template,
  slot,
  name = 'when',
}: {
  template: string;
  slot: ReactNode;
  name?: string;
}) {
  const marker = `{${name}}`;
  const at = template.indexOf(marker);
  if (at < 0) return <>{template}</>;
  return (
    <>
      {template.slice(0, at)}
      {slot}
      {template.slice(at + marker.length)}
    </>
  );
}
