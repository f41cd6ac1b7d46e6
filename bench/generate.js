#!/usr/bin/env node
// Seeded generator of French-looking posts in the news schema (schemaVersion 1), for the benchmark.
//   node bench/generate.js --count 10000 --out <dir> --seed 1
// Writes <dir>/site.json, <dir>/posts/<slug>.json and <dir>/manifest.json (what was planted where).
// The same count and seed give byte-identical files on any machine (no clock, no Math.random).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bump when the output changes, so run.js regenerates cached corpora. */
export const GENERATOR_VERSION = 2;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: sfc32 seeded through a string hash.

function seedWords(text) {
  const hash = createHash('sha256').update(text).digest();
  return [0, 4, 8, 12].map((i) => hash.readUInt32LE(i));
}

export function makeRng(seed) {
  let [a, b, c, d] = seedWords(`news-bench:${seed}`);
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  const rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    /** Skewed pick: early entries more often (a rough Zipf). */
    skewed: (list) => list[Math.floor(Math.pow(next(), 2.2) * list.length)],
    uuid: () => {
      const bytes = Array.from({ length: 16 }, () => Math.floor(next() * 256));
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      const hex = bytes.map((x) => x.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
  for (let i = 0; i < 20; i++) next();
  return rng;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. [word, gender] for nouns; [masculine, feminine] for adjectives.

const NOUNS = [
  ['réseau', 'm'], ['média', 'm'], ['stratégie', 'f'], ['formation', 'f'], ['entreprise', 'f'], ['plateforme', 'f'],
  ['utilisateur', 'm'], ['marque', 'f'], ['contenu', 'm'], ['message', 'm'], ['public', 'm'], ['audience', 'f'],
  ['application', 'f'], ['téléphone', 'm'], ['tablette', 'f'], ['site', 'm'], ['moteur de recherche', 'm'],
  ['référencement', 'm'], ['réputation', 'f'], ['communauté', 'f'], ['abonné', 'm'], ['publication', 'f'],
  ['vidéo', 'f'], ['photo', 'f'], ['discussion', 'f'], ['interaction', 'f'], ['désillusion', 'f'], ['déception', 'f'],
  ['valeur', 'f'], ['qualité', 'f'], ['mobilité', 'f'], ['usage', 'm'], ['outil', 'm'], ['service', 'm'],
  ['client', 'm'], ['équipe', 'f'], ['direction', 'f'], ['projet', 'm'], ['budget', 'm'], ['tendance', 'f'],
  ['étude', 'f'], ['enquête', 'f'], ['rapport', 'm'], ['chiffre', 'm'], ['algorithme', 'm'], ['donnée', 'f'],
  ['vie privée', 'f'], ['sécurité', 'f'], ['mot de passe', 'm'], ['courriel', 'm'], ['lettre d’information', 'f'],
  ['blog', 'm'], ['forum', 'm'], ['commentaire', 'm'], ['avis', 'm'], ['recommandation', 'f'], ['campagne', 'f'],
  ['annonceur', 'm'], ['publicité', 'f'], ['ergonomie', 'f'], ['navigation', 'f'], ['page d’accueil', 'f'],
  ['interface', 'f'], ['écran', 'm'], ['navigateur', 'm'], ['serveur', 'm'], ['hébergement', 'm'], ['nuage', 'm'],
  ['logiciel', 'm'], ['éditeur', 'm'], ['développeur', 'm'], ['graphiste', 'm'], ['rédacteur', 'm'], ['journaliste', 'm'],
  ['lecteur', 'm'], ['internaute', 'm'], ['jeune', 'm'], ['parent', 'm'], ['professeur', 'm'], ['stagiaire', 'm'],
  ['dirigeant', 'm'], ['salarié', 'm'], ['collectivité', 'f'], ['association', 'f'], ['mairie', 'f'], ['région', 'f'],
  ['commerce', 'm'], ['boutique', 'f'], ['vente', 'f'], ['achat', 'm'], ['panier', 'm'], ['paiement', 'm'],
  ['livre', 'm'], ['auteur', 'm'], ['précurseur', 'm'], ['spécialiste', 'm'], ['conférence', 'f'], ['salon', 'm'],
  ['atelier', 'm'], ['module', 'm'], ['certification', 'f'], ['compétence', 'f'], ['métier', 'm'], ['emploi', 'm'],
  ['visibilité', 'f'], ['notoriété', 'f'], ['confiance', 'f'], ['transparence', 'f'], ['crise', 'f'], ['rumeur', 'f'],
  ['banalisation', 'f'], ['basculement', 'm'], ['phénomène', 'm'], ['modèle', 'm'], ['gratuité', 'f'], ['abonnement', 'm'],
  ['trace', 'f'], ['mémoire', 'f'], ['archive', 'f'], ['identité', 'f'], ['profil', 'm'], ['compte', 'm'],
];

const ADJECTIVES = [
  ['social', 'sociale'], ['numérique', 'numérique'], ['mobile', 'mobile'], ['public', 'publique'], ['fermé', 'fermée'],
  ['ouvert', 'ouverte'], ['éphémère', 'éphémère'], ['gratuit', 'gratuite'], ['payant', 'payante'], ['nouveau', 'nouvelle'],
  ['ancien', 'ancienne'], ['grand', 'grande'], ['petit', 'petite'], ['français', 'française'], ['européen', 'européenne'],
  ['local', 'locale'], ['national', 'nationale'], ['professionnel', 'professionnelle'], ['personnel', 'personnelle'],
  ['collaboratif', 'collaborative'], ['participatif', 'participative'], ['efficace', 'efficace'], ['rapide', 'rapide'],
  ['lent', 'lente'], ['coûteux', 'coûteuse'], ['discret', 'discrète'], ['visible', 'visible'], ['durable', 'durable'],
  ['fragile', 'fragile'], ['solide', 'solide'], ['inattendu', 'inattendue'], ['récent', 'récente'], ['quotidien', 'quotidienne'],
  ['mensuel', 'mensuelle'], ['annuel', 'annuelle'], ['interne', 'interne'], ['externe', 'externe'], ['sécurisé', 'sécurisée'],
  ['responsable', 'responsable'], ['intelligent', 'intelligente'], ['automatique', 'automatique'], ['humain', 'humaine'],
  ['créatif', 'créative'], ['critique', 'critique'], ['concret', 'concrète'], ['simple', 'simple'], ['complexe', 'complexe'],
  ['massif', 'massive'], ['limité', 'limitée'], ['accessible', 'accessible'], ['pertinent', 'pertinente'], ['étonnant', 'étonnante'],
];

const VERBS = [
  'transforme', 'renforce', 'bouscule', 'accompagne', 'remet en question', 'facilite', 'complique', 'révèle', 'menace',
  'nourrit', 'simplifie', 'interroge', 'change', 'améliore', 'fragilise', 'structure', 'dépasse', 'influence', 'précède',
  'attire', 'décourage', 'rassure', 'inquiète', 'encourage', 'freine', 'accélère', 'valorise', 'remplace', 'prolonge',
  'concurrence', 'complète', 'mesure', 'explique', 'illustre', 'résume', 'oriente', 'dévoile', 'relance', 'modifie',
  'déplace', 'partage', 'publie', 'supprime', 'protège', 'expose', 'mobilise', 'fédère', 'divise', 'récompense', 'ignore',
];

const PLACES = [
  'sur les réseaux sociaux', 'dans les entreprises', 'depuis plusieurs années', 'au quotidien', 'pour les jeunes',
  'dans notre formation', 'sur les téléphones mobiles', 'en France', 'en Europe', 'chez les annonceurs',
  'dans les collectivités', 'pour les petites structures', 'sur le long terme', 'à court terme', 'sans le dire',
  'avec le plus d’amis possible', 'auprès du grand public', 'dans la presse spécialisée', 'depuis la rentrée',
  'au fil des mises à jour', 'sans laisser de trace', 'dans les écoles', 'au sein des équipes', 'à chaque publication',
  'pour la première fois', 'dans les commentaires', 'sur les moteurs de recherche', 'hors des grandes villes',
  'dans les petites annonces', 'à la fin de l’année', 'lors des soldes', 'pendant les vacances', 'sur les tablettes',
];

const OPENERS = [
  'Pourtant', 'En effet', 'Autrement dit', 'Au fond', 'De plus', 'En revanche', 'Par ailleurs', 'Ainsi', 'Certes',
  'Bref', 'Surtout', 'D’ailleurs', 'Du coup', 'En clair', 'À vrai dire', 'Pour résumer', 'Cela dit', 'Peu à peu',
  'Selon nos stagiaires', 'Comme souvent', 'Sans surprise', 'Dans les faits', 'Concrètement', 'Ces derniers mois',
];

const PEOPLE = [
  'Alain Lefebvre', 'Fred Cavazza', 'Marie Dubois', 'Jean Martin', 'Sophie Bernard', 'Luc Moreau', 'Claire Petit',
  'Nicolas Durand', 'Julie Leroy', 'Pierre Roux', 'Camille Fournier', 'Thomas Girard', 'Émilie Bonnet', 'Hugo Lambert',
  'Chloé Fontaine', 'Antoine Rousseau', 'Léa Vincent', 'Maxime Muller', 'Sarah Lefèvre', 'Julien Faure',
];

const HEADINGS = [
  'Que disent-ils ?', 'Et alors ?', 'Conclusion ?', 'Ce qui change', 'Pourquoi maintenant ?', 'En pratique',
  'Les chiffres', 'Notre avis', 'Ce qu’il faut retenir', 'Et demain ?', 'Le contexte', 'Les limites',
  'Pour aller plus loin', 'Ce que nous proposons', 'Un exemple', 'La méthode',
];

const TAGS = [
  'réseaux sociaux', 'stratégie Web', 'mobilité', 'formation', 'e-réputation', 'référencement', 'sécurité', 'vie privée',
  'commerce en ligne', 'publicité', 'ergonomie', 'vidéo', 'blog', 'courriel', 'applications', 'données', 'emploi',
  'collectivités', 'associations', 'jeunes', 'presse', 'livres', 'conférences', 'outils', 'logiciels libres',
  'hébergement', 'accessibilité', 'lettre d’information', 'Facebook', 'Twitter', 'LinkedIn', 'YouTube', 'Google',
  'tablettes', 'smartphones', 'tendances', 'études', 'chiffres clés', 'Stratégie Web, réseaux sociaux et mobilité', 'Merci qui ?',
];

const AUTHORS = ['Équipe formation', 'Équipe formation', 'Équipe formation', 'Marie Dubois', 'Jean Martin', 'Sophie Bernard'];

const TITLE_SHAPES = [
  (g) => `${cap(g.np())}`,
  (g) => `${cap(g.np())} : ${g.np()}`,
  (g) => `Pourquoi ${g.np()} ${g.verb()} ${g.np()}`,
  (g) => {
    const subject = cap(g.np());
    return `${subject} ${g.verb()}-t-${g.lastGender === 'f' ? 'elle' : 'il'} ${g.np()} ?`;
  },
  (g) => `${cap(g.np())}, ${g.np()} et ${g.np()}`,
  (g) => `${cap(g.np())} ${g.rng.pick(PLACES)}`,
  (g) => `Faut-il craindre ${g.np()} ?`,
  (g) => `${g.rng.int(3, 12)} idées sur ${g.np()}`,
];

function cap(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function startsWithVowel(word) {
  return /^[aeiouyhéèêàâîôûœ]/i.test(word);
}

class TextMaker {
  constructor(rng) {
    this.rng = rng;
  }
  apostrophe() {
    // Real posts mix straight and typographic apostrophes.
    return this.rng.chance(0.7) ? '’' : "'";
  }
  noun() {
    return NOUNS[Math.floor(Math.pow(this.rng.next(), 1.3) * NOUNS.length)];
  }
  plural() {
    const [word] = this.noun();
    return word.replace(/^(\S+?)(eau|al|s|x|z)?(?=\s|$)/u, (_, stem, end) =>
      end === 'eau' ? `${stem}eaux` : end === 'al' ? `${stem}aux` : end ? `${stem}${end}` : `${stem}s`);
  }
  adj(gender) {
    const pair = this.rng.pick(ADJECTIVES);
    return gender === 'f' ? pair[1] : pair[0];
  }
  det(word, gender) {
    const r = this.rng.next();
    if (startsWithVowel(word)) return r < 0.6 ? `l${this.apostrophe()}` : r < 0.8 ? (gender === 'f' ? 'une ' : 'un ') : gender === 'f' ? 'cette ' : 'cet ';
    if (r < 0.6) return gender === 'f' ? 'la ' : 'le ';
    if (r < 0.8) return gender === 'f' ? 'une ' : 'un ';
    if (r < 0.9) return gender === 'f' ? 'cette ' : 'ce ';
    return 'notre ';
  }
  complement() {
    const [word, gender] = this.noun();
    if (startsWithVowel(word)) return `de l${this.apostrophe()}${word}`;
    return gender === 'f' ? `de la ${word}` : `du ${word}`;
  }
  np() {
    const [word, gender] = this.noun();
    this.lastGender = gender;
    let phrase = `${this.det(word, gender)}${word}`;
    if (this.rng.chance(0.55)) phrase += ` ${this.adj(gender)}`;
    if (this.rng.chance(0.3)) phrase += ` ${this.complement()}`;
    return phrase;
  }
  verb() {
    return this.rng.pick(VERBS);
  }
  sentence() {
    const r = this.rng.next();
    let s;
    if (r < 0.35) s = `${cap(this.np())} ${this.verb()} ${this.np()} ${this.rng.pick(PLACES)}.`;
    else if (r < 0.6) s = `${this.rng.pick(OPENERS)}, ${this.np()} ${this.verb()} ${this.np()}.`;
    else if (r < 0.75) s = `${cap(this.np())} ${this.verb()} ${this.np()} et ${this.verb()} ${this.np()}.`;
    else if (r < 0.83) s = `Selon ${this.rng.pick(PEOPLE)}, ${this.np()} ${this.verb()} ${this.np()} ${this.rng.pick(PLACES)}.`;
    else if (r < 0.9) {
      const subject = cap(this.np());
      s = `${subject} ${this.verb()}-t-${this.lastGender === 'f' ? 'elle' : 'il'} vraiment ${this.np()} ?`;
    } else if (r < 0.95) s = `En ${this.rng.int(2005, 2025)}, selon ${this.np()}, ${this.rng.int(2, 95)} % des ${this.plural()} jugent que ${this.np()} ${this.verb()} ${this.np()}.`;
    else s = `${cap(this.np())} ${this.verb()} ${this.np()} : ${this.np()} ${this.verb()} ${this.np()}.`;
    return this.decorate(s);
  }
  decorate(sentence) {
    const r = this.rng.next();
    if (r < 0.04) return sentence.replace(/ (\p{L}{6,}) /u, ' *$1* ');
    if (r < 0.06) return sentence.replace(/ (\p{L}{6,}) /u, ' **$1** ');
    if (r < 0.075) return `${sentence} Voir [notre formation](/formations/strategie-web/).`;
    if (r < 0.085) return `${sentence} Lire [l’étude complète](https://www.example.org/etudes/${this.rng.int(100, 999)}).`;
    return sentence;
  }
  paragraph() {
    const n = this.rng.int(3, 6);
    return Array.from({ length: n }, () => this.sentence()).join(' ');
  }
  body() {
    const paragraphs = this.rng.int(5, 10);
    const withHeadings = this.rng.chance(0.35);
    const parts = [];
    for (let i = 0; i < paragraphs; i++) {
      if (withHeadings && i > 0 && this.rng.chance(0.5)) parts.push(`## ${this.rng.pick(HEADINGS)}`);
      parts.push(this.paragraph());
    }
    if (this.rng.chance(0.1)) parts.push(`Merci qui ? :-)`);
    return parts.join('\n\n');
  }
  title() {
    let title = this.rng.pick(TITLE_SHAPES)(this);
    if (title.length > 90) title = title.slice(0, 90).replace(/\s+\S*$/, '');
    return title;
  }
  tags() {
    const n = this.rng.pick([0, 1, 1, 1, 2, 2, 2, 3]);
    const tags = new Set();
    while (tags.size < n) tags.add(this.rng.skewed(TAGS));
    return [...tags];
  }
  views() {
    const r = this.rng.next();
    if (r < 0.03) return 0;
    return Math.floor(Math.exp(this.rng.next() * 9.5 + (r < 0.1 ? 1.5 : 0)));
  }
}

// ---------------------------------------------------------------------------------------------
// Slugs (same rules as src/core/slug.ts; copied so the generator has no build step).

const SPELLED_OUT = { œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss' };

export function slugify(title) {
  let slug = title
    .replace(/[œŒæÆß]/g, (c) => SPELLED_OUT[c])
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length > 80) {
    const cut = slug.slice(0, 81);
    const last = cut.lastIndexOf('-');
    slug = (last > 40 ? cut.slice(0, last) : cut.slice(0, 80)).replace(/-+$/, '');
  }
  return slug || 'billet';
}

function uniqueSlug(base, taken) {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, 80 - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

// ---------------------------------------------------------------------------------------------
// Dates: calendar days (mostly) and instants, between 2008 and 2026; scheduled ones in 2031–2035.

const DAY_MS = 86_400_000;
const PAST_START = Date.UTC(2008, 0, 1);
const PAST_END = Date.UTC(2026, 9, 31);
const FUTURE_START = Date.UTC(2031, 0, 1);
const FUTURE_END = Date.UTC(2035, 11, 31);

function randomDate(rng, start, end) {
  const day = start + rng.int(0, Math.floor((end - start) / DAY_MS)) * DAY_MS;
  const iso = new Date(day).toISOString().slice(0, 10);
  if (rng.chance(0.85)) return iso;
  const hh = String(rng.int(6, 20)).padStart(2, '0');
  const mm = String(rng.int(0, 59)).padStart(2, '0');
  return `${iso}T${hh}:${mm}:00Z`;
}

function stamps(rng, date) {
  const day = date.slice(0, 10);
  const hh = String(rng.int(7, 18)).padStart(2, '0');
  return { createdAt: `${day}T${hh}:12:00Z`, updatedAt: `${day}T${hh}:42:00Z` };
}

// ---------------------------------------------------------------------------------------------
// Variants planted for dedupe: cosmetic copies (equal once normalised), near copies, doubled bodies.

const COSMETIC = {
  whitespace: (t, rng) => t.replace(/ /g, () => (rng.chance(0.03) ? '  ' : ' ')).replace(/\n\n/g, () => (rng.chance(0.3) ? '\n\n\n' : '\n\n')),
  apostrophes: (t) => t.replace(/[’']/g, (c) => (c === '’' ? "'" : '’')),
  case: (t) => t.replace(/^(\p{L}+)/gmu, (w) => w.toUpperCase()),
  nfd: (t) => t.normalize('NFD'),
  emphasis: (t) => t.replace(/ (\p{L}{7,}) /u, ' *$1* ').replace(/ (\p{L}{8,}) ([^*])/u, ' <em>$1</em> $2'),
  punctuation: (t) => t.replace(/ :/g, ' —').replace(/\.\s/, ' ! '),
};
const COSMETIC_KINDS = Object.keys(COSMETIC);

function cosmeticCopy(text, rng, kinds) {
  return kinds.reduce((t, kind) => COSMETIC[kind](t, rng), text);
}

function changeOneWord(body, rng) {
  const words = [...body.matchAll(/(?<=\s)\p{Ll}{6,}(?=[\s.,])/gu)];
  if (words.length === 0) return { body: `${body}\n\nMise à jour.`, change: 'phrase ajoutée' };
  const hit = rng.pick(words);
  const replacement = rng.pick(['vraiment', 'pourtant', 'toujours', 'souvent', 'rarement', 'désormais']);
  return { body: body.slice(0, hit.index) + replacement + body.slice(hit.index + hit[0].length), change: `mot changé : ${hit[0]} → ${replacement}` };
}

// ---------------------------------------------------------------------------------------------

export const RATES = {
  draft: 0.08,
  scheduled: 0.01,
  alias: 0.01,
  summary: 0.3,
  copy: 0.03, // a copy of an earlier post: exact, cosmetic or near
  doubledBody: 0.01,
  repeatedParagraph: 0.005,
  sameTitle: 0.005, // same title, different body: must never be merged
};

function orderFields(post) {
  const order = ['schemaVersion', 'id', 'slug', 'title', 'date', 'status', 'author', 'tags', 'summary', 'body', 'views', 'aliases', 'createdAt', 'updatedAt'];
  const out = {};
  for (const key of order) if (post[key] !== undefined) out[key] = post[key];
  return out;
}

/** Builds the posts in memory: returns {posts, manifest}. */
export function generatePosts({ count, seed }) {
  const rng = makeRng(seed);
  const text = new TextMaker(rng);
  const taken = new Set();
  const posts = [];
  const originals = []; // indices of plain posts that can be copied
  const groups = new Map(); // original slug -> [{slug, kind, changes}]
  const doubled = [];
  const repeatedParagraph = [];
  const sameTitle = [];
  const scheduled = [];
  const withAliases = [];

  const claim = (base) => {
    const slug = uniqueSlug(base, taken);
    taken.add(slug);
    return slug;
  };

  for (let i = 0; i < count; i++) {
    const r = rng.next();
    let post;
    if (originals.length > 20 && r < RATES.copy) {
      const source = posts[rng.pick(originals)];
      const k = rng.next();
      const kind = k < 0.35 ? 'exact' : k < 0.7 ? 'cosmetic' : 'near';
      let { title, body } = source;
      const changes = [];
      if (kind !== 'exact') {
        const picked = COSMETIC_KINDS.filter(() => rng.chance(0.4));
        if (picked.length === 0) picked.push(rng.pick(COSMETIC_KINDS));
        body = cosmeticCopy(body, rng, picked);
        if (rng.chance(0.3)) title = cosmeticCopy(title, rng, picked.filter((p) => p !== 'emphasis'));
        changes.push(...picked);
      }
      if (kind === 'near') {
        const changed = changeOneWord(body, rng);
        body = changed.body;
        changes.push(changed.change);
      }
      const date = randomDate(rng, PAST_START, PAST_END);
      post = {
        schemaVersion: 1,
        id: rng.uuid(),
        slug: claim(slugify(title)),
        title,
        date,
        status: 'published',
        author: source.author,
        tags: rng.chance(0.5) ? source.tags : text.tags(),
        body,
        views: text.views(),
        aliases: [],
        ...stamps(rng, date),
      };
      const list = groups.get(source.slug) ?? [];
      list.push({ slug: post.slug, kind, changes });
      groups.set(source.slug, list);
    } else {
      const sameTitleCase = r >= RATES.copy && r < RATES.copy + RATES.sameTitle && posts.length > 0;
      const title = sameTitleCase ? rng.pick(posts).title : text.title();
      const isScheduled = rng.chance(RATES.scheduled);
      const date = isScheduled ? randomDate(rng, FUTURE_START, FUTURE_END) : randomDate(rng, PAST_START, PAST_END);
      let body = text.body();
      const b = rng.next();
      let plain = true;
      if (b < RATES.doubledBody) {
        // The old CMS printed the body twice; the second copy may differ in white space.
        body = `${body}\n\n${COSMETIC.whitespace(body, rng)}`;
        plain = false;
      } else if (b < RATES.doubledBody + RATES.repeatedParagraph) {
        const paragraphs = body.split('\n\n');
        // A real paragraph, not a heading nor the short sign-off (v1 sometimes repeated "Merci qui ? :-)").
        const p = paragraphs.filter((x) => !x.startsWith('## ') && x.length > 80);
        paragraphs.splice(rng.int(1, paragraphs.length), 0, rng.pick(p));
        body = paragraphs.join('\n\n');
        plain = false;
      }
      const slug = claim(slugify(title));
      post = {
        schemaVersion: 1,
        id: rng.uuid(),
        slug,
        title,
        date,
        status: rng.chance(RATES.draft) ? 'draft' : 'published',
        author: rng.pick(AUTHORS),
        tags: text.tags(),
        summary: rng.chance(RATES.summary) ? text.sentence() : undefined,
        body,
        views: text.views(),
        aliases: [],
        ...stamps(rng, date),
      };
      if (!rng.chance(0.8)) {
        delete post.createdAt;
        delete post.updatedAt;
      }
      if (b < RATES.doubledBody) doubled.push(slug);
      else if (b < RATES.doubledBody + RATES.repeatedParagraph) repeatedParagraph.push(slug);
      if (isScheduled && post.status === 'published') scheduled.push(slug);
      if (sameTitleCase) {
        const twin = posts.find((p) => p.title === title);
        if (twin) sameTitle.push([twin.slug, slug]);
      }
      if (plain && post.status === 'published' && !isScheduled) originals.push(i);
    }
    posts.push(post);
  }

  // Aliases last, so they never collide with a slug made later.
  for (const post of posts) {
    if (rng.chance(RATES.alias)) {
      const alias = uniqueSlug(`ancien-${post.slug}`.slice(0, 74).replace(/-+$/, ''), taken);
      taken.add(alias);
      post.aliases = [alias];
      withAliases.push(post.slug);
    }
  }

  const duplicateGroups = [...groups.entries()].map(([original, copies]) => ({ original, copies }));
  const manifest = {
    generator: 'bench/generate.js',
    generatorVersion: GENERATOR_VERSION,
    seed: String(seed),
    count,
    rates: RATES,
    totals: {
      posts: posts.length,
      published: posts.filter((p) => p.status === 'published').length,
      drafts: posts.filter((p) => p.status === 'draft').length,
      scheduled: scheduled.length,
      duplicateGroups: duplicateGroups.length,
      copies: duplicateGroups.reduce((n, g) => n + g.copies.length, 0),
      copiesByKind: Object.fromEntries(['exact', 'cosmetic', 'near'].map((k) => [k, duplicateGroups.reduce((n, g) => n + g.copies.filter((c) => c.kind === k).length, 0)])),
      doubledBodies: doubled.length,
      repeatedParagraphs: repeatedParagraph.length,
      sameTitleDifferentBody: sameTitle.length,
      withAliases: withAliases.length,
      tags: new Set(posts.flatMap((p) => p.tags)).size,
    },
    notes: {
      exact: 'copie identique (titre et corps) sous un autre slug et une autre date',
      cosmetic: 'copie égale une fois normalisée (espaces, casse, apostrophes, NFD, emphase Markdown/HTML, ponctuation) : dedupe doit la trouver (exacte ou quasi)',
      near: 'copie avec un mot changé en plus (similarité attendue ≥ 0,95) : dedupe doit la trouver (quasi)',
      doubledBodies: 'corps imprimé deux fois (la deuxième copie diffère par les espaces), comme la page historique',
      repeatedParagraphs: 'un paragraphe répété plus loin dans le même billet',
      sameTitleDifferentBody: 'même titre, corps différent : ne doit jamais être fusionné',
      scheduled: 'publiés mais datés de 2031 à 2035 : exclus des exports',
    },
    duplicateGroups,
    doubledBodies: doubled,
    repeatedParagraphs: repeatedParagraph,
    sameTitleDifferentBody: sameTitle,
    scheduled,
    withAliases,
  };
  return { posts: posts.map(orderFields), manifest };
}

export const SITE = {
  title: 'C’est d’actualité… (banc d’essai)',
  description: 'Billets générés pour le banc d’essai de news.',
  baseUrl: 'https://www.example.org/actualites/',
  language: 'fr-FR',
  timeZone: 'Europe/Paris',
  author: 'Équipe formation',
};

/** Writes the corpus to `out` (site.json, posts/, manifest.json). The posts folder must not exist or be empty. */
export function writeCorpus({ count, seed, out }) {
  const { posts, manifest } = generatePosts({ count, seed });
  const postsDir = path.join(out, 'posts');
  fs.mkdirSync(postsDir, { recursive: true });
  if (fs.readdirSync(postsDir).length > 0) throw new Error(`${postsDir} n'est pas vide : choisissez un dossier neuf pour --out`);
  fs.writeFileSync(path.join(out, 'site.json'), `${JSON.stringify(SITE, null, 2)}\n`);
  let bytes = 0;
  const digest = createHash('sha256');
  for (const post of posts) {
    const data = `${JSON.stringify(post, null, 2)}\n`;
    bytes += Buffer.byteLength(data);
    digest.update(post.slug).update('\0').update(data);
    fs.writeFileSync(path.join(postsDir, `${post.slug}.json`), data);
  }
  manifest.totals.bytes = bytes;
  manifest.digest = digest.digest('hex');
  fs.writeFileSync(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function parseArgs(argv) {
  const opts = { count: 1000, seed: '1', out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`l'option ${arg} attend une valeur`);
      return v;
    };
    if (arg === '--count') opts.count = Number(value());
    else if (arg === '--out') opts.out = value();
    else if (arg === '--seed') opts.seed = value();
    else if (arg === '-h' || arg === '--help') opts.help = true;
    else throw new Error(`option inconnue « ${arg} » (attendu : --count <n> --out <dossier> --seed <graine>)`);
  }
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new Error('--count attend un entier ≥ 1 (ex. --count 10000)');
  return opts;
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    if (opts.help || !opts.out) {
      process.stdout.write('Utilisation : node bench/generate.js --count 10000 --out <dossier> [--seed 1]\n');
      if (!opts.help) process.exitCode = 2;
    } else {
      const started = process.hrtime.bigint();
      const manifest = writeCorpus(opts);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const t = manifest.totals;
      process.stderr.write(
        `${t.posts} billets écrits dans ${path.join(opts.out, 'posts')} (${(t.bytes / 1e6).toFixed(1)} Mo, ${seconds.toFixed(1)} s) : ` +
          `${t.drafts} brouillons, ${t.scheduled} programmés, ${t.copies} copies en ${t.duplicateGroups} groupes, ` +
          `${t.doubledBodies} corps doublés, ${t.repeatedParagraphs} paragraphes répétés ; manifeste : ${path.join(opts.out, 'manifest.json')}\n`,
      );
    }
  } catch (error) {
    process.stderr.write(`generate.js : erreur : ${error.message}\n`);
    process.exitCode = 2;
  }
}

export const GENERATOR_FILE = fileURLToPath(import.meta.url);
