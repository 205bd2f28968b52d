package smppsim_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms/smppsim"
)

// nodeClient binds as a transceiver with node-smpp, submits one message
// asking for a receipt, and prints what it decodes of the receipt.
const nodeClient = `
const smpp = require('smpp');
const out = {};
const s = smpp.connect({url: 'smpp://' + process.argv[2], auto_enquire_link_period: 0}, () => {
  s.bind_transceiver({system_id: 'demo', password: 'demo'}, (b) => {
    if (b.command_status !== 0) { console.log(JSON.stringify({bind: b.command_status})); process.exit(2); }
    s.submit_sm({source_addr_ton: 5, source_addr_npi: 0, source_addr: 'CMC', dest_addr_ton: 1, dest_addr_npi: 1,
                 destination_addr: '375291234500', registered_delivery: 1, data_coding: 3,
                 short_message: {message: Buffer.from('hello')}}, (r) => { out.status = r.command_status; out.id = r.message_id; done(); });
  });
});
s.on('deliver_sm', (p) => {
  s.send(p.response());
  const m = p.short_message;
  out.text = m && m.message !== undefined ? String(m.message) : String(m);
  out.esm = p.esm_class; out.rid = p.receipted_message_id; out.state = p.message_state;
  out.src = p.source_addr; out.dst = p.destination_addr; out.srcTON = p.source_addr_ton; out.dstTON = p.dest_addr_ton;
  done();
});
s.on('error', (e) => { console.log(JSON.stringify({error: String(e)})); process.exit(3); });
function done() {
  if (out.id === undefined || out.text === undefined) return;
  console.log(JSON.stringify(out));
  s.unbind(() => { s.close(); process.exit(0); });
}
setTimeout(() => { console.log(JSON.stringify({timeout: out})); process.exit(4); }, 5000);
`

// TestNodeSMPP checks the SMSC against an independent SMPP
// implementation, the npm package smpp, when node and npm are here and
// the package installs within seconds; otherwise it is skipped.
func TestNodeSMPP(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	node, err1 := exec.LookPath("node")
	npm, err2 := exec.LookPath("npm")
	if err1 != nil || err2 != nil {
		t.Skip("no node or npm")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", dir, "smpp@0.5")
	install.Dir = dir
	if out, err := install.CombinedOutput(); err != nil {
		t.Skipf("npm install smpp: %v %s", err, out)
	}
	script := filepath.Join(dir, "client.js")
	if err := os.WriteFile(script, []byte(nodeClient), 0o600); err != nil {
		t.Fatal(err)
	}
	o := smppsim.Options{}
	o.Account.QueuedFor, o.Account.SentFor = -1, -1
	srv := startSim(t, o)
	run := exec.CommandContext(ctx, node, script, srv.Addr())
	run.Dir = dir
	out, err := run.Output()
	if err != nil {
		t.Fatalf("node: %v %s", err, out)
	}
	var got struct {
		Status        int
		ID, Text, Rid string
		Esm, State    int
		Src, Dst      string
		SrcTON        int `json:"srcTON"`
		DstTON        int `json:"dstTON"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	t.Logf("node-smpp read %+v", got)
	re := regexp.MustCompile(`^id:` + regexp.QuoteMeta(got.ID) + ` sub:001 dlvrd:000 submit date:\d{10} done date:\d{10} stat:UNDELIV err:001$`)
	if got.Status != 0 || got.ID == "" || !re.MatchString(got.Text) || got.Esm != 4 || got.Rid != got.ID || got.State != 5 ||
		got.Src != "375291234500" || got.Dst != "CMC" || got.SrcTON != 1 || got.DstTON != 5 {
		t.Errorf("node-smpp read %+v", got)
	}
}
