import type { Milestone } from '../milestones.js';

/**
 * Customs notes shown to buyers, as data: rules change often, so each note
 * carries its source and the date someone last checked it. Correct a note here
 * (or pass your own list to `customsNotesFor`) without touching a template.
 *
 * - `countries`: ISO 3166-1 alpha-2 codes, or 'EU' for every EU member state.
 * - `milestones`: the messages that show it.
 * - `validFrom` (inclusive) / `validUntil` (exclusive): ISO dates compared with
 *   the parcel's arrival (the tracking event, else the start of the expected window).
 * - `text`: language (BCP 47 primary subtag) -> text; `en` is required and is the fallback.
 */
export interface CustomsNoteData {
  id: string;
  countries: readonly string[] | 'EU';
  milestones: readonly Milestone[];
  validFrom?: string;
  validUntil?: string;
  text: Readonly<Record<string, string>>;
  source: string;
  /** ISO date a person last checked the text against the source; null = not yet checked (reported by checkTemplates). */
  lastChecked: string | null;
}

const SHIPPED_AND_CUSTOMS: readonly Milestone[] = ['shipped', 'customs'];

export const CUSTOMS_NOTES: readonly CustomsNoteData[] = [
  {
    id: 'br-cpf',
    countries: ['BR'],
    milestones: SHIPPED_AND_CUSTOMS,
    text: {
      pt: 'Para a liberação na alfândega, a Receita Federal exige o CPF do destinatário em toda encomenda internacional. Se o seu CPF não foi informado na compra, cadastre-o no portal Minhas Importações dos Correios (site ou aplicativo) e vincule esta encomenda. Se houver tributos a pagar, o aviso aparece no rastreamento e no Minhas Importações; em compras feitas em plataformas do programa Remessa Conforme, eles normalmente já são cobrados na compra. Os Correios não pedem pagamento por e-mail: pague somente pelo site ou aplicativo oficial.',
      en: 'Brazilian customs (Receita Federal) requires the recipient\'s CPF on every international parcel. If your CPF was not given at checkout, register it in the Correios "Minhas Importações" portal (website or app) and link this parcel. If any tax is due, the notice appears in the tracking and in Minhas Importações; for purchases on platforms in the Remessa Conforme programme it is normally collected at checkout. Correios never asks for payment by email: pay only on the official website or app.',
      es: 'La aduana de Brasil (Receita Federal) exige el CPF del destinatario en todo envío internacional. Si no indicó su CPF al comprar, regístrelo en el portal «Minhas Importações» de Correios (web o aplicación) y vincule este paquete. Si hubiera impuestos que pagar, el aviso aparecerá en el seguimiento y en Minhas Importações; en las compras hechas en plataformas del programa Remessa Conforme normalmente ya se cobran al comprar. Correios nunca pide pagos por correo electrónico: pague solo en su web o aplicación oficial.',
    },
    source:
      'https://www.correios.com.br/encomendas-logistica/minhas-importacoes/minhas-importacoes (Receita Federal: CPF/CNPJ/passport required on international parcels since 2020-01-01; Correios: taxes paid only via Minhas Importações)',
    lastChecked: '2026-11-23',
  },
  {
    id: 'eu-ioss',
    countries: 'EU',
    milestones: SHIPPED_AND_CUSTOMS,
    validUntil: '2026-07-01',
    text: {
      en: 'Parcels to the EU carry import VAT. When it was paid at checkout through IOSS (the EU Import One-Stop Shop), as marketplaces do for orders up to €150, nothing more is due on delivery. If the carrier asks you to pay VAT on this parcel, please write to us first so we can check it.',
      es: 'Los envíos a la UE llevan IVA de importación. Si se pagó al comprar a través del IOSS (la ventanilla única de importación de la UE), como hacen los marketplaces en pedidos de hasta 150 €, no tendrá que pagar nada más en la entrega. Si el transportista le pide pagar el IVA de este paquete, escríbanos antes y lo comprobaremos.',
      fr: "Les colis à destination de l'UE sont soumis à la TVA à l'importation. Lorsqu'elle a été payée lors de l'achat via l'IOSS (le guichet unique à l'importation de l'UE), comme le font les places de marché pour les commandes jusqu'à 150 €, rien de plus n'est dû à la livraison. Si le transporteur vous demande de payer la TVA sur ce colis, écrivez-nous d'abord : nous vérifierons.",
      pt: 'Encomendas para a UE pagam IVA de importação. Quando ele é pago na compra pelo IOSS (o balcão único de importação da UE), como fazem os marketplaces em pedidos de até 150 €, não há mais nada a pagar na entrega. Se a transportadora pedir o pagamento do IVA desta encomenda, fale conosco antes para verificarmos.',
      de: 'Für Sendungen in die EU fällt Einfuhrumsatzsteuer an. Wurde sie beim Kauf über IOSS (den Import-One-Stop-Shop der EU) bezahlt, wie es Marktplätze bei Bestellungen bis 150 € tun, ist bei der Zustellung nichts mehr zu zahlen. Falls der Zusteller für dieses Paket Einfuhrumsatzsteuer verlangt, schreiben Sie uns bitte vorher, damit wir das prüfen können.',
      it: "Le spedizioni verso l'UE sono soggette all'IVA all'importazione. Se è stata pagata al momento dell'acquisto tramite IOSS (lo sportello unico per le importazioni dell'UE), come fanno i marketplace per gli ordini fino a 150 €, alla consegna non c'è altro da pagare. Se il corriere ti chiede di pagare l'IVA su questo pacco, scrivici prima: verificheremo noi.",
      pl: 'Przesyłki do UE podlegają podatkowi VAT od importu. Jeśli został on zapłacony przy zakupie w systemie IOSS (unijny punkt kompleksowej obsługi importu), jak robią to platformy sprzedażowe przy zamówieniach do 150 €, przy doręczeniu nie trzeba nic dopłacać. Jeśli przewoźnik poprosi o zapłatę VAT za tę przesyłkę, prosimy najpierw napisać do nas – sprawdzimy to.',
      ru: 'Посылки в ЕС облагаются импортным НДС. Если он был оплачен при покупке через IOSS (единое окно ЕС для импорта), как это делают маркетплейсы для заказов до 150 €, при доставке ничего доплачивать не нужно. Если перевозчик попросит оплатить НДС за эту посылку, пожалуйста, сначала напишите нам — мы всё проверим.',
      nl: 'Voor pakketten naar de EU geldt invoer-btw. Is die bij het afrekenen via IOSS (het éénloketsysteem voor invoer van de EU) betaald, zoals marktplaatsen doen bij bestellingen tot € 150, dan hoef je bij de bezorging niets meer te betalen. Vraagt de vervoerder je om btw voor dit pakket? Mail ons dan eerst, dan zoeken wij het uit.',
      cs: 'Na zásilky do EU se vztahuje DPH z dovozu. Pokud byla zaplacena už při nákupu přes IOSS (jednotné kontaktní místo EU pro dovoz), jak to dělají tržiště u objednávek do 150 €, při doručení nic dalšího neplatíte. Pokud po vás dopravce bude chtít za tuto zásilku DPH, napište nám prosím nejdřív, ověříme to.',
      sv: 'Paket till EU belastas med importmoms. Om den betalades i kassan via IOSS (EU:s gemensamma kontaktpunkt för import), som marknadsplatser gör för beställningar upp till 150 €, finns inget mer att betala vid leveransen. Om transportören ber dig betala moms för paketet, skriv till oss först så kontrollerar vi det.',
      'pt-PT': 'As encomendas para a UE pagam IVA de importação. Se foi pago na compra através do IOSS (o balcão único de importação da UE), como fazem os marketplaces nas encomendas até 150 €, não há mais nada a pagar na entrega. Se a transportadora lhe pedir o pagamento do IVA desta encomenda, escreva-nos primeiro para verificarmos.',
    },
    source: 'https://taxation-customs.ec.europa.eu/customs-4/ecommerce-import-one-stop-shop-ioss_en',
    lastChecked: '2026-11-23',
  },
  {
    id: 'eu-low-value-duty',
    countries: 'EU',
    milestones: SHIPPED_AND_CUSTOMS,
    validFrom: '2026-07-01',
    text: {
      en: 'Parcels to the EU carry import VAT and, since 1 July 2026, a flat EU customs duty of €3 for each type of item in parcels worth less than €150. When these were paid at checkout through IOSS (the EU Import One-Stop Shop), nothing more is due on delivery. If the carrier asks you to pay VAT or duty on this parcel, please write to us first so we can check it.',
      es: 'Los envíos a la UE llevan IVA de importación y, desde el 1 de julio de 2026, un arancel fijo de la UE de 3 € por cada tipo de artículo en paquetes de menos de 150 €. Si se pagaron al comprar a través del IOSS (la ventanilla única de importación de la UE), no tendrá que pagar nada más en la entrega. Si el transportista le pide pagar IVA o aranceles por este paquete, escríbanos antes y lo comprobaremos.',
      fr: "Les colis à destination de l'UE sont soumis à la TVA à l'importation et, depuis le 1er juillet 2026, à un droit de douane forfaitaire de 3 € par type d'article pour les colis de moins de 150 €. Lorsqu'ils ont été payés lors de l'achat via l'IOSS (le guichet unique à l'importation de l'UE), rien de plus n'est dû à la livraison. Si le transporteur vous demande de payer la TVA ou des droits sur ce colis, écrivez-nous d'abord : nous vérifierons.",
      pt: 'Encomendas para a UE pagam IVA de importação e, desde 1º de julho de 2026, um direito aduaneiro fixo da UE de 3 € por tipo de artigo em encomendas de menos de 150 €. Quando esses valores são pagos na compra pelo IOSS (o balcão único de importação da UE), não há mais nada a pagar na entrega. Se a transportadora pedir o pagamento de IVA ou de direitos aduaneiros desta encomenda, fale conosco antes para verificarmos.',
      de: 'Für Sendungen in die EU fällt Einfuhrumsatzsteuer an und seit dem 1. Juli 2026 ein pauschaler EU-Zoll von 3 € je Warenart für Pakete unter 150 €. Wurden diese beim Kauf über IOSS (den Import-One-Stop-Shop der EU) bezahlt, ist bei der Zustellung nichts mehr zu zahlen. Falls der Zusteller für dieses Paket Einfuhrumsatzsteuer oder Zoll verlangt, schreiben Sie uns bitte vorher, damit wir das prüfen können.',
      it: "Le spedizioni verso l'UE sono soggette all'IVA all'importazione e, dal 1° luglio 2026, a un dazio doganale UE forfettario di 3 € per ogni tipo di articolo nei pacchi di valore inferiore a 150 €. Se sono stati pagati al momento dell'acquisto tramite IOSS (lo sportello unico per le importazioni dell'UE), alla consegna non c'è altro da pagare. Se il corriere ti chiede di pagare IVA o dazi su questo pacco, scrivici prima: verificheremo noi.",
      pl: 'Przesyłki do UE podlegają podatkowi VAT od importu, a od 1 lipca 2026 r. także stałemu unijnemu cłu w wysokości 3 € za każdy rodzaj towaru w paczkach o wartości poniżej 150 €. Jeśli zostały one zapłacone przy zakupie w systemie IOSS (unijny punkt kompleksowej obsługi importu), przy doręczeniu nie trzeba nic dopłacać. Jeśli przewoźnik poprosi o zapłatę VAT lub cła za tę przesyłkę, prosimy najpierw napisać do nas – sprawdzimy to.',
      ru: 'Посылки в ЕС облагаются импортным НДС, а с 1 июля 2026 года — ещё и фиксированной пошлиной ЕС в 3 € за каждый вид товара в посылках стоимостью до 150 €. Если они были оплачены при покупке через IOSS (единое окно ЕС для импорта), при доставке ничего доплачивать не нужно. Если перевозчик попросит оплатить НДС или пошлину за эту посылку, пожалуйста, сначала напишите нам — мы всё проверим.',
      nl: 'Voor pakketten naar de EU geldt invoer-btw en sinds 1 juli 2026 ook een vast EU-douanerecht van € 3 per soort artikel in pakketten van minder dan € 150. Zijn deze bij het afrekenen via IOSS (het éénloketsysteem voor invoer van de EU) betaald, dan hoef je bij de bezorging niets meer te betalen. Vraagt de vervoerder je om btw of invoerrechten voor dit pakket? Mail ons dan eerst, dan zoeken wij het uit.',
      tr: 'AB\'ye gönderilen paketlerde ithalat KDV\'si ve 1 Temmuz 2026\'dan bu yana 150 €\'nun altındaki paketlerde her ürün türü için 3 €\'luk sabit bir AB gümrük vergisi uygulanır. Bunlar ödeme sırasında IOSS (AB ithalat tek durak sistemi) üzerinden ödendiyse teslimatta ek bir ödeme yapmanız gerekmez. Kargo firması bu paket için KDV veya gümrük vergisi isterse lütfen önce bize yazın, birlikte kontrol edelim.',
      ko: 'EU로 가는 소포에는 수입 부가세가 붙으며, 2026년 7월 1일부터는 150유로 미만 소포에 상품 종류당 3유로의 EU 정액 관세도 부과됩니다. 결제 시 IOSS(EU 수입 원스톱 숍)를 통해 이미 납부되었다면 배송 시 추가로 낼 금액은 없습니다. 배송사가 이 소포의 부가세나 관세를 요구하면 먼저 저희에게 연락 주세요. 확인해 드리겠습니다.',
      ja: 'EU宛ての荷物には輸入付加価値税がかかり、2026年7月1日からは150ユーロ未満の荷物に商品の種類ごとに3ユーロのEU定額関税もかかります。ご購入時にIOSS（EUの輸入ワンストップショップ）を通じて支払われている場合、配達時に追加でお支払いいただくものはありません。配送業者からこの荷物の付加価値税や関税を求められた場合は、先に当店までご連絡ください。こちらで確認いたします。',
      uk: 'Посилки до ЄС обкладаються імпортним ПДВ, а з 1 липня 2026 року ще й фіксованим митом ЄС у 3 € за кожен вид товару в посилках вартістю до 150 €. Якщо їх сплачено під час покупки через IOSS (єдине вікно ЄС для імпорту), під час доставки доплачувати нічого не потрібно. Якщо перевізник попросить сплатити ПДВ або мито за цю посилку, спершу напишіть нам — ми перевіримо.',
      cs: 'Na zásilky do EU se vztahuje DPH z dovozu a od 1. července 2026 také paušální clo EU ve výši 3 € za každý druh zboží v zásilkách v hodnotě do 150 €. Pokud byly zaplaceny už při nákupu přes IOSS (jednotné kontaktní místo EU pro dovoz), při doručení nic dalšího neplatíte. Pokud po vás dopravce bude chtít za tuto zásilku DPH nebo clo, napište nám prosím nejdřív, ověříme to.',
      sv: 'Paket till EU belastas med importmoms och sedan den 1 juli 2026 även med en fast EU-tull på 3 € per typ av vara i paket värda under 150 €. Om dessa betalades i kassan via IOSS (EU:s gemensamma kontaktpunkt för import) finns inget mer att betala vid leveransen. Om transportören ber dig betala moms eller tull för paketet, skriv till oss först så kontrollerar vi det.',
      'pt-PT': 'As encomendas para a UE pagam IVA de importação e, desde 1 de julho de 2026, um direito aduaneiro fixo da UE de 3 € por tipo de artigo nas encomendas de valor inferior a 150 €. Se estes valores foram pagos na compra através do IOSS (o balcão único de importação da UE), não há mais nada a pagar na entrega. Se a transportadora lhe pedir o pagamento de IVA ou de direitos sobre esta encomenda, escreva-nos primeiro para verificarmos.',
      he: 'על חבילות לאיחוד האירופי חל מע"מ יבוא, ומאז 1 ביולי 2026 גם מכס אחיד של האיחוד בסך 3 € לכל סוג פריט בחבילות ששוויין פחות מ-150 €. אם התשלומים האלה שולמו בקופה דרך IOSS (מערכת "חלון אחד" ליבוא של האיחוד), אין מה לשלם במסירה. אם חברת המשלוחים מבקשת מכם לשלם מע"מ או מכס על החבילה, כתבו לנו קודם ונבדוק זאת.',
      ar: 'تخضع الطرود المرسلة إلى الاتحاد الأوروبي لضريبة القيمة المضافة على الاستيراد، ومنذ 1 يوليو 2026 لرسم جمركي أوروبي ثابت قدره 3 يورو عن كل نوع من السلع في الطرود التي تقل قيمتها عن 150 يورو. إذا دُفعت هذه المبالغ عند الشراء عبر نظام IOSS (الشباك الموحد للاستيراد في الاتحاد الأوروبي)، فلا يلزمك دفع أي شيء عند التسليم. وإذا طلبت منك شركة الشحن دفع ضريبة أو رسوم عن هذا الطرد، فيُرجى مراسلتنا أولًا لنتحقق من الأمر.',
    },
    source:
      'Council of the EU, 12 Dec 2025 agreement, adopted 11 Feb 2026: EUR 3 per item (tariff subheading) in parcels under EUR 150 sent by IOSS-registered sellers, 2026-07-01 to 2028-07-01 (https://www.vatupdate.com/2025/12/18/eu-to-impose-e3-fixed-customs-duty-on-small-parcels-under-e150-from-july-2026)',
    lastChecked: '2026-11-23',
  },
  {
    id: 'us-de-minimis-suspended',
    countries: ['US'],
    milestones: SHIPPED_AND_CUSTOMS,
    validFrom: '2025-08-29',
    text: {
      en: 'Since 29 August 2025 the United States no longer lets low-value parcels in duty-free (the $800 "de minimis" exemption is suspended), so import duties apply to this parcel. They are normally settled by the shipping line or the carrier; if the carrier asks you to pay anything, please write to us first and we will help.',
      es: 'Desde el 29 de agosto de 2025, Estados Unidos ya no deja entrar libres de aranceles los paquetes de bajo valor (la exención «de minimis» de 800 $ está suspendida), así que este paquete paga aranceles de importación. Normalmente los liquida la línea de envío o el transportista; si el transportista le pide pagar algo, escríbanos antes y le ayudaremos.',
    },
    source: 'Executive Order 14324 (30 Jul 2025), in force 2025-08-29; CBP guidance of 15 Aug 2025 (https://www.cbp.gov/trade/programs-administration/entry-summary/de-minimis)',
    lastChecked: '2026-11-23',
  },
  {
    id: 'tr-eur30-ended',
    countries: ['TR'],
    milestones: SHIPPED_AND_CUSTOMS,
    validFrom: '2026-02-06',
    text: {
      en: 'Since February 2026 Turkey no longer exempts small parcels bought abroad (the former €30 allowance has ended), so customs taxes apply to this parcel and may be collected by PTT or the courier before delivery. If they contact you, please answer promptly so the parcel is released quickly; if anything is unclear, write to us.',
    },
    source: 'Presidential decision in the Official Gazette of 7 Jan 2026, in force 30 days later (https://www.hurriyetdailynews.com/30-euro-limit-lifted-for-overseas-mail-orders-217573)',
    lastChecked: '2026-11-23',
  },
  {
    id: 'ru-eur200',
    countries: ['RU'],
    milestones: SHIPPED_AND_CUSTOMS,
    text: {
      ru: 'Посылки в Россию не облагаются пошлиной, если их стоимость не превышает 200 евро, а вес — 31 кг; сверх этого таможня взимает 15 % от суммы превышения (не менее 2 евро за килограмм). Для таможенного оформления служба доставки может запросить ваши паспортные данные (иногда и ИНН) — пожалуйста, ответьте им, чтобы посылку выпустили без задержек.',
      en: 'Parcels to Russia are duty-free up to €200 and 31 kg; above that, customs charges 15% of the excess (at least €2 per kilogram). For customs clearance the delivery service may ask for your passport details (sometimes your INN tax number); please answer them so the parcel is released without delay.',
    },
    source: 'EAEU Commission decision of 20 Dec 2017 (EUR 200 / 31 kg per parcel since 2020-01-01; the 2022 relief ended 2024-04-01) (https://bpd-express.de/en/news/duty-free-import-up-to-200-for-parcels-to-russia-customs-charges-and-payment-procedure)',
    lastChecked: '2026-11-23',
  },
  {
    id: 'gb-vat-at-sale',
    countries: ['GB'],
    milestones: SHIPPED_AND_CUSTOMS,
    text: {
      en: 'For parcels worth up to £135, UK VAT is collected at checkout, so nothing more should be due on delivery. If Royal Mail or the courier asks you for a fee, please write to us first so we can check it.',
    },
    source: 'https://www.gov.uk/guidance/vat-and-overseas-goods-sold-directly-to-customers-in-the-uk',
    lastChecked: null,
  },
  {
    id: 'au-gst-at-sale',
    countries: ['AU'],
    milestones: SHIPPED_AND_CUSTOMS,
    text: {
      en: 'GST on goods worth up to A$1,000 is collected at checkout, so nothing more should be due on delivery. If anyone asks you to pay a fee for this parcel, please write to us first so we can check it.',
    },
    source: 'https://www.ato.gov.au/businesses-and-organisations/international-tax-for-business/gst-on-imported-goods-and-services/gst-on-low-value-imported-goods',
    lastChecked: null,
  },
  {
    id: 'ca-low-value',
    countries: ['CA'],
    milestones: SHIPPED_AND_CUSTOMS,
    text: {
      en: 'Canada charges GST/HST (and sometimes duty) on parcels from China worth more than C$20; Canada Post or the courier collects it before delivery. If you are asked to pay, please write to us first so we can check it.',
      fr: "Le Canada perçoit la TPS/TVH (et parfois des droits) sur les colis en provenance de Chine d'une valeur supérieure à 20 $ CA ; Postes Canada ou le transporteur les encaisse avant la livraison. Si l'on vous demande de payer, écrivez-nous d'abord : nous vérifierons.",
    },
    source: 'https://www.cbsa-asfc.gc.ca/import/postal-postale/duty-taxes-droits-taxes-eng.html',
    lastChecked: null,
  },
  {
    id: 'kr-pccc',
    countries: ['KR'],
    milestones: SHIPPED_AND_CUSTOMS,
    text: {
      en: 'Korean customs needs your Personal Customs Clearance Code (PCCC, 개인통관고유부호). If it was not given at checkout, the courier will ask you for it; please reply promptly so the parcel is released.',
      ko: '한국 세관은 개인통관고유부호(PCCC)가 필요합니다. 결제 시 입력하지 않으셨다면 배송사에서 요청할 예정이니, 소포가 반출될 수 있도록 빠르게 회신해 주세요.',
    },
    source: 'https://unipass.customs.go.kr (Korea Customs Service: PCCC for personal imports)',
    lastChecked: null,
  },
];
