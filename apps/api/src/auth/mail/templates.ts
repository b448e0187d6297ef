import type { OutgoingMail } from '@app/mail';

/** The e-mails accounts and invitations send, with links into the web UI (GlitchTip's HEADLESS_FRONTEND_URLS). */
export function passwordResetMail(domain: string, to: string, key: string): OutgoingMail {
  return {
    to,
    subject: 'Password Reset Email',
    text: [
      'You are receiving this e-mail because you or someone else has requested a password reset for your',
      'GlitchTip account. It can be safely ignored if you did not request a password reset.',
      '',
      'Click the link below to reset your password. It works once, for three days.',
      '',
      `${domain}/reset-password/set-new-password/${key}`,
    ].join('\n'),
  };
}

export function emailConfirmationMail(domain: string, to: string, key: string): OutgoingMail {
  return {
    to,
    subject: 'Please Confirm Your Email Address',
    text: [
      'You are receiving this e-mail because this address was given for a GlitchTip account.',
      '',
      'To confirm this is correct, go to',
      '',
      `${domain}/profile/confirm-email/${key}/`,
    ].join('\n'),
  };
}

export function invitationMail(
  domain: string,
  to: string,
  organizationName: string,
  link: string,
): OutgoingMail {
  const name = organizationName.replace(/[<>\r\n]/g, '').replace(/https?:\/\//gi, '');
  return {
    to,
    subject: 'You are invited to GlitchTip',
    text: [
      `${name} is using GlitchTip for software error reporting and wants you to be a part of the team.`,
      '',
      'Follow this link to create your user account (or log in) and join.',
      '',
      link,
      '',
      `Visit GlitchTip's homepage at ${domain} if you want to learn more first.`,
    ].join('\n'),
  };
}
