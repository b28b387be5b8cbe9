// Tableraft in the browser: one WebSocket to /ws of the page's origin,
// the protocol of docs/PROTOCOL.md. The page keeps one table's view: a
// tableState replaces it, each following event updates it, and a gap in
// the event numbers asks for a fresh tableState (sync). On reconnect or a
// dropped socket it says hello again with resume, so nothing is lost.
import { cardSVG, backSVG, suitSVG, suitInfo, cardLabel } from './cards.js';

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const S = {
  token: sessionStorage.getItem('tableraft.token') || '',
  player: '', node: '',
  ws: null, welcomed: false, hint: '', retryMs: 0, attempt: 0, timer: 0, refused: 0,
  seq: Number(sessionStorage.getItem('tableraft.seq') || 0),
  pending: new Map(), // seq -> message, until ack or error; resent after a reconnect
  tables: [],
  t: null,            // the table in view
  syncing: 0,         // seq of the sync in flight
  refresh: 0,         // timer of a delayed sync (Kontra/Re offers)
  heard: 0,           // when the connection last brought a message
  lastTrick: null,    // the trick just taken, shown a moment longer
};

// ---- connection ----------------------------------------------------------

function origin() { return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`; }

function connect() {
  clearTimeout(S.timer);
  const url = S.hint || origin();
  S.hint = '';
  S.retryMs = -1; // no reconnect message yet on this connection
  setConn(S.attempt ? 'reconnecting' : 'connecting');
  const ws = new WebSocket(url);
  S.ws = ws;
  S.welcomed = false;
  ws.onopen = () => {
    const hello = { type: 'hello', token: S.token };
    if (S.t && S.t.seat !== undefined) hello.resume = { table: S.t.table, event: S.t.event };
    ws.send(JSON.stringify(hello));
  };
  ws.onmessage = (m) => {
    S.heard = Date.now();
    let msg;
    try { msg = JSON.parse(m.data); } catch { return; }
    if (S.ws === ws) onMessage(msg);
  };
  ws.onclose = () => {
    if (S.ws !== ws) return;
    S.ws = null;
    if (!S.token) return;
    S.attempt++;
    setConn('reconnecting');
    // The pause the server asked for, or, for a connection that just
    // closed (a load balancer cuts the old leader's sessions when it
    // switches: docs/PROTOCOL.md), a short jittered backoff: 25-50 ms
    // first, doubling up to 3 s.
    const wait = S.retryMs >= 0 ? S.retryMs + Math.random() * 20
      : Math.min(25 * 2 ** Math.min(S.attempt, 7), 3000) * (0.5 + Math.random() / 2);
    S.timer = setTimeout(connect, wait);
  };
}

function setConn(state) {
  const c = $('conn');
  if (state === 'reconnecting' && c.dataset.state === 'online') c.dataset.outages = String(Number(c.dataset.outages || 0) + 1);
  c.dataset.state = state;
  document.body.dataset.conn = state;
  c.textContent = state === 'online' ? `online · ${S.node}` : state === 'reconnecting' ? 'reconnecting…' : state;
}

function raw(msg) {
  if (S.ws && S.welcomed && S.ws.readyState === WebSocket.OPEN) S.ws.send(JSON.stringify(msg));
}

// send numbers a command and keeps it until its answer: after a
// reconnect it goes out again with the same seq, which the server applies
// at most once.
function send(msg) {
  msg.seq = ++S.seq;
  sessionStorage.setItem('tableraft.seq', String(S.seq));
  S.pending.set(msg.seq, msg);
  raw(msg);
  return msg.seq;
}

function command(cmd) {
  if (!S.t) return;
  S.t.legal = [];
  send({ ...cmd, table: S.t.table });
  render();
}

function sync() {
  if (!S.t || S.syncing) return;
  S.syncing = send({ type: 'sync', table: S.t.table });
}

// refreshSoon asks for the table's state a moment after a burst of events,
// for the offers that no prompt carries (Kontra, Re).
function refreshSoon() {
  clearTimeout(S.refresh);
  S.refresh = setTimeout(sync, 250);
}

// Keep-alive: a ping every PING_MS, and a welcomed connection that brings
// nothing for SILENCE_MS, not even the pong, is taken for dead and
// replaced. A connection whose far side went away without a word (a
// network that lost it, a node cut off behind a proxy that keeps our side
// open) would otherwise leave a player waiting for the others for ever.
// sessionStorage 'tableraft.pingMs' shortens both (the browser test).
const PING_MS = Number(sessionStorage.getItem('tableraft.pingMs')) || 30000;
const SILENCE_MS = 2 * PING_MS + Math.min(PING_MS, 5000);
setInterval(() => raw({ type: 'ping' }), PING_MS);
setInterval(() => {
  const ws = S.ws;
  if (ws && S.welcomed && Date.now() - S.heard > SILENCE_MS) {
    ws.onclose(); // reconnect now: a dead connection's close event may come late
    ws.close();
  }
}, Math.min(PING_MS, 5000));

// ---- messages ------------------------------------------------------------

function onMessage(m) {
  switch (m.type) {
    case 'welcome':
      S.welcomed = true;
      S.attempt = 0;
      S.refused = 0;
      S.player = m.player;
      S.node = m.node;
      S.seq = Math.max(S.seq, m.seq || 0);
      $('who').textContent = m.player;
      $('conn').dataset.welcomes = String(Number($('conn').dataset.welcomes || 0) + 1);
      setConn('online');
      for (const msg of S.pending.values()) raw(msg);
      if (!S.t && sessionStorage.getItem('tableraft.table')) openTable(Number(sessionStorage.getItem('tableraft.table')));
      if (!S.t) { show('lobby'); send({ type: 'listTables' }); }
      return;
    case 'reconnect':
      S.retryMs = typeof m.retryMs === 'number' && m.retryMs >= 0 ? m.retryMs : 200;
      // A node that never welcomed us does not lead. Behind a proxy the
      // next try through the page's own address reaches the leader; when
      // that keeps failing, the page's address is a follower itself: go
      // to the leader it names. Once served, come back the usual way.
      if (!S.welcomed && m.http && ++S.refused >= 4) { S.hint = `ws://${m.http}/ws`; S.refused = 0; }
      setConn('reconnecting');
      return;
    case 'error':
      return onError(m);
    case 'ack': {
      const sent = S.pending.get(m.seq);
      S.pending.delete(m.seq);
      // A move that needs no new prompt (closing, exchanging, Kontra)
      // leaves us to act again: fetch the offers.
      if (sent && S.t && sent.table === S.t.table && GAME_COMMANDS.has(sent.type)) refreshSoon();
      return;
    }
    case 'pong':
      return;
    case 'tables':
      S.pending.delete(m.seq);
      S.tables = m.tables || [];
      return renderLobby();
    case 'tableState':
      return onState(m);
  }
  if (m.table !== undefined && m.event !== undefined) onEvent(m);
}

