/** Order fields as the flags that carry them, so a problem names what the user typed. */
const FLAG_OF: Record<string, string> = {
  orderId: '--order-id',
  'buyer.email': '--email',
  'buyer.name': '--name',
  'buyer.locale': '--locale',
  'buyer.timezone': '--timezone',
  country: '--country',
  carrier: '--carrier',
  trackingNumber: '--tracking',
  store: '--store',
  shippedAt: '--shipped-at',
};

/** `country: "UK" is not ...` → `--country "UK" is not ...` */
export function asFlagProblem(problem: string): string {
  const match = /^([\w.]+): (.*)$/.exec(problem);
  const flag = match && FLAG_OF[match[1]];
  return flag ? `${flag} ${match[2]}` : problem;
}
