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
