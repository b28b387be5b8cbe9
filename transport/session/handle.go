package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tableraft/fsm"
	"tableraft/game"
	"tableraft/raftnode"
	"tableraft/transport/codec"
)

// handle answers one decoded message. It reports false when the session
// must end.
func (sess *session) handle(m codec.Message) bool {
	srv := sess.srv
	switch m := m.(type) {
	case codec.Ping:
		sess.send(codec.EncodePong())
	case codec.Hello:
		sess.refuse(codec.EncodeError(0, codec.CodeBadMessage, "hello was already said"), codec.CodeBadMessage)
	case codec.ListTables:
		sess.send(codec.EncodeTables(m.Seq, tableList(srv.cfg.FSM.Tables())))
	case codec.Sync:
		if _, err := srv.cfg.Hub.Open(sess.q, sess.player, m.Table, m.Seq, -1); err != nil {
			sess.sendError(m.Seq, codeOf(err), messageOf(err))
		}
	case codec.CreateTable:
		return sess.command(m.Seq, fsm.OpCreateTable, func() (fsm.Command, error) {
			return fsm.Command{Op: fsm.OpCreateTable, Game: m.Game, Options: m.Options, Bots: m.Bots}, checkCreate(m)
		})
	case codec.JoinTable:
		return sess.command(m.Seq, fsm.OpJoinTable, func() (fsm.Command, error) {
			return fsm.Command{Op: fsm.OpJoinTable, Table: m.Table}, sess.checkJoin(m.Table)
		})
	case codec.LeaveTable:
		return sess.command(m.Seq, fsm.OpLeaveTable, func() (fsm.Command, error) {
			return fsm.Command{Op: fsm.OpLeaveTable, Table: m.Table}, sess.checkSeated(m.Table)
		})
	case codec.GameCommand:
		return sess.command(m.Seq, fsm.OpGame, func() (fsm.Command, error) {
			c, err := srv.cfg.FSM.CheckGame(m.Table, sess.player, time.Now().UnixMilli(), m.Resolve)
			return fsm.Command{Op: fsm.OpGame, Table: m.Table, Action: c}, err
		})
	default:
		sess.refuse(codec.EncodeError(0, codec.CodeBadMessage, "unexpected message"), codec.CodeBadMessage)
	}
	return true
}

// command runs one replicated player command: a retry of a recorded seq
// is answered from the record; otherwise the leader's pre-check may refuse
// it at once; otherwise it is proposed with the player's seq and answered
// with ack or error once committed. build makes the command and runs the
// pre-check, after the dedup lookup.
func (sess *session) command(seq int64, op fsm.Op, build func() (fsm.Command, error)) bool {
	srv := sess.srv
	if o, ok := srv.cfg.FSM.Recorded(sess.player, uint64(seq)); ok {
		sess.answer(seq, op, o)
		return true
	}
	cmd, err := build()
	if err != nil {
		sess.sendError(seq, codeOf(err), messageOf(err))
		return true
	}
	return sess.propose(seq, cmd)
}

// propose sends cmd through Raft. When the outcome is unknown (leadership
// lost, timeout, shutdown) the client is told to reconnect and retry the
// same seq; the dedup by (player, seq) makes the retry safe.
func (sess *session) propose(seq int64, cmd fsm.Command) bool {
	srv := sess.srv
	cmd.Player, cmd.Seq = sess.player, uint64(seq)
	ctx, cancel := context.WithTimeout(sess.ctx, srv.lim.ProposeTimeout)
	start := time.Now()
	res, err := srv.cfg.Node.ProposeCommand(ctx, cmd)
	cancel()
	srv.proposed(cmd.Op, time.Since(start), err)
	if err != nil {
		reason := codec.ReasonUnavailable
		if errors.Is(err, raftnode.ErrNotLeader) || sess.ctx.Err() != nil {
			reason = codec.ReasonLeaderChanged
		} else if errors.Is(err, raftnode.ErrShutdown) {
			reason = codec.ReasonShutdown
		}
		srv.log.Info("proposal failed; the client reconnects", "player", sess.player, "seq", seq, "op", string(cmd.Op), "err", err)
		sess.reconnect(reason, srv.hint())
		return false
	}
	if res.Err != nil {
		sess.sendError(seq, codeOf(res.Err), messageOf(res.Err))
		return true
	}
	sess.answer(seq, cmd.Op, res.Ack)
	return true
}

