// smart-select cues in the languages other than English (English cues live in select.ts, tuned on their own
// fixture set). Each cue lists, per language, lower-case word stems or short regex fragments. A fragment in a script
// that separates words (Latin, Cyrillic, Devanagari) must start a word; Chinese, Japanese, Korean and Arabic ones match
// anywhere, since those scripts attach particles and clitics to words. Reasons reuse the English wording so the user
// sees one vocabulary whatever the language.
import type { Tier } from '../base/types';

export type Lang = 'es' | 'pt' | 'fr' | 'de' | 'it' | 'ru' | 'zh' | 'ja' | 'ko' | 'hi' | 'ar' | 'tr' | 'vi' | 'id';
export const LEXICON_LANGS: readonly Lang[] = ['es', 'pt', 'fr', 'de', 'it', 'ru', 'zh', 'ja', 'ko', 'hi', 'ar', 'tr', 'vi', 'id'];

export interface LexiconCue {
  /** Stable name, used by tests and by correction signatures. */
  id: string;
  tier: Tier;
  weight: number;
  reason: string;
  critical?: boolean;
  /** Only at the start of the prompt, and only when the whole prompt is at most this many characters. */
  openingWithin?: number;
  terms: Partial<Record<Lang, readonly string[]>>;
}

export const QUICK_FACT = 'a quick factual question';

