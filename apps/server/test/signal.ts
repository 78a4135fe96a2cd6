/** A promise a test settles by hand: `fire()` resolves `fired`. */
export function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}
