import { Browser } from '../support/browser';
import { http } from '../support/http';
import { linkIn, SmtpSink } from '../support/smtp-sink';
import { startApiReplica } from '../support/replica';
import { startTestStack, TestStack } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

describe('browser login the way GlitchTip’s web UI does it (allauth headless, cookies, CSRF)', () => {
  let stack: TestStack;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    stack = await startTestStack({ worker: false, env: { EMAIL_URL: smtp.url } });
  });
  afterAll(async () => {
    await stack.close();
    await smtp.close();
  });

  it('boots anonymous: 401 with flows, and a readable csrftoken cookie', async () => {
    const browser = new Browser(stack.baseUrl);
    const res = await browser.boot();
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      status: 401,
      data: { flows: [{ id: 'login' }, { id: 'signup' }] },
      meta: { is_authenticated: false },
    });
    expect(browser.csrfToken()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(browser.cookieAttributes.get('csrftoken')).not.toMatch(/HttpOnly/i);
  });

  it('signs up, keeps the session in an HttpOnly cookie, rotates the CSRF token and logs out', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.boot();
    const before = browser.csrfToken();
    const signup = await browser.signup('ada@example.com', PASSWORD);
    expect(signup.status).toBe(200);
    expect(signup.body).toMatchObject({
      status: 200,
      data: {
        user: { email: 'ada@example.com', display: 'ada@example.com', has_usable_password: true },
        methods: [{ method: 'password', email: 'ada@example.com' }],
      },
      meta: { is_authenticated: true },
    });
    expect(typeof signup.body.data.user.id).toBe('number');
    expect(browser.cookies.get('sessionid')).toBeTruthy();
    expect(browser.cookieAttributes.get('sessionid')).toMatch(/HttpOnly/);
    expect(browser.cookieAttributes.get('sessionid')).toMatch(/SameSite=Lax/);
    expect(browser.csrfToken()).not.toBe(before);

    const session = await browser.boot();
    expect(session.status).toBe(200);
    expect(session.body.meta.is_authenticated).toBe(true);
    const me = await browser.get('/api/0/users/me/');
    expect(me.status).toBe(200);

    const logout = await browser.delete('/_allauth/browser/v1/auth/session');
    expect(logout.status).toBe(401);
    expect(logout.body.meta.is_authenticated).toBe(false);
    expect(browser.cookies.has('sessionid')).toBe(false);
    expect((await browser.get('/api/0/users/me/')).status).toBe(401);

    const confirmation = await smtp.waitFor((m) => m.to.includes('ada@example.com'));
    expect(confirmation.headers.subject).toBe('Please Confirm Your Email Address');
  });

  it('refuses unsafe requests without the CSRF header or from another origin, for allauth and the API', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.signup('grace@example.com', PASSWORD);
    const noHeader = await browser.post('/api/0/organizations/', { name: 'NoCsrf' }, { csrf: false });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body).toEqual({ detail: 'CSRF check Failed' });
    const foreign = await browser.post(
      '/api/0/organizations/',
      { name: 'Foreign' },
      { headers: { Origin: 'https://evil.example.com' } },
    );
    expect(foreign.status).toBe(403);
    const loginNoCsrf = await new Browser(stack.baseUrl).post(
      '/_allauth/browser/v1/auth/login',
      { email: 'grace@example.com', password: PASSWORD },
      { csrf: false },
    );
    expect(loginNoCsrf.status).toBe(403);
    expect(loginNoCsrf.body.status).toBe(403);
    // Safe methods need no token; Bearer requests are exempt.
    expect((await browser.get('/api/0/users/me/')).status).toBe(200);
  });

  it('answers a wrong password 400 in allauth’s shape, then rate-limits the account', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.signup('linus@example.com', PASSWORD);
    await browser.delete('/_allauth/browser/v1/auth/session');
    const wrong = await browser.login('linus@example.com', 'not the password');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({
      status: 400,
      errors: [
        {
          code: 'email_password_mismatch',
          message: 'The email address and/or password you specified are not correct.',
          param: 'password',
        },
      ],
    });
    for (let i = 0; i < 4; i++) await browser.login('linus@example.com', `wrong ${i}`);
    const limited = await browser.login('LINUS@example.com', PASSWORD);
    // A locked account is a rate limit: 429 with how long to wait, even with the right password.
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      status: 429,
      errors: [
        { code: 'too_many_login_attempts', message: 'Too many failed login attempts. Try again later.' },
      ],
    });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // Another account is not affected.
    const other = new Browser(stack.baseUrl);
    expect((await other.signup('margaret@example.com', PASSWORD)).status).toBe(200);
  });

  it('resets a forgotten password through the e-mailed link, once', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.signup('barbara@example.com', PASSWORD);
    const other = new Browser(stack.baseUrl);
    await other.login('barbara@example.com', PASSWORD);
    const forgetful = new Browser(stack.baseUrl);
    await forgetful.boot();
    const request = await forgetful.post('/_allauth/browser/v1/auth/password/request', {
      email: 'barbara@example.com',
    });
    expect(request.status).toBe(200);
    expect(request.body).toEqual({ status: 200 });
    // Unknown addresses get the same answer (no account enumeration).
    const unknown = await forgetful.post('/_allauth/browser/v1/auth/password/request', {
      email: 'nobody@example.com',
    });
    expect(unknown.status).toBe(200);
    const mail = await smtp.waitFor(
      (m) => m.to.includes('barbara@example.com') && /Password Reset/.test(m.headers.subject!),
    );
    const link = linkIn(mail);
    expect(link.startsWith(`${stack.baseUrl}/reset-password/set-new-password/`)).toBe(true);
    const key = link.split('/').pop()!;

    const anonymous = new Browser(stack.baseUrl);
    await anonymous.boot();
    const info = await anonymous.get('/_allauth/browser/v1/auth/password/reset', {
      headers: { 'X-Password-Reset-Key': key },
    });
    expect(info.status).toBe(200);
    expect(info.body.data.user.email).toBe('barbara@example.com');
    const weak = await anonymous.post('/_allauth/browser/v1/auth/password/reset', { key, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0]).toMatchObject({ code: 'password_too_short', param: 'password' });
    const reset = await anonymous.post('/_allauth/browser/v1/auth/password/reset', {
      key,
      password: 'a brand new passphrase',
    });
    expect(reset.status).toBe(401);
    const again = await anonymous.post('/_allauth/browser/v1/auth/password/reset', {
      key,
      password: 'yet another passphrase',
    });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].code).toBe('invalid_password_reset');
    // Sessions opened with the old password are gone.
    expect((await other.get('/api/0/users/me/')).status).toBe(401);
    expect((await anonymous.login('barbara@example.com', 'a brand new passphrase')).status).toBe(200);
  });

  it('changes the password of a logged-in user, ending the other sessions', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.signup('edsger@example.com', PASSWORD);
    const laptop = new Browser(stack.baseUrl);
    await laptop.login('edsger@example.com', PASSWORD);
    const wrong = await browser.post('/_allauth/browser/v1/account/password/change', {
      current_password: 'nope',
      new_password: 'another fine passphrase',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0]).toMatchObject({ code: 'enter_current_password', param: 'current_password' });
    const changed = await browser.post('/_allauth/browser/v1/account/password/change', {
      current_password: PASSWORD,
      new_password: 'another fine passphrase',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.meta.is_authenticated).toBe(true);
    expect((await browser.get('/api/0/users/me/')).status).toBe(200);
    expect((await laptop.get('/api/0/users/me/')).status).toBe(401);
    const anonymous = new Browser(stack.baseUrl);
    expect((await anonymous.post('/_allauth/browser/v1/account/password/change', {})).status).toBe(403);
  });

  it('validates signup input in allauth’s shape', async () => {
    const browser = new Browser(stack.baseUrl);
    await browser.boot();
    const missing = await browser.post('/_allauth/browser/v1/auth/signup', { email: 'not-an-email' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      { code: 'invalid', message: 'Enter a valid email address.', param: 'email' },
      { code: 'required', message: 'This field is required.', param: 'password' },
    ]);
    await browser.signup('dup@example.com', PASSWORD);
    const again = new Browser(stack.baseUrl);
    const taken = await again.signup('DUP@example.com', PASSWORD);
    expect(taken.status).toBe(400);
    expect(taken.body.errors[0].code).toBe('email_taken');
  });

  it('serves HEAD /auth/login with a csrftoken, as Cypress harvests it', async () => {
    const res = await fetch(`${stack.baseUrl}/_allauth/browser/v1/auth/login`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('csrftoken='))).toBe(true);
  });

  it('shares sessions and login limits between api replicas', async () => {
    const replica = await startApiReplica(stack);
    try {
      const browser = new Browser(stack.baseUrl);
      await browser.signup('alan@example.com', PASSWORD);
      // The same cookies, sent to the other replica.
      const elsewhere = new Browser(replica.baseUrl);
      for (const [name, value] of browser.cookies) elsewhere.cookies.set(name, value);
      expect((await elsewhere.get('/api/0/users/me/')).body.email).toBe('alan@example.com');
      expect((await elsewhere.post('/api/0/api-tokens/', { label: 'x', scopes: ['org:read'] })).status).toBe(
        201,
      );
      await elsewhere.delete('/_allauth/browser/v1/auth/session');
      expect((await browser.get('/api/0/users/me/')).status).toBe(401);

      // Failed logins count across replicas.
      const a = new Browser(stack.baseUrl);
      const b = new Browser(replica.baseUrl);
      for (let i = 0; i < 5; i++) await (i % 2 ? a : b).login('alan@example.com', `wrong ${i}`);
      const limited = await a.login('alan@example.com', PASSWORD);
      expect(limited.body.errors[0].code).toBe('too_many_login_attempts');
    } finally {
      await replica.close();
    }
  });

  it('GET /api/settings/ is anonymous and reports the switches and the version', async () => {
    const res = await http<Record<string, unknown>>(stack.baseUrl, '/api/settings/');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      billingEnabled: false,
      enableUserRegistration: true,
      enableOrganizationCreation: false,
      socialApps: [],
      serverTimeZone: 'UTC',
    });
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('closed registration', () => {
  let stack: TestStack;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    stack = await startTestStack({
      worker: false,
      env: { EMAIL_URL: smtp.url, ENABLE_USER_REGISTRATION: 'false', EMAIL_THROTTLE_COUNT: '2' },
    });
  });
  afterAll(async () => {
    await stack.close();
    await smtp.close();
  });

  it('lets the first user register, then only invited existing users join, with invitations throttled', async () => {
    expect((await http<any>(stack.baseUrl, '/api/settings/')).body.enableUserRegistration).toBe(true);
    const first = new Browser(stack.baseUrl);
    expect((await first.signup('first@example.com', PASSWORD)).status).toBe(200);
    expect((await http<any>(stack.baseUrl, '/api/settings/')).body.enableUserRegistration).toBe(false);
    const second = new Browser(stack.baseUrl);
    const session = await second.boot();
    expect(session.body.data.flows).toEqual([{ id: 'login' }]);
    const refused = await second.signup('second@example.com', PASSWORD);
    expect(refused.status).toBe(403);
    expect(refused.body.status).toBe(403);

    const org = (await first.post('/api/0/organizations/', { name: 'Closed' })).body.slug;
    const stranger = await first.post(`/api/0/organizations/${org}/members/`, {
      email: 'stranger@example.com',
      orgRole: 'member',
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body).toEqual({ detail: 'Only existing users may be invited' });
    // Two invitations pass the throttle (EMAIL_THROTTLE_COUNT=2), the third waits.
    const invite = () =>
      first.post(`/api/0/organizations/${org}/members/`, { email: 'first@example.com', orgRole: 'member' });
    expect((await invite()).status).toBe(409);
    expect((await invite()).status).toBe(409);
    const third = await invite();
    expect(third.status).toBe(429);
    expect(third.body).toEqual({ message: 'Please retry later' });
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
