import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import { AccountsService, EmailAddressEntity, OrganizationUserEntity, UserEntity } from '@app/organizations';
import { MailService } from '@app/mail';
import { emailConfirmationMail, invitationMail, passwordResetMail } from './mail/templates';
import { signToken, tokenSubject, verifyToken } from './signed-token';

const DAY = 86_400;
/** Django's PASSWORD_RESET_TIMEOUT, allauth's ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS, GlitchTip's invite timeout. */
const PASSWORD_RESET_TTL = 3 * DAY;
const EMAIL_CONFIRMATION_TTL = 3 * DAY;
const INVITATION_TTL = 15 * DAY;

/**
 * The signed, expiring links accounts send by e-mail. Each is bound to the state it changes, so it works once:
 * a reset link to the password hash (and last login), a confirmation link to the unverified address, an invitation
 * to the pending invitation's address.
 */
@Injectable()
export class AccountLinksService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async resetBinding(user: UserEntity): Promise<string> {
    const hash = (await this.accounts.passwordHashOf(user.id)) ?? '';
    return `${hash}|${user.lastLogin?.toISOString() ?? ''}|${user.email.toLowerCase()}`;
  }

  async sendPasswordReset(user: UserEntity): Promise<void> {
    const key = signToken(
      {
        secret: this.config.secretKey,
        purpose: 'password-reset',
        subject: user.id,
        binding: await this.resetBinding(user),
      },
      PASSWORD_RESET_TTL,
    );
    this.mail.sendLater(passwordResetMail(this.config.domain, user.email, key));
  }

  /** The user a password reset key was made for, while it is valid. */
  async passwordResetUser(key: string): Promise<UserEntity | null> {
    const subject = tokenSubject(key);
    const user = subject ? await this.accounts.findUserById(subject) : null;
    if (!user?.isActive) return null;
    const binding = await this.resetBinding(user);
    return verifyToken(key, {
      secret: this.config.secretKey,
      purpose: 'password-reset',
      subject: user.id,
      binding,
    })
      ? user
      : null;
  }

  private emailBinding(address: EmailAddressEntity): string {
    return `${address.userId}|${address.email.toLowerCase()}|${address.isVerified}`;
  }

  sendEmailConfirmation(address: EmailAddressEntity): void {
    const key = signToken(
      {
        secret: this.config.secretKey,
        purpose: 'email-confirmation',
        subject: address.id,
        binding: this.emailBinding(address),
      },
      EMAIL_CONFIRMATION_TTL,
    );
    this.mail.sendLater(emailConfirmationMail(this.config.domain, address.email, key));
  }

  /** The unverified address a confirmation key was made for, while it is valid. */
  async emailToConfirm(key: string): Promise<EmailAddressEntity | null> {
    const subject = tokenSubject(key);
    const address = subject ? await this.accounts.findEmailById(subject) : null;
    if (!address || address.isVerified) return null;
    return verifyToken(key, {
      secret: this.config.secretKey,
      purpose: 'email-confirmation',
      subject: address.id,
      binding: this.emailBinding(address),
    })
      ? address
      : null;
  }

  private inviteInput(member: OrganizationUserEntity) {
    return {
      secret: this.config.secretKey,
      purpose: 'invitation',
      subject: member.id,
      binding: `${member.organizationId}|${(member.email ?? '').toLowerCase()}`,
    };
  }

  /** The web UI's accept page for a pending invitation. */
  invitationLink(member: OrganizationUserEntity): string {
    return `${this.config.domain}/accept/${member.id}/${signToken(this.inviteInput(member), INVITATION_TTL)}/`;
  }

  sendInvitation(member: OrganizationUserEntity, organizationName: string, link: string): void {
    this.mail.sendLater(invitationMail(this.config.domain, member.email!, organizationName, link));
  }

  /** True while the token matches the still pending invitation. */
  isValidInvitation(member: OrganizationUserEntity, token: string): boolean {
    return !member.userId && !!member.email && verifyToken(token, this.inviteInput(member));
  }
}