export const LEXICON: readonly LexiconCue[] = [
  // reasoning
  {
    id: 'proof', tier: 'reasoning', weight: 5, reason: 'asks for a proof', critical: true,
    terms: {
      es: ['demuestr', 'demostra', 'prueba que', 'por inducción', 'irracional'],
      pt: ['prov[ae] que', 'provar', 'demonstr', 'por indução', 'irracional'],
      fr: ['démontr', 'prouve', 'par récurrence', 'irrationnel'],
      de: ['beweis', 'zeige,? dass', 'vollständige[rn]? induktion', 'irrational'],
      it: ['dimostra', 'per induzione', 'irrazional'],
      ru: ['докаж', 'доказ', 'по индукции', 'иррационал'],
      zh: ['证明', '归纳法', '无理数'],
      ja: ['証明', '帰納法', '無理数'],
      ko: ['증명', '귀납법', '무리수'],
      hi: ['सिद्ध कर', 'प्रमाणित कर', 'आगमन', 'अपरिमेय'],
      ar: ['أثبت', 'اثبت', 'برهن', 'الاستقراء', 'غير نسبي'],
      tr: ['kanıtla', 'ispatla', 'ispat et', 'tümevarım', 'irrasyonel'],
      vi: ['chứng minh', 'quy nạp', 'vô tỉ'],
      id: ['buktikan', 'induksi', 'irasional'],
    },
  },
  {
    id: 'correctness', tier: 'reasoning', weight: 2.5, reason: 'asks for a correctness argument', critical: true,
    terms: {
      es: ['corrección', 'justifica su'], pt: ['que está correto', 'correção'], fr: ['correction de l', 'est correct'],
      de: ['korrektheit', 'begründe'], it: ['correttezza'], ru: ['корректност', 'обоснуй'],
      zh: ['正确性'], ja: ['正しさ', '正当性'], ko: ['정확성', '정당성'], hi: ['सत्यता', 'सही होना'],
      ar: ['صحتها', 'صحة الخوارزمية'], tr: ['doğruluğ'], vi: ['tính đúng đắn'], id: ['kebenaran'],
    },
  },
  {
    id: 'complexity', tier: 'reasoning', weight: 4, reason: 'asks for complexity bounds', critical: true,
    terms: {
      es: ['complejidad'], pt: ['complexidade'], fr: ['complexité'], de: ['komplexität', 'laufzeit'], it: ['complessità'],
      ru: ['сложност'], zh: ['复杂度'], ja: ['計算量'], ko: ['복잡도'], hi: ['जटिलता'], ar: ['تعقيد'],
      tr: ['karmaşıklı'], vi: ['độ phức tạp'], id: ['kompleksitas'],
    },
  },
  {
    id: 'algorithm', tier: 'reasoning', weight: 2.5, reason: 'asks to design an algorithm',
    terms: {
      es: ['algoritmo', 'programación dinámica'], pt: ['algoritmo', 'programação dinâmica'],
      fr: ['algorithme', 'programmation dynamique'], de: ['algorithmus', 'dynamische[rn]? programmierung'],
      it: ['algoritmo', 'programmazione dinamica'], ru: ['алгоритм', 'динамическ\\S* программировани'],
      zh: ['算法', '动态规划'], ja: ['アルゴリズム', '動的計画法'], ko: ['알고리즘', '동적 계획법'],
      hi: ['एल्गोरिदम', 'डायनामिक प्रोग्रामिंग'], ar: ['خوارزمية', 'البرمجة الديناميكية'],
      tr: ['algoritma', 'dinamik programlama'], vi: ['thuật toán', 'quy hoạch động'], id: ['algoritma', 'pemrograman dinamis'],
    },
  },
  {
    id: 'math', tier: 'reasoning', weight: 4, reason: 'a math problem',
    terms: {
      es: ['probabilidad', 'de cuántas (?:maneras|formas)', 'derivación', 'máximo global', 'esperanza', 'fórmula cerrada', 'dedúce', 'deduce', "qué dimensiones"],
      pt: ['probabilidade', 'de quantas (?:formas|maneiras)', 'derivação', 'máximo global', 'fórmula fechada', 'deduz', "quais as dimensões"],
      fr: ['probabilité', 'espérance', 'combien de (?:façons|manières|mots|chemins)', 'maximum global', 'formule close', 'établis', "quelles dimensions"],
      de: ['wahrscheinlichkeit', 'erwartungswert', 'wie viele möglichkeiten', 'herleit', 'leite', 'globale maximum', 'geschlossene formel', "welche maße"],
      it: ['probabilità', 'in quanti modi', 'derivazione', 'massimo globale', 'formula chiusa', 'ricava', "che dimensioni"],
      ru: ['вероятност', 'сколькими способами', 'глобальный максимум', 'математическ\\S* ожидани', 'замкнут\\\\S* формул', 'выведи', "какие размеры"],
      zh: ['概率', '多少种', '几种', '推导', '最大值', '最小值', '期望', '通项公式', '推出来', '推导出', "长宽"],
      ja: ['確率', '何通り', '導出', '最大値', '最小値', '期待値', '閉じた式', '導いて', "縦横"],
      ko: ['확률', '몇 가지', '방법은 몇', '유도 과정', '최댓값', '최솟값', '기댓값', '일반항', '유도해', "가로세로"],
      hi: ['प्रायिकता', 'संभावना', 'कितने तरीकों', 'व्युत्पत्ति', 'अधिकतम मान', 'बंद सूत्र', 'निकालकर', "माप क्या"],
      ar: ['احتمال', 'بكم طريقة', 'الاشتقاق', 'القيمة العظمى', 'القيمة الصغرى', 'صيغة مغلقة', 'استنتجها', "ما الأبعاد"],
      tr: ['olasılı', 'kaç (?:farklı )?şekilde', 'türetme', 'en büyük değer', 'en küçük değer', 'kapalı (?:bir )?formül', 'türet', "boyutlar ne"],
      vi: ['xác suất', 'bao nhiêu cách', 'giá trị lớn nhất', 'giá trị nhỏ nhất', 'suy ra', 'công thức dạng đóng', "kích thước bao nhiêu"],
      id: ['peluang', 'probabilitas', 'berapa cara', 'nilai maksimum', 'nilai minimum', 'penurunan', 'rumus tertutup', 'turunkan', "berapa ukuran"],
    },
  },
  {
    id: 'puzzle', tier: 'reasoning', weight: 4, reason: 'looks like a puzzle',
    terms: {
      es: ['acertijo', 'rompecabezas', 'etiquetas están mal', 'pesadas', 'cruzar el río', 'caballeros y escuderos', 'deducción'],
      pt: ['quebra-cabeça', 'charada', 'atravessar (?:um|o) rio', 'pesagens', 'rótulos (?:estão )?errados', 'dedução'],
      fr: ['énigme', 'pesées', 'étiquettes sont fausses', 'traverser la rivière', 'déduction'],
      de: ['rätsel', 'wägungen', 'schurken', 'ritter', 'über den fluss', 'schlussfolgerung'],
      it: ['indovinell', 'enigma', 'pesate', 'attraversare il fiume', 'euro mancante', 'deduzione'],
      ru: ['головоломк', 'загадк', 'взвешивани', 'фальшив', 'переправ', 'рассуждени'],
      zh: ['谜题', '天平', '过河', '标签都错', '说谎', '推理'],
      ja: ['パズル', '天秤', '嘘つき', '川を渡', '推論'],
      ko: ['퍼즐', '저울', '강 건너', '거짓말쟁이', '추론'],
      hi: ['पहेली', 'तराजू', 'लेबल गलत', 'नदी पार', 'तर्क'],
      ar: ['لغز', 'ميزان', 'بوزنتين', 'الملصقات خاطئة', 'عبور النهر', 'الاستنتاج'],
      tr: ['bulmaca', 'terazi', 'etiketi yanlış', 'nehri geç', 'çıkarım'],
      vi: ['câu đố', 'cân đĩa', 'nhãn sai', 'qua sông', 'suy luận'],
      id: ['teka-teki', 'timbangan', 'labelnya salah', 'menyeberang', 'deduksi'],
    },
  },
  {
    id: 'optimal', tier: 'reasoning', weight: 2.5, reason: 'asks for an optimal or exact answer',
    terms: {
      es: ['óptim', 'como mínimo', 'mínimo número', "más grande posible", "el .{0,30}más grande"], pt: ['ótim', 'no mínimo', "o maior"], fr: ['optimal', 'au minimum', "le plus grand"],
      de: ['optimal', 'mindestens', "größte"], it: ['ottimal', 'come minimo', "più grande"], ru: ['оптимальн', 'минимальн\\S* числ', "самый большой"],
      zh: ['最优', '至少', "面积最大", "最大的"], ja: ['最適', '最小の', "できるだけ広い", "最大の"], ko: ['최적', '최소', "가장 넓은", "가장 큰"], hi: ['इष्टतम', 'कम से कम कितने', "सबसे बड़ा"],
      ar: ['الأمثل', 'أقل عدد', "أكبر"], tr: ['en az kaç', 'optimum', "en büyük"], vi: ['tối ưu', 'ít nhất', "lớn nhất"], id: ['optimal', 'minimal', "terbesar"],
    },
  },
  {
    id: 'stepByStep', tier: 'reasoning', weight: 1.5, reason: 'asks to show the reasoning',
    terms: {
      es: ['paso a paso', 'razonamiento', 'con cuidado'], pt: ['passo a passo', 'raciocínio', 'com cuidado'], fr: ['étape par étape', 'raisonnement', 'soigneusement'],
      de: ['schritt für schritt', 'sorgfältig'], it: ['passo dopo passo', 'ragionamento', 'con attenzione'], ru: ['шаг за шагом', 'рассуждени', 'аккуратно'],
      zh: ['一步一步', '逐步', '过程', '仔细'], ja: ['ステップ', '理由も', '丁寧に説明'], ko: ['단계별', '과정을', '차근차근'], hi: ['चरण दर चरण', 'पूरी व्युत्पत्ति', 'ध्यान से'],
      ar: ['خطوة بخطوة', 'بعناية'], tr: ['adım adım', 'dikkatlice'], vi: ['từng bước', 'trình bày', 'cẩn thận'], id: ['langkah demi langkah', 'tunjukkan', 'dengan teliti'],
    },
  },
  {
    id: 'schedule', tier: 'reasoning', weight: 3, reason: 'a scheduling or assignment problem',
    terms: {
      es: ['franjas? horarias?', 'turnos', 'organiza \\d+'], pt: ['plantõ', 'escala de', 'turnos'],
      fr: ['créneaux', 'emploi du temps', 'planifie \\d+'], de: ['zeitfenster', 'schichtplan', 'verteile \\d+'],
      it: ['turni', 'fasce orarie'], ru: ['расписани', 'слот'], zh: ['时段', '排班', '安排在'], ja: ['コマ', 'シフト', '割り当て'],
      ko: ['배치해', '야간 근무', '근무'], hi: ['समय-खंड', 'शेड्यूल'], ar: ['فترتين', 'جدول'],
      tr: ['zaman dilim', 'vardiya', 'nöbet'], vi: ['lịch trực', 'ca đêm', 'xếp lịch'], id: ['jadwal', 'sesi'],
    },
  },
  // strong
  {
    id: 'architecture', tier: 'strong', weight: 3, reason: 'a design across components',
    terms: {
      es: ['arquitectura', 'microservicio', 'monolito', 'multi-?tenant', 'idempoten', 'servicio (?:propio|aparte|separado)'],
      pt: ['arquitetura', 'microsserviço', 'monólito', 'multi-?tenant', 'idempotên', 'serviço (?:próprio|separado)'],
      fr: ['architecture', 'microservice', 'monolithe', 'multi-?locataire', 'idempoten', 'service (?:à part|séparé)'],
      de: ['architektur', 'microservice', 'monolith', 'mandantenfähig', 'idempoten', 'eigenen dienst'],
      it: ['architettura', 'microserviz', 'monolite', 'multi-?tenant', 'idempoten', 'servizio separato'],
      ru: ['архитектур', 'микросервис', 'монолит', 'мультитенант', 'идемпотент', 'отдельный сервис'],
      zh: ['架构', '微服务', '单体', '多租户', '幂等', '独立服务'],
      ja: ['アーキテクチャ', 'マイクロサービス', 'モノリス', 'マルチテナント', '冪等', '独立したサービス'],
      ko: ['아키텍처', '마이크로서비스', '모놀리', '멀티테넌트', '멱등', '별도 서비스'],
      hi: ['आर्किटेक्चर', 'माइक्रोसर्विस', 'मोनोलिथ', 'मल्टी-टेनेंट', 'idempoten', 'अलग सर्विस'],
      ar: ['بنية', 'معمارية', 'الخدمات المصغرة', 'متعددة المستأجرين', 'idempoten', 'خدمة مستقلة'],
      tr: ['mimari', 'mikroservis', 'monolit', 'çok kiracılı', 'idempoten', 'ayrı bir servis'],
      vi: ['kiến trúc', 'monolith', 'nhiều khách thuê', 'idempoten', 'dịch vụ riêng'],
      id: ['arsitektur', 'monolit', 'multi-tenant', 'idempoten', 'layanan (?:tersendiri|terpisah)'],
    },
  },
  {
    id: 'design', tier: 'strong', weight: 1.5, reason: 'asks for a design',
    terms: {
      es: ['diseña'], pt: ['projet[ae]', 'desenh[ae]'], fr: ['conçoi', 'concevoir'], de: ['entwirf', 'entwerfe'],
      it: ['progetta'], ru: ['спроектируй', 'спроектировать'], zh: ['设计'], ja: ['設計'], ko: ['설계'],
      hi: ['डिज़ाइन करो', 'डिजाइन करो'], ar: ['صمّم', 'صمم'], tr: ['tasarla'], vi: ['thiết kế'], id: ['rancang'],
    },
  },
  {
    id: 'concurrency', tier: 'strong', weight: 5, reason: 'a concurrency problem',
    terms: {
      es: ['condición de carrera', 'concurrencia', 'interbloqueo'], pt: ['condição de corrida', 'concorrência'],
      fr: ['condition de course', 'concurrence', 'interblocage'], de: ['nebenläufig', 'wettlaufsituation'],
      it: ['race condition', 'concorrenza'], ru: ['гонк', 'конкурентн', 'взаимоблокировк'],
      zh: ['并发', '竞态', '竞争条件', '死锁'], ja: ['競合状態', '並行', 'デッドロック', 'ロックフリー'],
      ko: ['동시성', '경쟁 조건', '교착'], hi: ['रेस कंडीशन', 'समवर्ती'], ar: ['التزامن', 'حالة السباق'],
      tr: ['yarış durumu', 'eşzamanlı'], vi: ['tranh chấp', 'đồng thời'], id: ['kondisi balapan', 'konkurensi'],
    },
  },
  {
    id: 'simultaneous', tier: 'strong', weight: 1.5, reason: 'a concurrency problem',
    terms: {
      es: ['a la vez'], pt: ['ao mesmo tempo'], fr: ['en même temps'], de: ['gleichzeitig'], it: ['nello stesso momento', 'contemporaneamente'],
      ru: ['одновременно'], zh: ['同时'], ja: ['同時に'], ko: ['동시에'], hi: ['एक साथ'], ar: ['في الوقت نفسه', 'في نفس الوقت'],
      tr: ['aynı anda'], vi: ['cùng lúc'], id: ['bersamaan'],
    },
  },
  {
    id: 'isItSafe', tier: 'strong', weight: 2.5, reason: 'asks whether it is safe',
    terms: {
      es: ['es seguro'], pt: ['é seguro'], fr: ['est-elle sûre', 'est-il sûr', 'sans risque'], de: ['sicher,? wenn', 'ist diese methode sicher'],
      it: ['è sicuro'], ru: ['безопасен'], zh: ['安全吗'], ja: ['安全ですか'], ko: ['안전한가'], hi: ['सुरक्षित है'],
      ar: ['آمنة', 'آمن'], tr: ['güvenli mi'], vi: ['có an toàn'], id: ['apakah .{0,40}aman'],
    },
  },
  {
    id: 'memoryBug', tier: 'strong', weight: 5, reason: 'a memory bug',
    terms: {
      es: ['fuga de memoria', 'memoria liberada'], pt: ['vazamento de memória', 'memória liberada'], fr: ['fuite (?:de )?mémoire', 'après libération'],
      de: ['speicherleck', 'nach (?:der )?freigabe'], it: ['perdita di memoria', 'memoria liberata'], ru: ['утечк\\S* памяти', 'освобождённ\\S* памят'],
      zh: ['内存泄漏', '释放后'], ja: ['メモリリーク', '解放後'], ko: ['메모리 누수', '해제 후'], hi: ['मेमोरी लीक', 'free करने के बाद'],
      ar: ['تسرب الذاكرة', 'بعد تحريرها'], tr: ['bellek sızıntısı', 'serbest bırakılmış'], vi: ['rò rỉ bộ nhớ', 'sau khi giải phóng'], id: ['kebocoran memori', 'setelah dibebaskan'],
    },
  },
  {
    id: 'memory', tier: 'strong', weight: 2, reason: 'mentions memory use',
    terms: {
      es: ['memoria'], pt: ['memória'], fr: ['mémoire'], de: ['speicher'], it: ['memoria'], ru: ['памят'], zh: ['内存'], ja: ['メモリ'],
      ko: ['메모리'], hi: ['मेमोरी'], ar: ['الذاكرة', 'ذاكرة'], tr: ['bellek'], vi: ['bộ nhớ'], id: ['memori'],
    },
  },
  {
    id: 'killed', tier: 'strong', weight: 2, reason: 'the process crashes or is killed',
    terms: {
      es: ['lo matan', 'se cuelga'], pt: ['ser morto', 'trava'], fr: ['tué'], de: ['gekillt', 'hängt sich auf'], it: ['ucciso'],
      ru: ['убивают', 'зависает'], zh: ['被杀', '卡死'], ja: ['強制終了'], ko: ['죽어'], hi: ['मार दिया'], ar: ['قتله'],
      tr: ['öldürül'], vi: ['bị kill'], id: ['dibunuh'],
    },
  },
  {
    id: 'security', tier: 'strong', weight: 5, reason: 'a security concern',
    terms: {
      es: ['seguridad', 'autenticación', 'vulnerab', 'autorización'], pt: ['segurança', 'autenticação', 'vulnerab', 'autorização'],
      fr: ['sécurité', 'authentification', 'vulnérab', 'autorisation'], de: ['sicherheit', 'authentifizierung', 'autorisierung'],
      it: ['sicurezza', 'autenticazione', 'vulnerab', 'autorizzazione'], ru: ['безопасност', 'аутентификац', 'уязвим', 'авторизац'],
      zh: ['安全', '认证', '漏洞', '鉴权', '授权'], ja: ['セキュリティ', '認証', '脆弱性', '認可'], ko: ['보안', '인증', '취약점', '인가'],
      hi: ['सुरक्षा', 'ऑथेंटिकेशन', 'प्रमाणीकरण', 'ऑथराइज़ेशन'], ar: ['الأمان', 'المصادقة', 'ثغرة', 'التفويض'],
      tr: ['güvenlik', 'kimlik doğrulama', 'yetkilendirme'], vi: ['bảo mật', 'xác thực', 'phân quyền'], id: ['keamanan', 'autentikasi', 'otorisasi'],
    },
  },
  {
    id: 'migration', tier: 'strong', weight: 3, reason: 'a migration or rollout plan',
    terms: {
      es: ['migració', 'sin tiempo de inactividad', 'vuelta atrás', 'rollback'], pt: ['migraç', 'sem downtime', 'rollback'], fr: ['migration', 'sans interruption', 'retour arrière'],
      de: ['migration', 'ohne ausfallzeit', 'zurückrollen'], it: ['migrazion', 'senza downtime', 'rollback'], ru: ['миграц', 'без простоя', 'откат'],
      zh: ['迁移', '不停机', '回滚'], ja: ['移行', 'ダウンタイム', 'ロールバック'], ko: ['마이그레이션', '무중단', '롤백'], hi: ['माइग्रेट', 'डाउनटाइम', 'रोलबैक'],
      ar: ['ترحيل', 'دون توقف', 'التراجع'], tr: ['geçiş planı', 'taşı', 'kesinti olmadan', 'geri dönüş', 'geri alma'], vi: ['di chuyển', 'thời gian chết', 'rollback'], id: ['migrasi', 'tanpa downtime', 'rollback'],
    },
  },
  {
    id: 'tradeoffs', tier: 'strong', weight: 2.5, reason: 'a trade-off analysis',
    terms: {
      es: ['ventajas', 'desventajas', 'compara', 'cuál es mejor', 'pros y contras'], pt: ['prós e contras', 'vantagens', 'desvantagens', 'compar', 'qual é melhor'],
      fr: ['compromis', 'avantages', 'inconvénients', 'compare', 'faut-il choisir'], de: ['vor- und nachteile', 'vorteile', 'nachteile', 'wäge', 'abwäg', 'vergleich'],
      it: ['pro e (?:i )?contro', 'vantaggi', 'svantaggi', 'confronta', 'meglio un'], ru: ['компромисс', 'плюсы и минусы', 'сравни', 'что лучше'],
      zh: ['利弊', '权衡', '优缺点', '比较', '还是'], ja: ['トレードオフ', 'メリット', 'デメリット', '比較', 'どちらが'],
      ko: ['장단점', '트레이드오프', '비교', '어떤 걸'], hi: ['फ़ायदे', 'फायदे', 'नुकसान', 'तुलना', 'कौन सा बेहतर'],
      ar: ['المزايا', 'العيوب', 'قارن', 'أيهما أفضل'], tr: ['artıları', 'eksileri', 'karşılaştır', 'hangisi'],
      vi: ['ưu nhược điểm', 'ưu điểm', 'nhược điểm', 'đánh đổi', 'so sánh', 'nên dùng'], id: ['kelebihan', 'kekurangan', 'bandingkan', 'trade-off', 'sebaiknya pakai'],
    },
  },
  {
    id: 'onlyOneEnvironment', tier: 'strong', weight: 2.5, reason: 'fails only in one environment',
    terms: {
      es: ['solo en producción'], pt: ['só em produção'], fr: ['seulement en prod'], de: ['nur in (?:der )?produktion'], it: ['solo in produzione'],
      ru: ['только в проде', 'только на проде'], zh: ['只在生产'], ja: ['本番環境だけ'], ko: ['운영 환경에서만'], hi: ['सिर्फ़ प्रोडक्शन'],
      ar: ['في بيئة الإنتاج فقط'], tr: ["sadece production"], vi: ['chỉ trên production'], id: ['hanya di production'],
    },
  },
  {
    id: 'dataLayout', tier: 'strong', weight: 3, reason: 'a data layout or scaling design',
    terms: {
      es: ['particion'], pt: ['particion', 'partição'], fr: ['partitionn'], de: ['partitionier'], it: ['partizion'], ru: ['партицион', 'шардир'],
      zh: ['分区', '分片'], ja: ['パーティション', 'シャーディング'], ko: ['파티션', '샤딩'], hi: ['पार्टिशन'], ar: ['نقسمه', 'التقسيم'],
      tr: ['bölümle'], vi: ['phân vùng'], id: ['partisi'],
    },
  },
  {
    id: 'syncConflicts', tier: 'strong', weight: 2.5, reason: 'a distributed sync design',
    terms: {
      es: ['sin conexión', 'conflictos'], pt: ['offline', 'conflitos'], fr: ['hors ligne', 'conflits'], de: ['offline', 'konflikte'], it: ['offline', 'conflitti'],
      ru: ['офлайн', 'конфликт'], zh: ['离线', '冲突'], ja: ['オフライン', '競合'], ko: ['오프라인', '충돌'], hi: ['ऑफ़लाइन', 'टकराव'],
      ar: ['دون اتصال', 'التعارضات'], tr: ['çevrimdışı', 'çakışma'], vi: ['offline', 'xung đột'], id: ['offline', 'konflik'],
    },
  },
  {
    id: 'growsOverTime', tier: 'strong', weight: 2, reason: 'something degrades over time',
    terms: {
      es: ['poco a poco'], pt: ['aos poucos'], fr: ['petit à petit'], de: ['langsam immer mehr'], it: ['piano piano'], ru: ['понемногу'],
      zh: ['慢慢'], ja: ['少しずつ'], ko: ['조금씩'], hi: ['धीरे-धीरे'], ar: ['شيئا فشيئا'], tr: ['yavaş yavaş'], vi: ['ăn dần', 'dần dần'], id: ['pelan-pelan'],
    },
  },
  {
    id: 'review', tier: 'strong', weight: 2, reason: 'asks for a review',
    terms: {
      es: ['revisa', 'revisión'], pt: ['revisão', 'revisa'], fr: ['relis', 'relecture', 'revue de code'], de: ['code-review', '(?:über)?prüf (?:diesen|den|meinen) (?:diff|code|pr)', 'reviewe'],
      it: ['revisione', 'rivedi'], ru: ['ревью'], zh: ['审查', '评审', '审核'], ja: ['レビュー'], ko: ['리뷰', '검토'], hi: ['समीक्षा'],
      ar: ['راجع', 'مراجعة'], tr: ['gözden geçir', 'incele'], vi: ['kiểm tra kỹ'], id: ['tinjau'],
    },
  },
  {
    id: 'diagnosis', tier: 'strong', weight: 2, reason: 'an open-ended diagnosis',
    terms: {
      es: ['qué puede estar causando', 'causa', 'investigar'], pt: ['o que pode estar causando', 'causa', 'investigar'],
      fr: ['la cause', 'où chercher'], de: ['woran kann', 'ursache', 'wo sollen wir suchen'], it: ['la causa', 'indagare'],
      ru: ['причин', 'где искать'], zh: ['原因', '排查'], ja: ['原因', '調査'], ko: ['원인', '조사해야'], hi: ['वजह', 'कारण', 'जाँच करनी'],
      ar: ['السبب', 'أين نبحث'], tr: ['sebebi', 'nereye bakmalı'], vi: ['nguyên nhân', 'điều tra'], id: ['penyebab', 'menyelidiki'],
    },
  },
  {
    id: 'intermittent', tier: 'strong', weight: 2, reason: 'an intermittent or subtle failure',
    terms: {
      es: ['a veces', 'solo con carga', 'carga alta', "mucho tráfico"], pt: ['às vezes', 'sob carga', "muito tráfego"], fr: ['parfois', 'sous forte charge', 'sous charge', "beaucoup de trafic"],
      de: ['manchmal', 'unter last', "viel traffic"], it: ['a volte', 'sotto carico', "tanto traffico"], ru: ['иногда', 'под нагрузкой', "большом трафике"],
      zh: ['偶尔', '有时', '高负载', "流量一大", "高并发"], ja: ['たまに', '時々', 'ときどき', '高負荷', "アクセスが多い"], ko: ['가끔', '부하가 높을', "트래픽이 많"], hi: ['कभी-कभी', 'भारी लोड', "ज़्यादा ट्रैफ़िक"],
      ar: ['أحيانا', 'تحت الضغط', "الضغط العالي"], tr: ['bazen', 'yoğun yük', "yoğun trafik"], vi: ['thỉnh thoảng', 'đôi khi', 'tải cao', "lưu lượng cao"], id: ['kadang', 'beban tinggi', "trafik tinggi"],
    },
  },
  {
    id: 'plan', tier: 'strong', weight: 1.5, reason: 'asks for a plan or proposal',
    terms: {
      es: ['planifica', 'plan de'], pt: ['planej[ae]', 'plano'], fr: ['propose un plan', 'plan de'], de: ['plane', 'konzept'],
      it: ['pianifica'], ru: ['план'], zh: ['方案', '计划'], ja: ['計画'], ko: ['계획'], hi: ['योजना'], ar: ['خطة', 'ضع خطة'],
      tr: ['plan'], vi: ['kế hoạch'], id: ['rencana'],
    },
  },
  {
    id: 'performance', tier: 'strong', weight: 1.5, reason: 'mentions scale or performance',
    terms: {
      es: ['rendimiento', 'optimiza', 'por segundo', 'millones'], pt: ['desempenho', 'otimiz', 'por segundo', 'milhões'], fr: ['performance', 'optimis', 'par seconde', 'millions'],
      de: ['leistung', 'optimier', 'pro sekunde', 'mio\\\\.'], it: ['prestazioni', 'ottimizz', 'al secondo', 'milioni'], ru: ['производительност', 'оптимизир', 'в секунду', 'млрд', 'млн'],
      zh: ['性能', '优化', '每秒', '万行', '亿'], ja: ['パフォーマンス', '最適化', '毎秒', '万行'], ko: ['성능', '최적화', '초당', '천만', '억'], hi: ['प्रदर्शन', 'ऑप्टिमाइज़', 'करोड़', 'मिलियन'],
      ar: ['الأداء', 'تحسين', 'مليون'], tr: ['performans', 'optimize', 'milyon'], vi: ['hiệu năng', 'tối ưu hóa', 'triệu'], id: ['kinerja', 'optimasi', 'juta'],
    },
  },
  // balanced
  {
    id: 'writeCode', tier: 'balanced', weight: 2.5, reason: 'asks for one piece of code',
    terms: {
      es: ['escribe', 'genera', 'dame una (?:consulta|función)'], pt: ['escreve', 'escreva', 'gera'], fr: ['écris', 'écrire', 'donne-moi une'],
      de: ['schreib', 'gib mir eine'], it: ['scrivi', 'dammi una'], ru: ['напиши', 'составь sql', 'составь'],
      zh: ['写一', '写个', '用 ?\\w+ ?写', '写单元'], ja: ['書いて', '書く'], ko: ['작성해', '만들어 줘'], hi: ['लिखो', 'लिखें'],
      ar: ['اكتب', 'أعطني'], tr: ['yaz'], vi: ['viết'], id: ['tulis', 'buatkan', 'buat query', 'buat fungsi'],
    },
  },
  {
    id: 'explain', tier: 'balanced', weight: 2, reason: 'asks for an explanation or how-to',
    terms: {
      es: ['explica', 'qué hace', 'cómo'], pt: ['explica', 'o que (?:essa|esta) \\S+ faz', 'como (?:faço|corrijo)'],
      fr: ['explique', 'que fait', 'comment'], de: ['erklär', 'was macht', 'wie (?:schreibe|behebe)'], it: ['spiega', 'cosa fa', 'come (?:scrivo|lo)'],
      ru: ['объясни', 'что делает', 'как (?:переписать|исправить)'], zh: ['解释', '做什么', '怎么'], ja: ['説明', '何をして', 'どう'],
      ko: ['설명', '무슨 일', '어떻게'], hi: ['समझाओ', 'क्या करता', 'कैसे'], ar: ['اشرح', 'ماذا تفعل', 'كيف'],
      tr: ['açıkla', 'ne yapıyor', 'nasıl'], vi: ['giải thích', 'làm gì', 'thế nào'], id: ['jelaskan', 'gunanya', 'bagaimana'],
    },
  },
  {
    id: 'error', tier: 'balanced', weight: 2.5, reason: 'includes an error message',
    terms: {
      es: ['error'], pt: ['erro'], fr: ['erreur', 'plante'], de: ['fehler', 'stürzt'], it: ['errore', 'va in crash'], ru: ['ошибк', 'падает'],
      zh: ['报错', '错误', '崩了'], ja: ['エラー', 'クラッシュ'], ko: ['에러', '오류', '깨져'], hi: ['एरर', 'त्रुटि', 'क्रैश'],
      ar: ['خطأ', 'تتعطل'], tr: ['hata', 'çöküyor'], vi: ['lỗi', 'bị sập'], id: ['error', 'crash'],
    },
  },
  {
    id: 'summary', tier: 'balanced', weight: 2, reason: 'asks for a summary',
    terms: {
      es: ['resúme', 'resume', 'resumen'], pt: ['resume', 'resuma'], fr: ['résume'], de: ['fasse', 'zusammenfass'], it: ['riassum'],
      ru: ['резюме', 'кратко'], zh: ['整理成', '总结', '要点'], ja: ['要約', '箇条書き'], ko: ['요약', '정리해'], hi: ['सारांश'],
      ar: ['لخص', 'لخّص'], tr: ['özetle'], vi: ['tóm tắt'], id: ['ringkas', 'rangkum'],
    },
  },
  {
    id: 'regexTest', tier: 'balanced', weight: 1.5, reason: 'a regex, query or test',
    terms: {
      es: ['expresión regular', 'pruebas unitarias', 'consulta'], pt: ['expressão regular', 'testes', 'consulta'],
      fr: ['expression régulière', 'tests unitaires', 'requête'], de: ['regulären ausdruck', 'unit-tests', 'abfrage'],
      it: ['espressione regolare', 'test unitari', 'query'], ru: ['регулярн', 'юнит-тест', 'запрос'],
      zh: ['正则', '单元测试', '查询'], ja: ['正規表現', 'ユニットテスト', 'クエリ'], ko: ['정규식', '단위 테스트', '쿼리'],
      hi: ['रेगुलर एक्सप्रेशन', 'यूनिट टेस्ट', 'क्वेरी'], ar: ['تعبيرا نمطيا', 'تعبير نمطي', 'اختبارات وحدة', 'استعلام'],
      tr: ['birim test', 'sorgu'], vi: ['biểu thức chính quy', 'truy vấn'], id: ['unit test', 'query'],
    },
  },
  {
    id: 'fix', tier: 'balanced', weight: 2, reason: 'asks to fix something',
    terms: {
      es: ['arregl', 'corrig', 'depura'], pt: ['corrij', 'corrig', 'consert', 'depur'], fr: ['corrige', 'débogu'], de: ['behebe', 'repariere', 'debugg'],
      it: ['sistem', 'correggi', 'debugg'], ru: ['исправ', 'отлад'], zh: ['修复', '怎么修', '调试'], ja: ['直せ', '直し', 'デバッグ'],
      ko: ['고치', '디버그'], hi: ['ठीक कर', 'डीबग'], ar: ['أصلح', 'إصلاح'], tr: ['düzelt', 'hata ayıkla'], vi: ['sửa', 'gỡ lỗi'], id: ['perbaiki', 'debug'],
    },
  },
  {
    id: 'translate', tier: 'fast', weight: 2, reason: 'a short translation',
    terms: {
      es: ['traduce'], pt: ['traduz'], fr: ['tradui'], de: ['übersetz'], it: ['tradu'], ru: ['переведи на'], zh: ['翻译'], ja: ['翻訳', '訳して'],
      ko: ['번역'], hi: ['अनुवाद'], ar: ['ترجم'], tr: ['çevir'], vi: ['dịch'], id: ['terjemah'],
    },
  },
  // fast
  {
    id: 'smallTalk', tier: 'fast', weight: 5, reason: 'small talk', openingWithin: 60,
    terms: {
      es: ['hola', 'gracias', 'muchas gracias', 'buenos días', 'buenas'], pt: ['oi', 'olá', 'obrigad', 'valeu', 'bom dia'],
      fr: ['salut', 'bonjour', 'merci'], de: ['hallo', 'danke', 'vielen dank', 'guten (?:morgen|tag)'], it: ['ciao', 'grazie', 'buongiorno'],
      ru: ['привет', 'спасибо', 'большое спасибо', 'здравствуй'], zh: ['你好', '谢谢', '太感谢', '感谢'], ja: ['こんにちは', 'ありがとう', '助かりました', 'おはよう'],
      ko: ['안녕', '고마워', '감사', '도와줘서'], hi: ['नमस्ते', 'धन्यवाद', 'शुक्रिया', 'बहुत शुक्रिया'], ar: ['مرحبا', 'شكرا', 'السلام عليكم'],
      tr: ['selam', 'merhaba', 'teşekkür', 'çok teşekkür', 'yardımın için sağ ol'], vi: ['chào', 'cảm ơn'], id: ['halo', 'hai', 'makasih', 'terima kasih'],
    },
  },
  {
    id: 'quickFact', tier: 'fast', weight: 2.5, reason: QUICK_FACT,
    terms: {
      es: ['qué significa', 'qué es', 'cuál es el', 'en qué año', "pregunta rápida", "diferencia entre", "en una frase"], pt: ['o que significa', 'o que é', 'qual é a', 'em que ano', "rapidinho", "diferença entre", "numa frase"], fr: ['que veut dire', "qu'est-ce que", 'quel est le', 'en quelle année', "petite question", "différence entre", "en une phrase"],
      de: ['wofür steht', 'was ist', 'was bedeutet', 'in welchem jahr', "kurze frage", "unterschied zwischen", "in einem satz"], it: ['cosa significa', "cos'è", 'qual è la', 'in che anno', "domanda veloce", "differenza tra", "in una frase"], ru: ['что означает', 'что такое', 'какой', 'в каком году', "быстрый вопрос", "разница между", "одним предложением"],
      zh: ['是什么', '什么是', '缩写', '是多少', '哪一年', "小问题", "的区别", "一句话"], ja: ['何の略', 'とは', 'は？', '何年に', "ちょっと質問", "の違い", "一文で"], ko: ['약자', '뭐예요', '무엇인가요', '몇 년도', "간단한 질문", "차이를", "한 문장"],
      hi: ['पूरा नाम', 'क्या है', 'किस साल', "छोटा सा सवाल", "का फ़र्क", "एक वाक्य"], ar: ['ماذا يعني', 'ما هو', 'ما هي', 'في أي سنة', "سؤال سريع", "الفرق بين", "في جملة واحدة"], tr: ['kısaltması', 'nedir', 'hangi yıl', "kısa bir soru", "arasındaki fark", "tek cümle"], vi: ['viết tắt', 'là gì', 'năm nào', "hỏi nhanh", "khác nhau giữa", "trong một câu"],
      id: ['singkatan', 'apa itu', 'berapa\\?', 'tahun berapa', "pertanyaan singkat", "beda", "satu kalimat"],
    },
  },
  {
    id: 'lookup', tier: 'fast', weight: 2, reason: 'a quick lookup',
    terms: {
      es: ['por defecto', 'todavía soporta', 'por defecto', "atajo"], pt: ['padrão', 'já tem', 'por padrão', "atalho"], fr: ['par défaut', 'est-ce que \\S+ \\d+ a', 'par défaut', "raccourci"],
      de: ['standardport', 'unterstützt \\S+ \\d', 'standardmäßig', "shortcut", "tastenkürzel"], it: ['predefinita', 'supporta', 'di default', "scorciatoia"], ru: ['по умолчанию', 'поддерживает ли', 'по умолчанию', "шорткат", "сочетание клавиш"],
      zh: ['默认', '支持.{0,12}吗', '默认', "快捷键"], ja: ['デフォルト', 'まだ使え', 'デフォルトで', "ショートカット"], ko: ['기본 포트', '쓸 수 있나요', '기본적으로', "단축키"], hi: ['डिफ़ॉल्ट', 'क्या .{0,30}में .{0,20}है\\?', 'डिफ़ॉल्ट रूप से', "शॉर्टकट"],
      ar: ['الافتراضي', 'هل يدعم', 'افتراضيا', "اختصار"], tr: ['varsayılan', 'var mı', 'varsayılan olarak', "kısayol"], vi: ['mặc định', 'có hỗ trợ', 'theo mặc định', "phím tắt"], id: ['default', 'apakah .{0,30}sudah mendukung', 'secara default', "shortcut", "pintasan"],
    },
  },
  {
    id: 'smallEdit', tier: 'fast', weight: 3, reason: 'a small edit or rewrite',
    terms: {
      es: ['cambia el nombre', 'renombra', 'más formal', 'más educad', 'esta frase', 'mayúsculas'], pt: ['renomei', 'mais educad', 'mais formal', 'essa frase', 'maiúsculas'],
      fr: ['renomme', 'plus polie?', 'plus formel', 'cette phrase', 'majuscules'], de: ['benenne', 'höflicher', 'formuliere', 'großschreibung'],
      it: ['rinomina', 'più gentile', 'più formale', 'questa frase', 'maiuscole'], ru: ['переименуй', 'вежливее', 'эту фразу', 'заглавные'],
      zh: ['改个', '名字', '礼貌', '这句话', '大小写'], ja: ['名前に', '丁寧', 'この文', '大文字'], ko: ['이름을', '공손', '이 문장', '대소문자'],
      hi: ['का नाम', 'विनम्र', 'इस वाक्य', 'बड़े-छोटे अक्षर'], ar: ['غيّر اسم', 'غير اسم', 'لباقة', 'هذه الجملة', 'الأحرف الكبيرة'], tr: ['adını', 'kibar', 'bu cümle', 'büyük harf'],
      vi: ['đổi tên', 'lịch sự', 'câu này', 'chữ hoa'], id: ['ganti nama', 'lebih sopan', 'kalimat ini', 'huruf kapital'],
    },
  },
  {
    id: 'unitQuestion', tier: 'fast', weight: 3, reason: 'a unit conversion or quick sum',
    terms: {
      es: ['convierte \\d', 'cuántos \\S+ hay en'], pt: ['converte \\d', 'quantos \\S+ tem'], fr: ['convertis \\d', 'combien de \\S+ dans'],
      de: ['rechne \\d', 'wie viele \\S+ hat'], it: ['converti \\d', 'quanti \\S+ ci sono'], ru: ['переведи \\d', 'сколько \\S+ в'],
      zh: ['换算', '等于多少'], ja: ['変換して', '何キロ', '何センチ'], ko: ['바꿔 줘', '몇 센티', '몇 킬로'], hi: ['में बदलो', 'में कितने'],
      ar: ['حوّل \\d', 'حول \\d', 'كم \\S+ في'], tr: ['çevir', 'kaç (?:kilometre|santimetre|metre|gram)'], vi: ['đổi \\d', 'bằng bao nhiêu'], id: ['ubah \\d', 'berapa (?:kilometer|meter|senti)'],
    },
  },
];

