import { storableMessageTextPattern, storableTextPattern, text } from '../src';

/** The rule as Unicode states it: what the pattern spells out code point by code point. */
const unstorable = /[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/u;

describe('storable text', () => {
  it('when every code point is tried alone, then text() refuses exactly controls, surrogates and non-characters', () => {
    const schema = text();
    const disagreements: string[] = [];
    for (let c = 0; c <= 0x10ffff; c += 1) {
      const value = String.fromCodePoint(c);
      if ((schema.validate(value).error === undefined) === unstorable.test(value)) disagreements.push(c.toString(16));
    }
    expect(disagreements).toEqual([]);
  });

  it('when the pattern is published, then it uses no escape that only some engines read', () => {
    // \p{...} is unknown to Python's re, a surrogate range to Rust's regex, \u{...} to both.
    expect(storableTextPattern).not.toMatch(/\\p\{|\\u\{|\\uD[89A-F]/i);
    expect(new RegExp(storableMessageTextPattern, 'u').test('a\uD800')).toBe(false);
    expect(new RegExp(storableMessageTextPattern, 'u').test('a\u{1F69A}')).toBe(true);
  });

  it('when text has controls or is too long only at its edges, then it is refused before it is trimmed', () => {
    const schema = text().trim().min(1).max(5);
    expect(schema.validate(' abc ').value).toBe('abc');
    expect(schema.validate('abc\t').error?.details[0].type).toBe('string.pattern.name');
    expect(schema.validate('\nabc').error?.details[0].type).toBe('string.pattern.name');
    expect(schema.validate('  abcde  ').error?.details[0].type).toBe('string.max');
  });
});
