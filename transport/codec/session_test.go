package codec

import "testing"

// TestEncodeSessionAdditions is the golden list of the session layer's
// welcome and reconnect forms.
func TestEncodeSessionAdditions(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"welcome with the seq to continue from", EncodeWelcomeAt("p42", "n1", 17),
			`{"type":"welcome","player":"p42","node":"n1","protocol":1,"seq":17}`},
		{"welcome of a new player", EncodeWelcomeAt("p42", "n1", 0),
			`{"type":"welcome","player":"p42","node":"n1","protocol":1,"seq":0}`},
		{"reconnect naming the leader", EncodeReconnectTo(ReasonLeaderChanged, 200, Hint{Leader: "n2", HTTP: "10.0.0.2:8001", TCP: "10.0.0.2:9001"}),
			`{"type":"reconnect","reason":"leaderChanged","retryMs":200,"leaderId":"n2","http":"10.0.0.2:8001","tcp":"10.0.0.2:9001"}`},
		{"reconnect during an election", EncodeReconnectTo(ReasonLeaderChanged, 500, Hint{}),
			`{"type":"reconnect","reason":"leaderChanged","retryMs":500}`},
		{"reconnect after an unknown outcome", EncodeReconnectTo(ReasonUnavailable, 100, Hint{Leader: "n1"}),
			`{"type":"reconnect","reason":"unavailable","retryMs":100,"leaderId":"n1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustBeJSON(t, tt.want)
			if string(tt.got) != tt.want {
				t.Errorf("got  %s\nwant %s", tt.got, tt.want)
			}
		})
	}
}
