/**
 * The visible unsubscribe link under a review request or a delay notice
 * (the header alone is not enough: Gmail and Yahoo also want one a reader can
 * see). The link text in the letter's own language; the layout partial shows it.
 */
const LABELS: Record<string, string> = {
  en: 'Unsubscribe from these emails',
  ar: 'إلغاء الاشتراك في هذه الرسائل',
  cs: 'Odhlásit odběr těchto e-mailů',
  de: 'Von diesen E-Mails abmelden',
  es: 'Darse de baja de estos correos',
  fr: 'Se désabonner de ces e-mails',
  he: 'הסרה מרשימת הדיוור',
  it: 'Annulla l’iscrizione a queste email',
  ja: 'これらのメールの配信を停止',
  ko: '이 이메일 수신 거부',
  nl: 'Afmelden voor deze e-mails',
  pl: 'Wypisz się z tych wiadomości',
  pt: 'Cancelar a inscrição nestes e-mails',
  ru: 'Отписаться от этих писем',
  sv: 'Avregistrera dig från dessa mejl',
  tr: 'Bu e-postalardan aboneliği iptal et',
  uk: 'Відписатися від цих листів',
};

/** The label for a BCP 47 locale (its language), English when the letter fell back to English. */
export function unsubscribeLabel(locale: string): string {
  return LABELS[locale.split('-')[0].toLowerCase()] ?? LABELS.en;
}

/** The context fields the layout partial's footer reads (`{{opt "unsubscribeUrl"}}`). */
export function unsubscribeContext(url: string, locale: string): { unsubscribeUrl: string; unsubscribeLabel: string } {
  return { unsubscribeUrl: url, unsubscribeLabel: unsubscribeLabel(locale) };
}

/** The plain-text part's last line. */
export function textFooter(text: string, url: string, locale: string): string {
  return `${text.replace(/\s+$/, '')}\n\n${unsubscribeLabel(locale)}: ${url}\n`;
}