const GAME_COMMANDS = new Set(['playACard', 'knock', 'noKnock', 'cut', 'callTrump', 'announce', 'pass', 'kontra', 're', 'exchangeTrump', 'closeTalon']);

function onError(m) {
  const sent = S.pending.get(m.seq);
  S.pending.delete(m.seq);
  if (m.seq && m.seq === S.syncing) S.syncing = 0;
  if (m.code === 'unauthorized') {
    S.token = '';
    sessionStorage.removeItem('tableraft.token');
    $('loginError').textContent = 'That token was not accepted.';
    show('login');
    return;
  }
  toast(m.message || m.code);
  if (['unknownTable', 'notSeated'].includes(m.code) && S.t && (!sent || sent.table === S.t.table) && !S.t.game) { toLobby(); return; }
  if (m.code === 'unknownTable' && S.t && (!sent || sent.table === S.t.table)) { toLobby(); return; }
  if (sent && S.t && sent.table === S.t.table) sync(); // get the offers back
}

function onState(m) {
  const answers = m.seq && S.pending.has(m.seq);
  if (answers) S.pending.delete(m.seq);
  if (m.seq && m.seq === S.syncing) S.syncing = 0;
  if (S.t && m.table !== S.t.table && !answers) return; // another table of ours
  const keepLog = S.t && S.t.table === m.table && S.t.deal === m.deal ? S.t.log : [];
  if (keepLog.length && m.event > S.t.event) keepLog.push(`… (the table as of event ${m.event})`);
  const same = S.t && S.t.table === m.table;
  S.t = { ...m, log: keepLog, result: same ? S.t.result : null, resultSeen: same && S.t.resultSeen };
  delete S.t.type;
  delete S.t.seq;
  S.t.hand = sortHand(m.hand || []);
  S.t.trick = m.trick || [];
  S.t.legal = [...S.pending.values()].some((p) => p.table === m.table && p.type !== 'sync') ? [] : (m.legal || []);
  S.t.tricks = m.tricks || S.t.seats.map(() => 0);
  if (!keepLog.length) note(`joined at event ${m.event}`);
  sessionStorage.setItem('tableraft.table', String(m.table));
  show('table');
  render();
}

function onEvent(ev) {
  const t = S.t;
  if (!t || ev.table !== t.table || ev.event <= t.event) return;
  if (ev.event > t.event + 1) { sync(); return; } // a gap: ask for the whole view
  t.event = ev.event;
  apply(t, ev);
  // Our own prompt: its offers are shown at once, and the tableState a
  // moment later makes them exact (the same list the server checks).
  if (ev.type.startsWith('must') && t.seat !== undefined && (ev.seat === undefined || mine(t, ev.seat))) refreshSoon();
  const line = describe(t, ev);
  if (line) note(line);
  render();
}

