import { Module } from '@nestjs/common';
import { MailService } from './mail.service';

/** Outgoing mail for whichever process needs it (the api's account mails, the worker's alerts). */
@Module({ providers: [MailService], exports: [MailService] })
export class MailModule {}
