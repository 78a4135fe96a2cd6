import { describe, expect, it } from 'vitest';
import { catalogue } from './catalogue.ts';

describe('catalogue', () => {
  const colours = catalogue({ red: 'Red', 'sea-green': 'Sea green', blue: 'Blue' });

  it('lists its entries and ids in the order written', () => {
    expect(colours.entries).toEqual([
      { id: 'red', name: 'Red' },
      { id: 'sea-green', name: 'Sea green' },
      { id: 'blue', name: 'Blue' },
    ]);
    expect(colours.ids).toEqual(['red', 'sea-green', 'blue']);
  });

  it('knows its own ids and nothing else, inherited names included', () => {
    expect(colours.has('sea-green')).toBe(true);
    expect(colours.has('green')).toBe(false);
    expect(colours.has('toString')).toBe(false);
  });

  it('refuses an all-digit id, which JavaScript would move to the front', () => {
    expect(() => catalogue({ web: 'Web', '2024': 'Class of 2024' })).toThrow(/"2024" is all digits/);
  });
});