// ---- the table model -----------------------------------------------------

const mine = (t, seat) => t.seat !== undefined && seat === t.seat;

function apply(t, ev) {
  switch (ev.type) {
    case 'playerJoined': t.seats[ev.seat] = ev.player; break;
    case 'playerLeft': t.seats[ev.seat] = null; break;
    case 'gameStarted':
      Object.assign(t, {
        deal: ev.deal, dealer: ev.dealer, playing: true, stage: 'dealing', hand: [], trick: [], trickNo: 0,
        tricks: t.seats.map(() => 0), legal: [], turn: undefined, deadline: undefined, log: [],
        knocks: [], calls: [], contract: undefined, declarer: undefined, partner: undefined, ace: undefined,
        suit: undefined, kontra: undefined, re: undefined, points: t.seats.map(() => 0), marriages: [],
        trumpCard: ev.trumpCard, trumpSuit: ev.trumpCard ? ev.trumpCard[1] : undefined, talon: ev.trumpCard ? 20 : undefined,
        closedBy: undefined, strict: false, score: 0, pending: t.game === 'bauernschnapsen' ? [0, 0] : 0, cutter: (ev.dealer + 3) % 4, knocked: false,
        trumpCalled: false, trump: undefined, noTrump: false, aufschlagen: false, turnedUp: undefined,
        sittingOut: undefined, multiplier: 1, scores: [0, 0],
      });
      S.lastTrick = null;
      // The last result stays up a while into the next deal (until OK).
      if (t.result) { const r = t.result; setTimeout(() => { if (S.t && S.t.result === r) { S.t.result = null; render(); } }, 8000); }
      break;
    case 'cardsDealt':
      if (ev.cards && mine(t, ev.seat)) t.hand = sortHand([...t.hand, ...ev.cards]);
      if (t.talon !== undefined) t.talon -= ev.cards ? ev.cards.length : ev.count || 0;
      break;
    case 'cardsDrawn':
      if (ev.cards && mine(t, ev.seat)) t.hand = sortHand([...t.hand, ...ev.cards]);
      if (ev.cards && t.trumpCard && ev.cards.includes(t.trumpCard)) t.trumpCard = undefined;
      if (t.talon !== undefined) t.talon = Math.max(0, t.talon - (ev.cards ? ev.cards.length : ev.count || 0));
      break;
    case 'mustKnock':
      Object.assign(t, { stage: 'knocking', turn: undefined, deadline: ev.deadline });
      t.legal = t.seat !== undefined ? [{ type: 'knock' }, { type: 'noKnock' }] : [];
      break;
    case 'knocked':
      if (t.game === 'schafkopf') { t.knocks = [...(t.knocks || []), ev.seat]; if (mine(t, ev.seat)) t.legal = []; } else t.knocked = true;
      break;
    case 'mustCut':
      Object.assign(t, { stage: 'cutting', turn: ev.seat, deadline: ev.deadline, cutter: ev.seat });
      t.legal = mine(t, ev.seat) ? [{ type: 'cut' }, { type: 'knock' }] : [];
      break;
    case 'mustCallTrump':
      Object.assign(t, { stage: 'callTrump', turn: ev.seat, deadline: ev.deadline });
      t.legal = mine(t, ev.seat) ? [...(ev.suits || []).map((s) => ({ type: 'callTrump', suit: s })),
        ...(ev.aufschlagen ? [{ type: 'callTrump', aufschlagen: true }] : [])] : [];
      break;
    case 'trumpCalled':
      Object.assign(t, { trumpCalled: true, trump: ev.suit, aufschlagen: !!ev.aufschlagen, turnedUp: ev.card });
      break;
    case 'mustAnnounce':
      Object.assign(t, { stage: 'negotiation', turn: ev.seat, deadline: ev.deadline });
      t.legal = mine(t, ev.seat) ? [...(ev.options || []).map((o) => ({ type: 'announce', ...o })), { type: 'pass' }] : [];
      break;
    case 'announced':
      t.calls = [...(t.calls || []), { seat: ev.seat, game: ev.game, ace: ev.ace, suit: ev.suit }];
      Object.assign(t, { contract: ev.game, declarer: ev.seat, ace: ev.ace, suit: ev.suit });
      break;
    case 'passed': t.calls = [...(t.calls || []), { seat: ev.seat, pass: true }]; break;
    case 'mustPlayCard':
      Object.assign(t, { stage: 'play', turn: ev.seat, deadline: ev.deadline });
      if (t.game === 'bauernschnapsen' && t.contract === undefined) t.contract = 'normal';
      t.legal = mine(t, ev.seat) ? playOffers(t, ev) : [];
      if (t.game !== 'schnapsen' && t.trickNo <= 1 && t.seat !== undefined) refreshSoon();
      break;
    case 'cardPlayed':
      if (mine(t, ev.seat)) t.hand = t.hand.filter((c) => c !== ev.card);
      if (t.trick.length === 0) S.lastTrick = null;
      t.trick = [...t.trick, { seat: ev.seat, card: ev.card }];
      if (mine(t, ev.seat)) t.legal = [];
      break;
    case 'trickTaken': {
      S.lastTrick = { cards: t.trick, winner: ev.seat, until: Date.now() + 1200 };
      setTimeout(render, 1250);
      t.trick = [];
      t.trickNo++;
      t.tricks[ev.seat] = (t.tricks[ev.seat] || 0) + 1;
      if (t.points) t.points[ev.seat] = (t.points[ev.seat] || 0) + ev.points;
      if (t.game === 'schnapsen' && mine(t, ev.seat)) { t.score += ev.points + (t.pending || 0); t.pending = 0; }
      if (t.game === 'bauernschnapsen') {
        const team = ev.seat % 2;
        t.scores[team] += ev.points + (t.pending ? t.pending[team] || 0 : 0);
        if (Array.isArray(t.pending)) t.pending[team] = 0;
      }
      break;
    }
    case 'kontra': t.kontra = ev.seat; if (t.seat !== undefined) refreshSoon(); break;
    case 're': t.re = ev.seat; break;
    case 'marriageAnnounced':
      t.marriages = [...(t.marriages || []), { seat: ev.seat, suit: ev.suit, points: ev.points }];
      if (t.game === 'schnapsen' && mine(t, ev.seat)) { if (ev.pending) t.pending += ev.points; else t.score += ev.points; }
      if (t.game === 'bauernschnapsen' && Array.isArray(t.pending)) { if (ev.pending) t.pending[ev.seat % 2] += ev.points; else t.scores[ev.seat % 2] += ev.points; }
      break;
    case 'trumpExchanged':
      if (mine(t, ev.seat) && ev.took) t.hand = sortHand([...t.hand.filter((c) => c !== ev.gave), ev.took]);
      if (ev.gave) t.trumpCard = ev.gave;
      break;
    case 'talonClosed': Object.assign(t, { closedBy: ev.seat, strict: true }); break;
    case 'dealResult':
      t.result = ev;
      t.resultSeen = false;
      Object.assign(t, { playing: false, stage: 'idle', turn: undefined, deadline: undefined, legal: [] });
      if (t.game === 'schafkopf' && ev.balances) t.balances = ev.balances;
      if (t.game === 'schnapsen' && ev.totals) t.balances = ev.totals;
      if (t.game === 'bauernschnapsen' && ev.totals) t.balances = t.seats.map((_, i) => ev.totals[i % 2]);
      if (ev.bummerls) t.bummerl = ev.bummerls;
      break;
    case 'tableClosed':
      toast('The table was closed.');
      toLobby();
      break;
  }
}

