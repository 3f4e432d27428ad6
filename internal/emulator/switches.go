package emulator

import "maps"

// Environment switches of Evolution's integrations, named after the variable
// the real server reads (`CHATWOOT_ENABLED=true`, …). Evolution turns each
// off unless its variable is exactly "true"; the emulator turns every one on
// by default, so that tests exercise the integrations, and lets tests turn
// one off through Options.Disabled or SetSwitch.
const (
	SwitchChatwoot  = "CHATWOOT_ENABLED"
	SwitchWebsocket = "WEBSOCKET_ENABLED"
	SwitchRabbitmq  = "RABBITMQ_ENABLED"
	SwitchNats      = "NATS_ENABLED"
	SwitchSqs       = "SQS_ENABLED"
	SwitchKafka     = "KAFKA_ENABLED"
	SwitchPusher    = "PUSHER_ENABLED"
)

// SetSwitch turns an integration's environment switch on or off, as if the
// server were restarted with that variable changed. name is the variable's
// name; a name no route reads is stored and ignored.
func (s *Server) SetSwitch(name string, on bool) {
	s.switchMu.Lock()
	defer s.switchMu.Unlock()
	if s.switchesOff == nil {
		s.switchesOff = map[string]bool{}
	}
	if on {
		delete(s.switchesOff, name)
		return
	}
	s.switchesOff[name] = true
}

// switchOn reports whether the named environment switch is on.
func (s *Server) switchOn(name string) bool {
	s.switchMu.Lock()
	defer s.switchMu.Unlock()
	return !s.switchesOff[name]
}

// Switches returns the switches that are off.
func (s *Server) Switches() map[string]bool {
	s.switchMu.Lock()
	defer s.switchMu.Unlock()
	return maps.Clone(s.switchesOff)
}
