/**
 * The crash-report dialog's inputs: the query options `Sentry.showReportDialog()` sends (see `getReportDialogEndpoint`
 * in @sentry/core) and the form the dialog posts back. Pure functions, no I/O.
 */

/** The texts of the dialog and the user's known name and email, after defaults. */
export interface DialogOptions {
  title: string;
  subtitle: string;
  subtitle2: string;
  labelName: string;
  labelEmail: string;
  labelComments: string;
  labelClose: string;
  labelSubmit: string;
  errorGeneric: string;
  errorFormEntry: string;
  successMessage: string;
  /** Prefilled from `user.name` (the SDK sends the scope's user). */
  name: string;
  email: string;
}

const DEFAULTS: DialogOptions = {
  title: 'Sorry, something went wrong.',
  subtitle: 'The team has been told about it.',
  subtitle2: 'You can help fix it by telling us what you were doing when it happened.',
  labelName: 'Name',
  labelEmail: 'Email',
  labelComments: 'What happened?',
  labelClose: 'Close',
  labelSubmit: 'Send report',
  errorGeneric: 'The report could not be sent. Please try again.',
  errorFormEntry: 'Some fields are not valid. Please correct them and try again.',
  successMessage: 'Thank you! Your report has been sent.',
  name: '',
  email: '',
};

/** Texts that may be blanked out on purpose (an empty subtitle is not shown); every other option falls back. */
const MAY_BE_EMPTY = new Set<keyof DialogOptions>(['subtitle', 'subtitle2', 'name', 'email']);

/** Longer option values are cut: they end up in a small dialog, not in storage. */
const OPTION_MAX = 1000;

export const NAME_MAX = 128;
export const EMAIL_MAX = 254;
/** The ingest worker keeps this much of a report's comments (see `userReportFromItem`). */
export const COMMENTS_MAX = 4096;

/** The dialog options from the script URL's query, defaults for what is absent. */
export function dialogOptions(query: URLSearchParams): DialogOptions {
  const options = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as Array<keyof DialogOptions>) {
    const raw = query.get(key);
    if (raw === null) continue;
    const value = clean(raw).slice(0, OPTION_MAX);
    if (value || MAY_BE_EMPTY.has(key)) options[key] = value;
  }
  return options;
}

/** A valid report, ready for the ingest queue. */
export interface ReportForm {
  name: string;
  email: string;
  comments: string;
}

/** Django form errors: field name to messages. */
export type FormErrors = Record<string, string[]>;

export type FormResult = { ok: true; report: ReportForm } | { ok: false; errors: FormErrors };

const REQUIRED = 'This field is required.';

/** Checks the posted fields like GlitchTip's UserReportForm: all three required, a real-looking email. */
export function validateReportForm(fields: Pick<URLSearchParams, 'get'>): FormResult {
  const errors: FormErrors = {};
  const field = (key: keyof ReportForm, max: number): string => {
    const value = clean(fields.get(key) ?? '');
    if (!value) errors[key] = [REQUIRED];
    else if ([...value].length > max) {
      errors[key] = [`Ensure this value has at most ${max} characters (it has ${[...value].length}).`];
    }
    return value;
  };
  const name = field('name', NAME_MAX);
  const email = field('email', EMAIL_MAX);
  const comments = field('comments', COMMENTS_MAX);
  if (!errors.email && !isEmail(email)) errors.email = ['Enter a valid email address.'];
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, report: { name, email, comments } };
}

// Dot-atom local part (RFC 5322 without quoted strings and comments, as Django's EmailValidator).
const LOCAL_PART =
  /^[-!#$%&'*+/=?^_`{|}~0-9A-Za-z\u0080-\uFFFF]+(?:\.[-!#$%&'*+/=?^_`{|}~0-9A-Za-z\u0080-\uFFFF]+)*$/;
// Host names with a non-numeric top-level label; internationalized labels are accepted as typed.
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LABEL = /^(?:[\p{L}]{2,63}|xn--[a-z0-9-]{1,59})$/iu;
const IPV4_LITERAL = /^\[(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\]$/;

export function isEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  if (IPV4_LITERAL.test(domain)) return true;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return labels.every((label) => DOMAIN_LABEL.test(label)) && TOP_LABEL.test(labels.at(-1)!);
}

/** Trimmed, and without the NUL characters PostgreSQL text cannot hold. */
function clean(value: string): string {
  return value.replace(/\u0000/g, '').trim();
}
