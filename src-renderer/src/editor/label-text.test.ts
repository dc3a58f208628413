/**
 * A canvas label is filled with its category's colour; its text must stay readable on every
 * colour a category can get, dark ones included ("black", "navy"). Worked by hand with the
 * WCAG formulas: #27272a has luminance 0.021, so dark text (#111, 0.0056) gives 1.27:1 and
 * white gives 14.9:1; #fde047 (0.75) gives 14.3:1 dark and 1.32:1 white.
 */
import { describe, expect, it } from 'vitest';
import { labelTextColor, outlineHalo } from './annotation-look';

describe('label text on a category colour', () => {
  it('is white on dark fills and dark on light ones', () => {
    expect(labelTextColor('#27272a')).toBe('#ffffff'); // charcoal ("black")
    expect(labelTextColor('#000075')).toBe('#ffffff'); // navy, palette entry 18
    expect(labelTextColor('#800000')).toBe('#ffffff'); // maroon, palette entry 14
    expect(labelTextColor('#fde047')).toBe('#111111'); // yellow
    expect(labelTextColor('#f4f4f5')).toBe('#111111'); // off-white ("white")
    expect(labelTextColor('#3cb44b')).toBe('#111111'); // palette green: 0.34 luminance, 7.0:1 dark vs 2.7:1 white
  });

  it('keeps dark text for a colour it cannot read', () => {
    expect(labelTextColor('red')).toBe('#111111');
    expect(labelTextColor('#abc')).toBe('#111111');
  });
});

describe('outline halo', () => {
  it('only very light and very dark outlines get one, of the opposite tone', () => {
    expect(outlineHalo('#f4f4f5')).toMatch(/^rgba\(0,0,0,/); // "white", luminance 0.90
    expect(outlineHalo('#ffe119')).toMatch(/^rgba\(0,0,0,/); // palette yellow, 0.75
    expect(outlineHalo('#27272a')).toMatch(/^rgba\(255,255,255,/); // "black", 0.021
    expect(outlineHalo('#000075')).toMatch(/^rgba\(255,255,255,/); // palette navy, 0.013
    expect(outlineHalo('#2563eb')).toBeNull(); // "blue", 0.15: reads on light and dark
    expect(outlineHalo('#e6194b')).toBeNull(); // palette red, 0.18
    expect(outlineHalo('salmon')).toBeNull();
  });
});