/** Constraint words counted toward "planning under many constraints". */
export const CONSTRAINT_TERMS: Partial<Record<Lang, readonly string[]>> = {
  es: ['ningún', 'nunca', 'como máximo', 'al menos', 'sin que'], pt: ['no máximo', 'nunca', 'pelo menos', 'nenhum'],
  fr: ['sans qu', 'jamais', 'au plus', 'au moins', 'aucun'], de: ['kein', 'nie', 'höchstens', 'mindestens', 'sodass'],
  it: ['nessuno', 'mai', 'al massimo', 'almeno'], ru: ['ни у одного', 'никогда', 'не более', 'не менее', 'так, чтобы'],
  zh: ['不能', '最多', '至少', '不得'], ja: ['できず', '重ならない', '最大', '以上'], ko: ['최대', '금지', '않도록', '최소'],
  hi: ['न हों', 'अधिकतम', 'कम से कम'], ar: ['لا يكون', 'بحيث', 'على الأكثر'], tr: ['hiçbir', 'en fazla', 'en az', 'şekilde'],
  vi: ['tối đa', 'không ai', 'ít nhất'], id: ['tidak ada', 'maksimal', 'paling sedikit', 'sehingga'],
};

/** Units and quantities of word problems ("80 km/h", "3 horas", "4 公里"), beyond the English ones. */
export const QUANTITY_UNITS: readonly string[] = [
  'km/h', 'км/ч', 'km/sa', 'km/jam', 'किमी/घंटा', 'horas?', 'heures?', 'stunden?', 'ore', 'час\\S*', '小时', '時間', '시간', 'घंटे',
 'ساعات', 'saat', 'giờ', 'jam', 'km', '公里', 'euros?', '€', 'dólares?', 'dollars?', 'dolar', 'đô', '元', '円', '원', 'रुपये', 'دولار', 'tl', 'lira',
  'руб\\S*', '\\$', 'monedas', 'moedas', 'pièces', 'münzen', 'монет', '个球', '球', 'كرات', 'đồng xu',
];

