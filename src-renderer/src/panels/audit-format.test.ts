import { describe, expect, it } from 'vitest';
import { auditMark, formatLogit, matchPercent } from './audit-format';

describe('how the audit reads', () => {
  it('match % is the sigmoid of rank_logit: 0 is an even match', () => {
    expect(matchPercent(0)).toBe('50%');
    // sigmoid(5) = 0.9933, sigmoid(-5) = 0.0067, sigmoid(ln 3) = 0.75
    expect(matchPercent(5)).toBe('99%');
    expect(matchPercent(-5)).toBe('1%');
    expect(matchPercent(Math.log(3))).toBe('75%');
  });

  it('logits carry their sign, so a threshold of −0.40 does not read as 0.40', () => {
    expect(formatLogit(2.314)).toBe('+2.31');
    expect(formatLogit(-0.4)).toBe('−0.40');
    expect(formatLogit(0)).toBe('+0.00');
  });

  it('the grid mark names only the kinds an image has', () => {
    expect(auditMark(2, 1)).toBe('2 missing · 1 doubtful');
    expect(auditMark(1, 0)).toBe('1 missing');
    expect(auditMark(0, 3)).toBe('3 doubtful');
    expect(auditMark(0, 0)).toBe('');
  });
});
