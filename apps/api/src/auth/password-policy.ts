/** Django's four password validators, which GlitchTip enables: length, similarity, common, numeric. */
export interface PasswordProblem {
  code: string;
  message: string;
}

export const MIN_PASSWORD_LENGTH = 8;

// The most common passwords of at least 8 characters (Django checks a 20 000-entry list; these are its head).
const COMMON = new Set(
  `password 12345678 123456789 1234567890 qwertyuiop 11111111 00000000 iloveyou password1 password123 12341234
  87654321 abcd1234 qwerty123 1q2w3e4r 1qaz2wsx zaq12wsx sunshine princess football baseball welcome1 welcome
  passw0rd p@ssw0rd letmein1 trustno1 superman batman123 dragon123 monkey123 michael1 charlie1 qwertyui asdfghjk
  zxcvbnm1 q1w2e3r4 qwer1234 1qazxsw2 aaaaaaaa 123123123 987654321 11223344 computer internet starwars whatever
  jennifer jordan23 liverpool chocolate butterfly password12 changeme administrator adminadmin admin123
  secret123 master123 shadow123 freedom1 mustang1 access14 abc12345 a1b2c3d4 1234qwer qwertyqwerty iloveyou1
  lovelove hello123 helloworld samsung1 google123 matrix123 pokemon1 corvette mercedes ferrari1 elephant`
    .split(/\s+/)
    .filter(Boolean),
);

/** Ratcliff/Obershelp similarity, what Python's difflib.SequenceMatcher.ratio() computes. */
function similarity(a: string, b: string): number {
  const matches = (x: string, y: string): number => {
    if (!x || !y) return 0;
    let best = 0;
    let bestX = 0;
    let bestY = 0;
    for (let i = 0; i < x.length; i++)
      for (let j = 0; j < y.length; j++) {
        let k = 0;
        while (i + k < x.length && j + k < y.length && x[i + k] === y[j + k]) k++;
        if (k > best) [best, bestX, bestY] = [k, i, j];
      }
    if (!best) return 0;
    return (
      best +
      matches(x.slice(0, bestX), y.slice(0, bestY)) +
      matches(x.slice(bestX + best), y.slice(bestY + best))
    );
  };
  return a.length + b.length ? (2 * matches(a, b)) / (a.length + b.length) : 0;
}

export function passwordProblems(password: string, email?: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < MIN_PASSWORD_LENGTH)
    problems.push({
      code: 'password_too_short',
      message: `This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`,
    });
  const lower = password.toLowerCase();
  if (email && password.length <= 100) {
    const address = email.toLowerCase();
    const parts = [address, address.split('@')[0]!, ...address.split(/\W+/)].filter((p) => p.length >= 3);
    if (parts.some((part) => similarity(lower, part) >= 0.7))
      problems.push({
        code: 'password_too_similar',
        message: 'The password is too similar to the email address.',
      });
  }
  if (COMMON.has(lower.trim()))
    problems.push({ code: 'password_too_common', message: 'This password is too common.' });
  if (/^\d+$/.test(password))
    problems.push({ code: 'password_entirely_numeric', message: 'This password is entirely numeric.' });
  return problems;
}
