import { describe, expect, it } from 'vitest';
import { fitLabel } from './annotation-look';

describe('canvas labels', () => {
  it('a long name ends in an ellipsis at the box width; the score and tag stay', () => {
    expect(fitLabel('person', ' 87%', 20)).toBe('person 87%');
    const cut = fitLabel('traffic light with a rather long name', '', 16);
    expect(cut.length).toBeLessThanOrEqual(16);
    expect(cut).toMatch(/^traffic light.*…$/);
    const withScore = fitLabel('traffic light with a rather long name', ' 87% · edited', 25);
    expect(withScore.length).toBeLessThanOrEqual(25);
    expect(withScore).toMatch(/^traffic.*… 87% · edited$/);
  });

  it('a tiny box still shows the start of the name', () => {
    expect(fitLabel('traffic light', ' 87%', 2)).toBe('traff… 87%');
    expect(fitLabel('car', '', 0)).toBe('car');
  });
});