// answer sends a command's outcome: error, or ack followed, for a table
// the player has just sat down at, by its tableState; after a leave the
// table's events stop.
func (sess *session) answer(seq int64, op fsm.Op, o fsm.Outcome) {
	if o.Code != "" {
		sess.sendError(seq, o.Code, o.Msg)
		return
	}
	ack := codec.EncodeAck(seq, o.Table, o.Event)
	if o.Table != 0 {
		sess.srv.cfg.Hub.Ack(sess.q, o.Table, o.Event, ack)
	} else {
		sess.send(ack)
	}
	switch op {
	case fsm.OpCreateTable, fsm.OpJoinTable:
		if _, err := sess.srv.cfg.Hub.Open(sess.q, sess.player, o.Table, seq, -1); err != nil {
			sess.sendError(0, codeOf(err), fmt.Sprintf("table %d: %s", o.Table, messageOf(err)))
		}
	case fsm.OpLeaveTable:
		sess.srv.cfg.Hub.CloseAfter(sess.q, o.Table, o.Event)
	}
}

// checkCreate refuses a createTable the table would refuse.
func checkCreate(m codec.CreateTable) error {
	t, err := game.NewTable(game.Config{Game: m.Game, Options: m.Options})
	if err != nil {
		return err
	}
	if m.Bots >= t.Seats() {
		return &game.Refusal{Code: codec.CodeBadMessage, Message: fmt.Sprintf("a %s table has %d seats: at most %d bots", m.Game, t.Seats(), t.Seats()-1)}
	}
	return nil
}

// checkJoin refuses a joinTable the state would refuse now.
func (sess *session) checkJoin(table int64) error {
	info, ok := sess.srv.cfg.FSM.Table(table)
	if !ok {
		return fsm.ErrUnknownTable
	}
	free := false
	for _, s := range info.Seats {
		if s.Player == sess.player {
			return fsm.ErrAlreadySeated
		}
		free = free || s.Free()
	}
	if !free {
		return fsm.ErrTableFull
	}
	return nil
}

// checkSeated refuses a leaveTable of a table where the player has no
// seat.
func (sess *session) checkSeated(table int64) error {
	info, ok := sess.srv.cfg.FSM.Table(table)
	if !ok {
		return fsm.ErrUnknownTable
	}
	for _, s := range info.Seats {
		if s.Player == sess.player && !s.Away {
			return nil
		}
	}
	return fsm.ErrNotSeated
}

// tableList is the lobby's table list in the codec's form.
func tableList(tables []fsm.TableInfo) []codec.TableInfo {
	out := make([]codec.TableInfo, len(tables))
	for i, t := range tables {
		names := make([]string, len(t.Seats))
		for j, s := range t.Seats {
			switch {
			case s.Player != "":
				names[j] = s.Player
			case s.Bot:
				names[j] = "bot"
			}
		}
		out[i] = codec.TableInfo{Table: t.ID, Game: t.Game, Seats: names}
	}
	return out
}

// codeOf is the protocol code of a refusal (game, state or codec).
func codeOf(err error) string {
	var ce *codec.Error
	if errors.As(err, &ce) {
		return ce.Code
	}
	if c := game.CodeOf(err); c != "" {
		return c
	}
	return codec.CodeBadMessage
}

// messageOf is a refusal's message for people, without the code prefix.
func messageOf(err error) string {
	var ce *codec.Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	var r *game.Refusal
	if errors.As(err, &r) {
		return r.Message
	}
	return err.Error()
}

// encodeErr answers a message the codec refused.
func encodeErr(err error) []byte {
	var ce *codec.Error
	if errors.As(err, &ce) {
		return codec.EncodeError(ce.Seq, ce.Code, ce.Message)
	}
	return codec.EncodeError(0, codec.CodeBadMessage, err.Error())
}

// seqOf is a decoded message's seq, 0 when it has none.
func seqOf(m codec.Message) int64 {
	switch m := m.(type) {
	case codec.ListTables:
		return m.Seq
	case codec.CreateTable:
		return m.Seq
	case codec.JoinTable:
		return m.Seq
	case codec.LeaveTable:
		return m.Seq
	case codec.Sync:
		return m.Seq
	case codec.GameCommand:
		return m.Seq
	}
	return 0
}
