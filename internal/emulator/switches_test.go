package emulator

import (
	"reflect"
	"testing"
)

func TestSwitchesOnByDefault(t *testing.T) {
	s := New(Options{APIKey: "k", Disabled: []string{SwitchChatwoot}})
	if s.switchOn(SwitchChatwoot) || !s.switchOn(SwitchRabbitmq) {
		t.Fatalf("chatwoot on=%v rabbitmq on=%v", s.switchOn(SwitchChatwoot), s.switchOn(SwitchRabbitmq))
	}
	s.SetSwitch(SwitchChatwoot, true)
	s.SetSwitch(SwitchNats, false)
	if !s.switchOn(SwitchChatwoot) || s.switchOn(SwitchNats) {
		t.Fatal("SetSwitch had no effect")
	}
	if got := s.Switches(); !reflect.DeepEqual(got, map[string]bool{SwitchNats: true}) {
		t.Fatalf("Switches() = %v", got)
	}
}
