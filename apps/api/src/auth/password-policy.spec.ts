import { passwordProblems } from './password-policy';

describe('password policy', () => {
  const codes = (password: string, email?: string) => passwordProblems(password, email).map((p) => p.code);

  it('accepts a long, unusual password', () => {
    expect(codes('correct horse battery staple', 'owner@example.com')).toEqual([]);
  });

  it("rejects what Django's validators reject", () => {
    expect(codes('short')).toEqual(['password_too_short']);
    expect(codes('password')).toEqual(['password_too_common']);
    expect(codes('20252026')).toEqual(['password_entirely_numeric']);
    expect(codes('jane.doe1', 'jane.doe@example.com')).toEqual(['password_too_similar']);
    expect(codes('1234567')).toEqual(['password_too_short', 'password_entirely_numeric']);
  });
});
