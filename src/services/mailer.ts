// How use cases send mail. Implementations: SMTP (src/auth/mailers.ts, when SMTP_URL is set) and
// the log (otherwise).
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The one action link in the message (verification, reset). Kept apart so a log transport can
   *  decide whether to print it. */
  link?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
