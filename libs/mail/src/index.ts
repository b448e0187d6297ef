export * from './email-url';
export * from './mail.service';
export * from './mail.module';
export * from './smtp-client';
