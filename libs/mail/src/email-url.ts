/** Where mail goes, from GlitchTip's EMAIL_URL (django-environ's schemes). */
export type MailTransportConfig =
  | { kind: 'console' }
  | { kind: 'dummy' }
  | { kind: 'file'; dir: string }
  | {
      kind: 'smtp';
      host: string;
      port: number;
      /** none: plain SMTP; starttls: upgrade after EHLO (smtps://, smtp+tls://, ?tls=true); tls: implicit TLS (smtp+ssl://, ?ssl=true). */
      security: 'none' | 'starttls' | 'tls';
      user?: string;
      password?: string;
    };

const TRUE = new Set(['1', 'true', 'yes', 'on']);

export function parseEmailUrl(value: string): MailTransportConfig {
  const scheme = value.slice(0, value.indexOf('://')).toLowerCase();
  switch (scheme) {
    case 'consolemail':
      return { kind: 'console' };
    case 'dummymail':
      return { kind: 'dummy' };
    case 'filemail': {
      const dir = decodeURIComponent(value.slice('filemail://'.length));
      return { kind: 'file', dir: dir || '.' };
    }
    case 'smtp':
    case 'smtps':
    case 'smtp+tls':
    case 'smtp+ssl': {
      const url = new URL(value.replace(/^[^:]+:/, 'smtp:'));
      let security: 'none' | 'starttls' | 'tls' =
        scheme === 'smtp+ssl' ? 'tls' : scheme === 'smtp' ? 'none' : 'starttls';
      if (TRUE.has((url.searchParams.get('ssl') ?? '').toLowerCase())) security = 'tls';
      if (TRUE.has((url.searchParams.get('tls') ?? '').toLowerCase())) security = 'starttls';
      const defaultPort = security === 'tls' ? 465 : security === 'starttls' ? 587 : 25;
      return {
        kind: 'smtp',
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : defaultPort,
        security,
        ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      };
    }
    default:
      throw new Error(`Unsupported EMAIL_URL scheme '${scheme}'`);
  }
}
