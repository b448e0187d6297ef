import { dialogOptions, isEmail, validateReportForm } from './error-page-form';

describe('crash-report dialog form', () => {
  const form = (fields: Record<string, string>) => validateReportForm(new URLSearchParams(fields));

  it('accepts a complete report, trimmed and without NUL characters', () => {
    expect(
      form({ name: '  Jane Doe ', email: 'jane@example.com', comments: 'It broke\u0000\nagain ' }),
    ).toEqual({
      ok: true,
      report: { name: 'Jane Doe', email: 'jane@example.com', comments: 'It broke\nagain' },
    });
  });

  it('requires every field, blank counting as missing', () => {
    expect(form({ name: '   ' })).toEqual({
      ok: false,
      errors: {
        name: ['This field is required.'],
        email: ['This field is required.'],
        comments: ['This field is required.'],
      },
    });
  });

  it('rejects an invalid email and a name over 128 characters', () => {
    expect(form({ name: 'x'.repeat(129), email: 'not an email', comments: 'hi' })).toEqual({
      ok: false,
      errors: {
        name: ['Ensure this value has at most 128 characters (it has 129).'],
        email: ['Enter a valid email address.'],
      },
    });
    // Characters, not UTF-16 units: 128 emoji are a valid name.
    expect(form({ name: '😀'.repeat(128), email: 'a@b.co', comments: 'hi' }).ok).toBe(true);
    expect(form({ name: 'a', email: 'a@b.co', comments: 'x'.repeat(4097) })).toMatchObject({
      ok: false,
      errors: { comments: [expect.stringContaining('at most 4096')] },
    });
  });

  it.each([
    ['jane@example.com', true],
    ['jane.doe+tag@mail.example.co.uk', true],
    ["o'brien@example.org", true],
    ['user@[192.168.0.1]', true],
    ['josé@exämple.de', true],
    ['jane@localhost', false],
    ['jane@example.123', false],
    ['@example.com', false],
    ['jane@', false],
    ['jane..doe@example.com', false],
    ['.jane@example.com', false],
    ['jane doe@example.com', false],
    ['jane@exa mple.com', false],
    ['jane@-example.com', false],
    ['<script>@example.com', false],
  ])('isEmail(%p) is %p', (email, valid) => {
    expect(isEmail(email)).toBe(valid);
  });

  it('reads the options Sentry.showReportDialog sends, with defaults for the rest', () => {
    // What getReportDialogEndpoint in @sentry/core builds: the dsn unencoded, user as name/email, onLoad stringified.
    const query = new URLSearchParams(
      'dsn=http://abc@localhost:8000/1&eventId=0123&title=Oops%20%3Cb%3E&labelSubmit=&subtitle2=' +
        '&name=Jane&email=jane%40example.com&onLoad=function%20()%20%7B%7D&lang=fr',
    );
    const options = dialogOptions(query);
    expect(options).toMatchObject({
      title: 'Oops <b>',
      labelSubmit: 'Send report', // an empty button label falls back
      subtitle2: '', // an empty subtitle is dropped on purpose
      subtitle: 'The team has been told about it.',
      name: 'Jane',
      email: 'jane@example.com',
    });
    expect(Object.keys(options)).not.toContain('onLoad');
    expect(dialogOptions(new URLSearchParams(`title=${'x'.repeat(5000)}`)).title).toHaveLength(1000);
  });
});