// playOffers turns our mustPlayCard prompt into commands.
function playOffers(t, ev) {
  const out = (ev.legal || []).map((c) => ({ type: 'playACard', card: c }));
  for (const s of ev.marriages || []) {
    for (const c of t.hand) if (c[1] === s && (c[0] === 'K' || c[0] === 'Q')) out.push({ type: 'playACard', card: c, marriage: true });
  }
  if (ev.canExchange) out.push({ type: 'exchangeTrump' });
  if (ev.canClose) out.push({ type: 'closeTalon' });
  return out;
}

const SUIT_ORDER = { schafkopf: 'EGHS', schnapsen: 'SHCD', bauernschnapsen: 'SHCD' };
const RANK_ORDER = 'AXKOQUJ987';
function sortHand(cards) {
  const g = S.t ? S.t.game : 'schnapsen';
  const so = SUIT_ORDER[g] || 'SHCD';
  return [...cards].sort((a, b) => so.indexOf(a[1]) - so.indexOf(b[1]) || RANK_ORDER.indexOf(a[0]) - RANK_ORDER.indexOf(b[0]));
}

// ---- words ---------------------------------------------------------------

function seatName(t, s) {
  if (s === undefined || s === null) return '—';
  if (mine(t, s)) return 'You';
  const p = t.seats[s];
  return p === 'bot' ? `Bot ${s + 1}` : p || `seat ${s + 1}`;
}

const GAMES = { schafkopf: 'Schafkopf', schnapsen: 'Schnapsen', bauernschnapsen: 'Bauernschnapsen' };

const CONTRACTS = {
  sauspiel: 'Sauspiel', wenz: 'Wenz', solo: 'Solo', normal: 'normal game', bettel: 'Bettel', schnapser: 'Schnapser',
  gang: 'Gang', bauernschnapser: 'Bauernschnapser', kontraschnapser: 'Kontraschnapser', kontrabauernschnapser: 'Kontrabauernschnapser',
};

