/**
 * A stable palette: category n always gets the same colour, in every project and export.
 * Chosen for contrast on photographs and for telling neighbours apart (Tableau 20 order).
 */
export const PALETTE = [
  '#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45',
  '#fabed4', '#469990', '#dcbeff', '#9a6324', '#fffac8', '#800000', '#aaffc3', '#808000',
  '#ffd8b1', '#000075', '#a9a9a9', '#ffe119',
] as const;

export function paletteColor(categoryId: number): string {
  return PALETTE[(categoryId - 1) % PALETTE.length];
}

/**
 * The colour a category named after a colour gets, so "blue" is never drawn red. Each is a
 * shade readable as a box outline and label on photographs, and none is a palette entry, so
 * a named category stays apart from a neighbour the palette colours in the same hue. White
 * and black are the extremes a photo hides them against (sky, shadow): they get an off-white
 * and a charcoal that a thin line still shows against its opposite.
 */
export const NAMED_COLORS: Readonly<Record<string, string>> = {
  red: '#e02424',
  crimson: '#c8102e',
  maroon: '#9f1239',
  pink: '#f472b6',
  orange: '#f97316',
  gold: '#eab308',
  yellow: '#fde047',
  beige: '#e7d7b1',
  brown: '#a0522d',
  olive: '#6b8e23',
  lime: '#84cc16',
  green: '#16a34a',
  teal: '#0d9488',
  turquoise: '#2dd4bf',
  cyan: '#22d3ee',
  blue: '#2563eb',
  navy: '#1e3a8a',
  indigo: '#4f46e5',
  purple: '#9333ea',
  violet: '#8b5cf6',
  magenta: '#d946ef',
  white: '#f4f4f5',
  silver: '#c0c4cc',
  gray: '#8a8f98',
  grey: '#8a8f98',
  black: '#27272a',
};

/**
 * The colour a category's name names: the first of its words (letters only, any case, so
 * "Blue car", "car (blue)" and "dark-blue" all count; "bluebird" does not) that is a colour
 * name. Null when none is.
 */
export function colorNamedBy(name: string): string | null {
  for (const word of name.toLocaleLowerCase('en-US').split(/[^\p{L}]+/u)) {
    if (Object.hasOwn(NAMED_COLORS, word)) return NAMED_COLORS[word];
  }
  return null;
}

/** A new category's colour: the one its name names, else its palette entry. */
export function colorForNewCategory(categoryId: number, name: string): string {
  return colorNamedBy(name) ?? paletteColor(categoryId);
}
