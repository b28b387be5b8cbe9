-- Finished deals, written by the cluster leader's result writer
-- (results/). One row per deal, keyed by the deal's game id ("t9-d3":
-- table 9, deal 3), so a replayed insert (ON CONFLICT DO NOTHING) is a
-- no-op and every deal is stored exactly once.
CREATE TABLE games (
    game_id    text        PRIMARY KEY,
    table_id   bigint      NOT NULL,
    deal_no    integer     NOT NULL,
    game_kind  text        NOT NULL,              -- schafkopf, schnapsen
    options    jsonb       NOT NULL DEFAULT '{}', -- game.Options
    started_at timestamptz NOT NULL,
    ended_at   timestamptz NOT NULL,
    dealer     smallint    NOT NULL,              -- seat
    contract   text,                              -- the contract played, when the game has one
    result     jsonb       NOT NULL,              -- the whole fsm.Result, as the log holds it
    stored_at  timestamptz NOT NULL DEFAULT now()
);

-- A table's history, newest first.
CREATE INDEX games_table_history ON games (table_id, ended_at DESC);
-- The most recent deals of the whole cluster.
CREATE INDEX games_ended ON games (ended_at DESC);

-- Who sat where, and what each seat won or lost. Bots are "bot".
CREATE TABLE game_players (
    game_id     text        NOT NULL REFERENCES games (game_id) ON DELETE CASCADE,
    seat        smallint    NOT NULL,
    player      text        NOT NULL,
    payout      integer,    -- Schafkopf: the seat's payout (game.SchafkopfResult.Payouts)
    game_points integer,    -- Schnapsen: game points won by the seat in this deal
    ended_at    timestamptz NOT NULL, -- copied from games, for the history index
    PRIMARY KEY (game_id, seat)
);

-- A player's history, newest first.
CREATE INDEX game_players_history ON game_players (player, ended_at DESC);
