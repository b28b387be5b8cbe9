package cluster

import (
	"os"
	"strings"
	"testing"
)

// TestConfigFollowsDeploy: every timing and retry line of
// deploy/local/haproxy.cfg is in the config tablebench runs, so that its
// figures are the deploy's.
func TestConfigFollowsDeploy(t *testing.T) {
	b, err := os.ReadFile("../../../../deploy/local/haproxy.cfg")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		for _, prefix := range []string{"timeout ", "retries ", "option redispatch", "default-server ", "use_backend ", "option httpchk", "http-check "} {
			if strings.HasPrefix(line, prefix) && !strings.Contains(haproxyConfig, "    "+line+"\n") {
				t.Errorf("deploy/local/haproxy.cfg has %q, tablebench's config does not", line)
			}
		}
	}
}