/** Scripts whose terms match anywhere (no spaces between words, or clitics attached): Arabic, kana, Han, Hangul. */
const MATCHES_INSIDE_WORDS = /^[\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

export interface TermMatcher {
  test(text: string): boolean;
  count(text: string): number;
}

/**
 * Finds terms in lower-cased text; those of space-separated scripts only where a word starts. The word-start check
 * is done on each candidate rather than as a regex lookbehind: plain alternations of literals are several times
 * faster to scan in V8 than ones guarded by Unicode property classes.
 */
export function termMatcher(terms: readonly string[]): TermMatcher {
  const startWord = terms.filter((t) => !MATCHES_INSIDE_WORDS.test(t));
  const anywhere = terms.filter((t) => MATCHES_INSIDE_WORDS.test(t));
  const startRe = startWord.length ? new RegExp(startWord.join('|'), 'g') : undefined;
  const anyRe = anywhere.length ? new RegExp(anywhere.join('|'), 'g') : undefined;
  const atWordStart = (text: string, i: number) => i === 0 || !WORD_CHAR.test(text[i - 1]);
  const scan = (text: string, limit: number): number => {
    let n = 0;
    if (anyRe) {
      anyRe.lastIndex = 0;
      for (let m = anyRe.exec(text); m && n < limit; m = anyRe.exec(text)) n++;
    }
    if (startRe) {
      startRe.lastIndex = 0;
      for (let m = startRe.exec(text); m && n < limit; m = startRe.exec(text)) {
        if (atWordStart(text, m.index)) n++;
        else startRe.lastIndex = m.index + 1;
      }
    }
    return n;
  };
  return { test: (text) => scan(text, 1) > 0, count: (text) => scan(text, Infinity) };
}

export const allTerms = (terms: Partial<Record<Lang, readonly string[]>>): string[] => Object.values(terms).flat();