function contractText(t, c) {
  let s = CONTRACTS[c.game] || c.game;
  if (c.ace) s += ` on the ${cardLabel(t.game, c.ace)}`;
  if (c.suit) s += ` ${suitInfo(t.game, c.suit).name}`;
  return s;
}

function describe(t, ev) {
  const who = seatName(t, ev.seat);
  switch (ev.type) {
    case 'playerJoined': return `${ev.player} sits down in seat ${ev.seat + 1}`;
    case 'playerLeft': return `${ev.player} leaves seat ${ev.seat + 1}`;
    case 'gameStarted': return `Deal ${ev.deal}: ${seatName(t, ev.dealer)} deal${mine(t, ev.dealer) ? '' : 's'}` +
      (ev.trumpCard ? `, trump card ${cardLabel(t.game, ev.trumpCard)}` : '');
    case 'cardsDealt': return mine(t, ev.seat) && ev.cards ? `You get ${ev.cards.map((c) => cardLabel(t.game, c)).join(', ')}` : '';
    case 'cardsDrawn': return mine(t, ev.seat) && ev.cards ? `You draw ${ev.cards.map((c) => cardLabel(t.game, c)).join(', ')}` : '';
    case 'knocked': return `${who} knock${mine(t, ev.seat) ? '' : 's'}`;
    case 'cut': return `${who} cut${mine(t, ev.seat) ? '' : 's'}`;
    case 'trumpCalled': return ev.aufschlagen ? `${who} turns up ${ev.card ? cardLabel(t.game, ev.card) : ''}: trump ${suitInfo(t.game, ev.suit).name}`
      : `${who} call${mine(t, ev.seat) ? '' : 's'} trump: ${suitInfo(t.game, ev.suit).name}`;
    case 'announced': return `${who} announce${mine(t, ev.seat) ? '' : 's'} ${contractText(t, ev)}`;
    case 'passed': return `${who} pass${mine(t, ev.seat) ? '' : 'es'}`;
    case 'cardPlayed': return `${who} play${mine(t, ev.seat) ? '' : 's'} ${cardLabel(t.game, ev.card)}`;
    case 'trickTaken': return `${who} take${mine(t, ev.seat) ? '' : 's'} the trick (${ev.points})`;
    case 'kontra': return `${who}: Kontra!`;
    case 're': return `${who}: Re!`;
    case 'marriageAnnounced': return `${who} announce${mine(t, ev.seat) ? '' : 's'} a marriage in ${suitInfo(t.game, ev.suit).name} (${ev.points})`;
    case 'trumpExchanged': return `${who} exchange${mine(t, ev.seat) ? '' : 's'} the trump jack`;
    case 'talonClosed': return `${who} close${mine(t, ev.seat) ? '' : 's'} the talon`;
    case 'dealResult': return `Result: ${resultTitle(t, ev)}`;
  }
  return '';
}

function note(line) {
  if (!S.t) return;
  S.t.log.push(line);
}

function resultTitle(t, r) {
  if (t.game === 'schafkopf') {
    if (r.thrownIn) return 'thrown in: nobody played';
    const side = mine(t, r.declarer) || mine(t, r.partner) ? 'You' : seatName(t, r.declarer);
    return `${CONTRACTS[r.game] || r.game} of ${seatName(t, r.declarer)}: ${r.declarersWin ? 'won' : 'lost'}` + (side === 'You' ? ' (your side)' : '');
  }
  if (t.game === 'schnapsen') return `${seatName(t, r.winner)} win${mine(t, r.winner) ? '' : 's'} ${r.gamePoints} game point${r.gamePoints === 1 ? '' : 's'}`;
  const ours = t.seat !== undefined && t.seat % 2 === r.winnerTeam;
  return `${ours ? 'Your team wins' : `Team ${r.winnerTeam === 0 ? 'A' : 'B'} wins`} ${r.matchPoints} (${CONTRACTS[r.game] || r.game})`;
}

const REASONS = { reached66: 'reached 66', lastTrick: 'last trick', closerWon: 'the closer made it', closerFailed: 'the closer failed', contractMade: 'contract made', contractFailed: 'contract failed' };

