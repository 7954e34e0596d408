// Mail transports. SMTP through nodemailer when SMTP_URL is configured. Otherwise the log is the
// transport: outside production the log line carries the action link (it is how a developer
// verifies an email on a fresh machine); in production it never does, because a link is a
// bearer credential and logs are read by more people than mailboxes.
import nodemailer from 'nodemailer';
import type { Logger } from '../observability/logger.ts';
import type { Mailer, MailMessage } from '../services/mailer.ts';

export function createSmtpMailer(smtpUrl: string, from: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(m: MailMessage) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
    close: () => transport.close(),
  };
}

export function createLogMailer(logger: Logger, opts: { includeLinks: boolean }): Mailer {
  return {
    async send(m: MailMessage) {
      if (opts.includeLinks) {
        logger.info({ mail: { to: m.to, subject: m.subject }, link: m.link }, 'mail (log transport)');
      } else {
        logger.warn(
          { mail: { to: m.to, subject: m.subject } },
          'mail not sent: SMTP_URL is not configured (the link is not logged in production)',
        );
      }
    },
  };
}
