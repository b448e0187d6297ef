// GlitchTip's digits: Python's int(x, 32) alphabet, 0-9 then A-V.
const BASE32 = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

function base32(value: number): string {
  let out = '';
  let n = value;
  do {
    out = BASE32[n % 32] + out;
    n = Math.floor(n / 32);
  } while (n > 0);
  return out;
}

/** `PROJECT-SLUG-<base32(short id)>`, the display id GlitchTip shows. */
export function displayShortId(projectSlug: string, shortId: number): string {
  return `${projectSlug.toUpperCase()}-${base32(shortId)}`;
}