function resultHTML(t, r) {
  const rows = [];
  const row = (a, b, cls = '') => rows.push(`<tr><td>${esc(a)}</td><td class="num ${cls}">${esc(b)}</td></tr>`);
  if (t.game === 'schafkopf') {
    if (!r.thrownIn) {
      if (r.partner !== undefined) row('partner', seatName(t, r.partner));
      row('card points', r.points.join(' · '));
      if (r.schneider) row('Schneider', r.schwarz ? 'Schwarz' : 'yes');
      if (r.laufende) row('Laufende', r.laufende);
      if (r.knocks) row('knocks', r.knocks);
      row('value', money(r.value));
    }
    r.payouts.forEach((p, i) => row(seatName(t, i), money(p), p > 0 ? 'win' : p < 0 ? 'lose' : ''));
  } else if (t.game === 'schnapsen') {
    row('why', REASONS[r.reason] || r.reason);
    if (mine(t, 0) || mine(t, 1)) row('your points', r.scores[t.seat]);
    row('points', r.scores.join(' : '));
    if (r.totals) row('game points (to 7)', r.totals.join(' : '));
    if (r.bummerlLoser !== undefined) row('Bummerl', seatName(t, r.bummerlLoser), 'lose');
  } else {
    row('why', REASONS[r.reason] || r.reason);
    if (r.trump) row('trump', suitInfo(t.game, r.trump).name);
    row('points A : B', r.scores.join(' : '));
    row('value × multiplier', `${r.value} × ${r.multiplier}`);
    row('match points A : B (to 24)', r.totals.join(' : '));
    if (r.matchWinner !== undefined) row('match', `team ${r.matchWinner === 0 ? 'A' : 'B'} wins`, 'win');
  }
  return `<h2>${esc(resultTitle(t, r))}</h2><table>${rows.join('')}</table>` +
    '<p class="sub">The next deal starts by itself.</p><button id="resultClose">OK</button>';
}

const money = (c) => `${c < 0 ? '−' : ''}${(Math.abs(c) / 100).toFixed(2)}`;

function actionLabel(t, c) {
  switch (c.type) {
    case 'knock': return t.game === 'schafkopf' ? 'Knock (double)' : 'Knock (5 cards)';
    case 'noKnock': return 'No knock';
    case 'cut': return 'Cut';
    case 'pass': return 'Pass';
    case 'kontra': return 'Kontra';
    case 're': return 'Re';
    case 'exchangeTrump': return 'Exchange trump jack';
    case 'closeTalon': return 'Close the talon';
    case 'announce': return contractText(t, c);
    case 'callTrump': return c.aufschlagen ? 'Turn up (Aufschlagen)' : null;
    case 'playACard': return c.marriage ? `Marriage: ${cardLabel(t.game, c.card)}` : null;
  }
  return c.type;
}

// ---- drawing -------------------------------------------------------------

const POS = { 2: ['bottom', 'top'], 3: ['bottom', 'left', 'right'], 4: ['bottom', 'left', 'top', 'right'] };
const posOf = (t, s) => POS[t.seats.length][(s - (t.seat ?? 0) + t.seats.length) % t.seats.length];

function cardEl(game, code, cls = '') {
  return `<div class="card ${cls}" data-card="${esc(code)}">${cardSVG(game, code)}</div>`;
}

function render() {
  const t = S.t;
  if (!t || !t.game) return; // a table being opened: its state is on the way
  $('table').dataset.event = String(t.event); // the last event drawn
  $('table').dataset.trickNo = String(t.trickNo || 0);
  $('title').textContent = `${GAMES[t.game] || t.game} · table ${t.table} · deal ${t.deal}`;
  renderInfo(t);
  renderSeats(t);
  renderTrick(t);
  renderStock(t);
  renderActions(t);
  renderHand(t);
  $('log').innerHTML = t.log.map((l) => `<li>${esc(l)}</li>`).join('');
  const res = $('result');
  if (t.result && !t.resultSeen) {
    res.innerHTML = resultHTML(t, t.result);
    res.hidden = false;
    $('resultClose').onclick = () => { t.resultSeen = true; t.result = t.playing ? null : t.result; res.hidden = true; };
  } else res.hidden = true;
}

function renderInfo(t) {
  const chips = [];
  const chip = (html, hot) => chips.push(`<span class="chip${hot ? ' hot' : ''}">${html}</span>`);
  if (!t.playing) chip(t.result ? 'deal over' : 'waiting for players');
  if (t.game === 'schafkopf') {
    if (t.contract) chip(`${esc(contractText(t, { game: t.contract, ace: t.ace, suit: t.suit }))} · ${esc(seatName(t, t.declarer))}`);
    if (t.knocks && t.knocks.length) chip(`knocked ×${t.knocks.length}`);
    if (t.partner !== undefined) chip(`partner: ${esc(seatName(t, t.partner))}`);
  }
  if (t.game === 'schnapsen' && t.playing) {
    if (t.trumpSuit) chip(`trump ${suitSVG(t.game, t.trumpSuit)}`);
    chip(`your points ${t.score || 0}${t.pending ? ` (+${t.pending})` : ''}`);
    if (t.closedBy !== undefined) chip(`closed by ${esc(seatName(t, t.closedBy))}`, true);
  }
  if (t.game === 'bauernschnapsen' && t.playing) {
    if (t.trump && !t.noTrump) chip(`trump ${suitSVG(t.game, t.trump)}`);
    if (t.contract) chip(`${esc(CONTRACTS[t.contract] || t.contract)}${t.declarer !== undefined ? ` · ${esc(seatName(t, t.declarer))}` : ''}`);
    if (t.knocked) chip('knocked');
    if (t.multiplier > 1) chip(`×${t.multiplier}`, true);
    if (t.scores) chip(`points A ${t.scores[0]} : B ${t.scores[1]}`);
  }
  if (t.kontra !== undefined) chip(`Kontra: ${esc(seatName(t, t.kontra))}`, true);
  if (t.re !== undefined) chip(`Re: ${esc(seatName(t, t.re))}`, true);
  if (t.seat === undefined) chip('watching');
  $('info').innerHTML = chips.join('');
}

