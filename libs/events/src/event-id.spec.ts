import { dashedEventId, eventIdHex } from './event-id';

describe('event ids', () => {
  const hex = '0f6b1a2c3d4e4f5a8b9c0d1e2f3a4b5c';

  it('accepts 32 hex, dashed and braced UUIDs in any case, trimmed', () => {
    for (const spelling of [
      hex,
      hex.toUpperCase(),
      '0f6b1a2c-3d4e-4f5a-8b9c-0d1e2f3a4b5c',
      '{0F6B1A2C-3D4E-4F5A-8B9C-0D1E2F3A4B5C}',
      ` ${hex} `,
    ]) {
      expect(eventIdHex(spelling)).toBe(hex);
    }
  });

  it('refuses misplaced dashes, wrong lengths, non-hex and non-strings', () => {
    for (const bad of [
      '0f6b1a2c3d4e-4f5a8b9c0d1e2f3a4b5c',
      hex.slice(1),
      `${hex}0`,
      'z'.repeat(32),
      42,
      null,
      undefined,
    ]) {
      expect(eventIdHex(bad)).toBeNull();
    }
  });

  it('dashes 32 hex as a UUID', () => {
    expect(dashedEventId(hex)).toBe('0f6b1a2c-3d4e-4f5a-8b9c-0d1e2f3a4b5c');
  });
});
