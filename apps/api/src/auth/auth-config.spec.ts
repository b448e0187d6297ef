import { ConfigError, loadConfig } from '@app/core';

describe('account and e-mail configuration', () => {
  it('defaults to open registration, closed organization creation and console mail', () => {
    const config = loadConfig({});
    expect(config.registration).toEqual({ enableUserRegistration: true, enableOrganizationCreation: false });
    expect(config.email).toEqual({
      url: 'consolemail://',
      from: 'webmaster@localhost',
      throttleCount: 50,
      throttleIntervalSeconds: 300,
    });
    expect(config.session).toEqual({
      cookieAgeSeconds: 1_209_600,
      cookieSecure: false,
      csrfTrustedOrigins: [],
    });
    expect(config.instanceName).toBeNull();
  });

  it("reads GlitchTip's variables, the legacy ENABLE_OPEN_USER_REGISTRATION winning", () => {
    expect(loadConfig({ ENABLE_ORGANIZATION_CREATION: 'true' }).registration.enableOrganizationCreation).toBe(
      true,
    );
    expect(
      loadConfig({ ENABLE_ORGANIZATION_CREATION: 'true', ENABLE_OPEN_USER_REGISTRATION: 'false' })
        .registration.enableOrganizationCreation,
    ).toBe(false);
    expect(loadConfig({ ENABLE_USER_REGISTRATION: 'false' }).registration.enableUserRegistration).toBe(false);
    const config = loadConfig({
      EMAIL_URL: 'smtp+tls://user:secret@mail.example.com:587',
      DEFAULT_FROM_EMAIL: 'GlitchTip <errors@example.com>',
      CSRF_TRUSTED_ORIGINS: 'https://ui.example.com/, http://localhost:4200',
      SESSION_COOKIE_AGE: '3600',
      SESSION_COOKIE_SECURE: 'true',
    });
    expect(config.email.url).toBe('smtp+tls://user:secret@mail.example.com:587');
    expect(config.email.from).toBe('GlitchTip <errors@example.com>');
    expect(config.session).toEqual({
      cookieAgeSeconds: 3600,
      cookieSecure: true,
      csrfTrustedOrigins: ['https://ui.example.com', 'http://localhost:4200'],
    });
  });

  it('rejects an EMAIL_URL it cannot send with', () => {
    expect(() => loadConfig({ EMAIL_URL: 'mailgun://key@x' })).toThrow(ConfigError);
  });
});