function balanceText(t, s) {
  const b = t.balances ? t.balances[s] || 0 : 0;
  if (t.game === 'schafkopf') return `balance ${money(b)}`;
  if (t.game === 'schnapsen') return `game points ${b}/7${t.bummerl && t.bummerl[s] ? ` · Bummerl ${t.bummerl[s]}` : ''}`;
  return `match ${b}/24${t.bummerl && t.bummerl[s] ? ` · Bummerl ${t.bummerl[s]}` : ''}`;
}

function renderSeats(t) {
  $('seats').innerHTML = t.seats.map((_, s) => {
    const badges = [];
    if (s === t.dealer) badges.push('<span class="badge" title="dealer">D</span>');
    if (t.game === 'bauernschnapsen') badges.push(`<span class="badge team${s % 2}">${s % 2 === 0 ? 'A' : 'B'}</span>`);
    if (t.playing && s === t.declarer) badges.push('<span class="badge red">declarer</span>');
    if (t.playing && t.knocks && t.knocks.includes(s)) badges.push('<span class="badge">knock</span>');
    const turn = t.playing && s === t.turn;
    let clock = '';
    if (turn && t.deadline) clock = `<span class="countdown" data-deadline="${esc(t.deadline)}"><i></i></span><span class="secs" data-deadline="${esc(t.deadline)}"></span>`;
    const pts = t.playing ? ` · tricks ${t.tricks[s] || 0}${t.game === 'schafkopf' && t.points ? ` · ${t.points[s] || 0} pts` : ''}` : '';
    return `<div class="seat pos-${posOf(t, s)}${turn ? ' turn' : ''}${t.playing && s === t.sittingOut ? ' out' : ''}" data-seat="${s}">` +
      `<div class="name">${esc(seatName(t, s))} ${badges.join('')}</div>` +
      `<div class="meta">${esc(balanceText(t, s))}${pts}</div>${clock}</div>`;
  }).join('');
  tick();
}

function renderTrick(t) {
  let cards = t.trick;
  let taken = false;
  if (!cards.length && S.lastTrick && Date.now() < S.lastTrick.until) { cards = S.lastTrick.cards; taken = true; }
  const el = $('trick');
  el.classList.toggle('taken', taken);
  el.innerHTML = cards.map((p) => cardEl(t.game, p.card, `from-${posOf(t, p.seat)}`)).join('');
}

function renderStock(t) {
  const el = $('stock');
  if (t.game === 'schnapsen' && t.playing && t.talon > 0) {
    const closed = t.closedBy !== undefined;
    el.innerHTML = (t.trumpCard ? `<div class="card trumpcard${closed ? ' closed' : ''}" data-card="${esc(t.trumpCard)}" data-public="trump">${cardSVG(t.game, t.trumpCard)}</div>` : '') +
      `<div class="card back">${backSVG()}</div><span class="count">${closed ? 'closed' : t.talon}</span>`;
  } else if (t.game === 'bauernschnapsen' && t.playing && t.turnedUp && t.stage === 'callTrump') {
    el.innerHTML = `<div class="card" data-card="${esc(t.turnedUp)}" data-public="turnedUp">${cardSVG(t.game, t.turnedUp)}</div>`;
  } else el.innerHTML = '';
}

function renderActions(t) {
  const buttons = [];
  t.legal.forEach((c, i) => {
    if (c.type === 'callTrump' && !c.aufschlagen) {
      buttons.push(`<button class="action" data-i="${i}" data-cmd="callTrump" data-arg="${esc(c.suit)}">Trump ${suitSVG(t.game, c.suit)} ${esc(suitInfo(t.game, c.suit).name)}</button>`);
      return;
    }
    const label = actionLabel(t, c);
    if (!label) return;
    const arg = c.game || c.card || '';
    const quiet = ['pass', 'noKnock', 'cut'].includes(c.type) ? ' quiet' : '';
    buttons.push(`<button class="action${quiet}" data-i="${i}" data-cmd="${c.marriage ? 'marriage' : c.type}" data-arg="${esc(arg)}">${esc(label)}</button>`);
  });
  const el = $('actions');
  el.innerHTML = buttons.join('');
  for (const b of el.querySelectorAll('button')) b.onclick = () => command(t.legal[Number(b.dataset.i)]);
}

