/** The env variables holding each webhook route's secret. */
export const WEBHOOK_SECRET_NAMES = [
  'AFTERSHIP_WEBHOOK_SECRET',
  'SEVENTEENTRACK_API_KEY',
  'POSTSHIP_WEBHOOK_SECRET',
  'EASYPOST_WEBHOOK_SECRET',
  'TRACKINGMORE_WEBHOOK_SECRET',
  'SHOPIFY_WEBHOOK_SECRET',
  'WOOCOMMERCE_WEBHOOK_SECRET',
  // Email services' event webhooks (issue 22, src/http/webhooks/mail/).
  'SES_SNS_TOPIC_ARN',
  'POSTMARK_WEBHOOK_AUTH',
  'RESEND_WEBHOOK_SECRET',
  'MAILGUN_WEBHOOK_SIGNING_KEY',
] as const;
export type WebhookSecretName = (typeof WEBHOOK_SECRET_NAMES)[number];

/**
 * Webhook secrets keyed by their env variable, so a caller may pass
 * `process.env` as is. A missing or blank value leaves that route refusing (503).
 */
export type WebhookSecrets = Partial<Record<WebhookSecretName, string | undefined>>;

export function secretOf(secrets: WebhookSecrets, name: WebhookSecretName): string | null {
  const value = secrets[name]?.trim();
  return value ? value : null;
}

/** Only the webhook secrets out of an environment, so nothing else is carried around. */
export function webhookSecretsFrom(env: Record<string, string | undefined>): WebhookSecrets {
  return Object.fromEntries(WEBHOOK_SECRET_NAMES.map((name) => [name, env[name]]));
}
