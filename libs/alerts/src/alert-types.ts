/** Recipient types this build can deliver, in GlitchTip's names (`signed_webhook` and `telegram` are ours). */
export const RECIPIENT_TYPES = [
  'email',
  'webhook',
  'signed_webhook',
  'discord',
  'googlechat',
  'msteams',
  'zulip',
  'ntfy',
  'feishu',
  'telegram',
] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

export interface AlertRecipient {
  id: string;
  alertId: string;
  recipientType: RecipientType;
  url: string;
  /** Type-specific settings; its secrets (SECRET_CONFIG_KEYS) are never shown in full. */
  config: Record<string, unknown>;
  tagsToAdd: string[];
}

export interface AlertRule {
  id: string;
  projectId: string;
  name: string;
  timespanMinutes: number | null;
  quantity: number | null;
  uptime: boolean;
  uptimeQuantity: number | null;
  uptimeTimespanMinutes: number | null;
  /** Only events of this environment count, when set. */
  environment: string | null;
  recipients: AlertRecipient[];
}

export interface NewRecipient {
  recipientType: RecipientType;
  url: string;
  config: Record<string, unknown>;
  tagsToAdd: string[];
}

export interface AlertRuleInput {
  name: string;
  timespanMinutes: number | null;
  quantity: number | null;
  uptime: boolean;
  uptimeQuantity: number | null;
  uptimeTimespanMinutes: number | null;
  environment: string | null;
  recipients: NewRecipient[];
}