function renderHand(t) {
  const playable = new Set(t.legal.filter((c) => c.type === 'playACard' && !c.marriage).map((c) => c.card));
  const el = $('hand');
  el.classList.toggle('myturn', playable.size > 0);
  el.innerHTML = t.hand.map((c) => cardEl(t.game, c, playable.has(c) ? 'legal' : playable.size ? 'illegal' : '')).join('');
  for (const c of el.querySelectorAll('.card.legal')) c.onclick = () => command({ type: 'playACard', card: c.dataset.card });
}

// tick moves the countdowns of whoever is to act.
function tick() {
  for (const el of document.querySelectorAll('[data-deadline]')) {
    const left = Math.max(0, Date.parse(el.dataset.deadline) - Date.now());
    if (el.classList.contains('secs')) el.textContent = `${Math.ceil(left / 1000)} s`;
    else el.firstElementChild.style.width = `${Math.min(100, left / 300)}%`;
  }
}
setInterval(tick, 250);

// ---- lobby and login -----------------------------------------------------

// openTable shows a table of ours: its tableState answers the sync.
// Until then the view is an empty placeholder that takes no events.
function openTable(id) {
  S.t = { table: id, event: Infinity, seats: [], log: [], hand: [], trick: [], legal: [] };
  S.syncing = 0;
  sync();
}

function toLobby() {
  S.t = null;
  sessionStorage.removeItem('tableraft.table');
  show('lobby');
  send({ type: 'listTables' });
}

function show(id) { for (const s of ['login', 'lobby', 'table']) $(s).hidden = s !== id; }

function renderLobby() {
  const list = $('tables');
  if (!S.tables.length) { list.innerHTML = '<li class="sub">No tables yet: create one.</li>'; return; }
  list.innerHTML = S.tables.map((tb) => {
    const seated = tb.seats.includes(S.player);
    const free = tb.seats.includes(null);
    const names = tb.seats.map((p) => (p === null ? 'free' : p === S.player ? 'you' : p)).join(' · ');
    const btn = seated ? `<button data-open="${tb.table}">Open</button>` : free ? `<button class="primary" data-join="${tb.table}">Join</button>` : '';
    return `<li data-table="${tb.table}"><span class="game">#${tb.table} ${esc(GAMES[tb.game] || tb.game)}</span><span class="seats">${esc(names)}</span>${btn}</li>`;
  }).join('');
  for (const b of list.querySelectorAll('[data-join]')) b.onclick = () => send({ type: 'joinTable', table: Number(b.dataset.join) });
  for (const b of list.querySelectorAll('[data-open]')) b.onclick = () => openTable(Number(b.dataset.open));
}

function fillBots() {
  const seats = $('newGame').value === 'schnapsen' ? 2 : 4;
  $('newBots').innerHTML = [...Array(seats).keys()].map((n) => `<option${n === seats - 1 ? ' selected' : ''}>${n}</option>`).join('');
}

function start(token) {
  S.token = token;
  sessionStorage.setItem('tableraft.token', token);
  $('loginError').textContent = '';
  connect();
}

function toast(text) {
  const el = $('toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(el.timer);
  el.timer = setTimeout(() => { el.hidden = true; }, 3500);
}

$('guest').onclick = async () => {
  try {
    const r = await fetch('/api/guest', { method: 'POST' });
    if (!r.ok) throw new Error('guests are only let in on a development cluster: paste a token');
    start((await r.json()).token);
  } catch (e) { $('loginError').textContent = e.message; }
};
$('tokenForm').onsubmit = (e) => { e.preventDefault(); const v = $('token').value.trim(); if (v) start(v); };
$('newGame').onchange = fillBots;
$('create').onclick = () => send({ type: 'createTable', game: $('newGame').value, bots: Number($('newBots').value) });
$('refresh').onclick = () => send({ type: 'listTables' });
$('leave').onclick = () => {
  if (S.t && !S.t.playing && S.t.seat !== undefined) send({ type: 'leaveTable', table: S.t.table });
  toLobby();
};
$('logbox').hidden = window.innerWidth < 900; // the log has room beside nothing on a phone
$('logToggle').onclick = () => { $('logbox').hidden = !$('logbox').hidden; };
// The lobby refreshes itself while it is in view.
setInterval(() => { if (!$('lobby').hidden && S.welcomed && ![...S.pending.values()].some((m) => m.type === 'listTables')) send({ type: 'listTables' }); }, 5000);
fillBots();
if (S.token) connect(); else show('login');
