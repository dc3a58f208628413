import { describe, expect, it } from 'vitest';
import { looksLikeTraversal, parseImageRoute, parseProtocolUrl } from '../app/image-routes';

describe('image routes (browser host and the lw-image:// protocol)', () => {
  it('accepts only an image id', () => {
    expect(parseProtocolUrl('lw-image://image/12', 'lw-image')).toEqual({ kind: 'image', id: 12 });
    expect(parseProtocolUrl('lw-image://thumb/3?x=1', 'lw-image')).toEqual({ kind: 'thumb', id: 3 });
    expect(parseImageRoute('images', '7')).toEqual({ kind: 'image', id: 7 });
    for (const bad of ['0', '-1', '1.5', '01', 'abc', '1e3', '99999999999999999', '']) expect(parseImageRoute('images', bad), bad).toBeNull();
  });

  it('refuses paths, traversal and encoded traversal', () => {
    for (const url of [
      'lw-image://image/../../etc/passwd',
      'lw-image://image/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'lw-image://image/..%2fsecret',
      'lw-image://image/%252e%252e%252fsecret',
      'lw-image://image/1/../2',
      'lw-image://image/..\\..\\x',
      'lw-image://file/etc/passwd',
      'lw-image:///etc/passwd',
      'file:///etc/passwd',
      'lw-image://image/%E0%A4%A',
    ])
      expect(parseProtocolUrl(url, 'lw-image'), url).toBeNull();
    expect(looksLikeTraversal('/assets/index-abc.js')).toBe(false);
    expect(looksLikeTraversal('/a/./b')).toBe(true);
  });
});
