// Cards drawn as SVG: no images, no fonts but the system's sans-serif.
// A card code is rank then suit ("XH"); the table's game decides which
// deck the suit letter belongs to (Schafkopf's German suits, or the French
// suits of Schnapsen and Bauernschnapsen).

const NS = 'http://www.w3.org/2000/svg';

const heart = '<path d="M50 88C20 65 5 48 5 30 5 15 17 5 30 5c10 0 17 6 20 13 3-7 10-13 20-13 13 0 25 10 25 25 0 18-15 35-45 58z"/>';

// Each suit: colour and the glyph in a 100×100 box.
const SUITS = {
  french: {
    H: { name: 'Hearts', color: '#c62828', glyph: heart },
    D: { name: 'Diamonds', color: '#d84315', glyph: '<path d="M50 3 88 50 50 97 12 50z"/>' },
    S: { name: 'Spades', color: '#1b1b1b', glyph: '<path d="M50 5C35 25 8 40 8 60c0 14 12 22 24 22 8 0 14-4 16-9l-6 22h16l-6-22c2 5 8 9 16 9 12 0 24-8 24-22C92 40 65 25 50 5z"/>' },
    C: { name: 'Clubs', color: '#1b1b1b', glyph: '<circle cx="50" cy="28" r="19"/><circle cx="27" cy="58" r="19"/><circle cx="73" cy="58" r="19"/><path d="M46 50 40 95h20l-6-45z"/>' },
  },
  german: {
    H: { name: 'Herz', color: '#c62828', glyph: heart },
    S: { name: 'Schellen', color: '#e0a100', glyph: '<circle cx="50" cy="52" r="36" stroke="#7a5200" stroke-width="4"/><path d="M16 44h68" stroke="#7a5200" stroke-width="5"/><circle cx="50" cy="72" r="7" fill="#5a3b00"/>' },
    G: { name: 'Gras', color: '#2e7d32', glyph: '<path d="M50 96C18 72 8 40 50 4c42 36 32 68 0 92z"/><path d="M50 94V14M50 40 32 26M50 58 30 44M50 40l18-14M50 58l20-14" stroke="#b9e0b0" stroke-width="3" fill="none"/>' },
    E: { name: 'Eichel', color: '#8d5a2b', glyph: '<ellipse cx="50" cy="62" rx="25" ry="32" fill="#c9933f"/><path d="M17 44c0-26 66-26 66 0z"/><path d="M50 18V4" stroke="#5d3a1a" stroke-width="6"/>' },
  },
};

const RANKS = {
  french: { A: 'A', X: '10', K: 'K', Q: 'Q', J: 'J' },
  german: { A: 'A', X: '10', K: 'K', O: 'O', U: 'U', 9: '9', 8: '8', 7: '7' },
};

// deckOf names the deck of a game.
export function deckOf(game) { return game === 'schafkopf' ? 'german' : 'french'; }

// suitInfo is {name, color, glyph} of a suit letter in the game's deck.
export function suitInfo(game, s) { return SUITS[deckOf(game)][s] || { name: s, color: '#333', glyph: '' }; }

// suitSVG is a small inline SVG of a suit (buttons, the trump badge).
export function suitSVG(game, s) {
  const i = suitInfo(game, s);
  return `<svg class="suit" viewBox="0 0 100 100" aria-label="${i.name}" fill="${i.color}">${i.glyph}</svg>`;
}

// cardLabel is a card's short human name ("10♥"-like, with the suit name).
export function cardLabel(game, code) {
  const r = RANKS[deckOf(game)][code[0]] || code[0];
  return `${r} ${suitInfo(game, code[1]).name}`;
}

// cardSVG draws the face of a card; court cards get a framed letter.
export function cardSVG(game, code) {
  const deck = deckOf(game);
  const r = RANKS[deck][code[0]] || code[0];
  const s = suitInfo(game, code[1]);
  const court = 'KQJOU'.includes(code[0]);
  const center = court
    ? `<rect x="22" y="26" width="56" height="88" rx="6" fill="${s.color}" opacity=".12"/>` +
      `<g transform="translate(38 31) scale(.24)" fill="${s.color}">${s.glyph}</g>` +
      `<text x="50" y="104" text-anchor="middle" font-size="46" font-weight="700" fill="${s.color}">${r}</text>`
    : `<g transform="translate(22 42) scale(.56)" fill="${s.color}">${s.glyph}</g>`;
  return `<svg xmlns="${NS}" viewBox="0 0 100 140" role="img" aria-label="${cardLabel(game, code)}">` +
    `<rect x="1.5" y="1.5" width="97" height="137" rx="9" fill="#fffdf7" stroke="#9a9080" stroke-width="2"/>` +
    `<text x="9" y="24" font-size="20" font-weight="700" fill="${s.color}">${r}</text>` +
    `<g transform="translate(8 28) scale(.16)" fill="${s.color}">${s.glyph}</g>` +
    `<g transform="rotate(180 50 70)"><text x="9" y="24" font-size="20" font-weight="700" fill="${s.color}">${r}</text>` +
    `<g transform="translate(8 28) scale(.16)" fill="${s.color}">${s.glyph}</g></g>` +
    center + '</svg>';
}

// backSVG is the back of a card.
export function backSVG() {
  return `<svg xmlns="${NS}" viewBox="0 0 100 140" aria-hidden="true">` +
    '<rect x="1.5" y="1.5" width="97" height="137" rx="9" fill="#7b1e2b" stroke="#f3e6c8" stroke-width="3"/>' +
    '<rect x="10" y="10" width="80" height="120" rx="5" fill="none" stroke="#f3e6c8" stroke-width="2" stroke-dasharray="4 3"/>' +
    '<path d="M50 30 75 70 50 110 25 70z" fill="none" stroke="#f3e6c8" stroke-width="3"/></svg>';
}
