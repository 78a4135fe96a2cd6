/**
 * A fixed list of choices that clients pick by id and show by name, written as one record from id
 * to English display name: an id cannot be listed twice, and the record's order is the display
 * order. JavaScript puts integer-like keys before all others whatever their place in the record, so
 * an all-digit id is refused rather than silently moved to the front.
 */
export function catalogue<Names extends Record<string, string>>(names: Names) {
  type Id = keyof Names & string;
  const ids = Object.keys(names) as Id[];
  const numeric = ids.find((id) => /^\d+$/.test(id));
  if (numeric !== undefined)
    throw new Error(`catalogue id "${numeric}" is all digits: its place would be lost`);
  return {
    ids,
    /** `{ id, name }` in display order, as list endpoints answer them. */
    entries: ids.map((id) => ({ id, name: names[id] as string })),
    has: (id: string): id is Id => Object.hasOwn(names, id),
  };
}
