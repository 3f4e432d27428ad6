package emulator

import "maps"

// Switch is the environment variable that turns an integration on in
// Evolution (RABBITMQ_ENABLED=true, …). The real server reads each as off
// unless it is exactly "true"; the emulator starts with every switch on, so
// a test turns one off to see how the server answers then.
type Switch string

// The switches the emulator models.
const (
	SwitchWebsocket Switch = "WEBSOCKET_ENABLED"
	SwitchRabbitmq  Switch = "RABBITMQ_ENABLED"
	SwitchNats      Switch = "NATS_ENABLED"
	SwitchSqs       Switch = "SQS_ENABLED"
	SwitchKafka     Switch = "KAFKA_ENABLED"
	SwitchPusher    Switch = "PUSHER_ENABLED"
	// SwitchSqsGlobal is the odd one out: off by default, and when on, SQS
	// uses one global set of queues and /sqs/set does nothing, as if
	// SQS_ENABLED were off.
	SwitchSqsGlobal Switch = "SQS_GLOBAL_ENABLED"
)

// switchDefaults are the switches whose starting state is not "on".
var switchDefaults = map[Switch]bool{SwitchSqsGlobal: false}

// SetSwitch turns an environment switch on or off, as if the server had been
// restarted with the variable changed. Stored rows are kept either way.
func (s *Server) SetSwitch(sw Switch, on bool) {
	s.lock()
	defer s.mu.Unlock()
	s.switches[sw] = on
}

// switchOn reports a switch's state. The store lock must be held.
func (s *Server) switchOn(sw Switch) bool {
	if on, ok := s.switches[sw]; ok {
		return on
	}
	if on, ok := switchDefaults[sw]; ok {
		return on
	}
	return true
}

// switchesFrom copies Options.Switches so that the caller's map can change
// without reaching the server.
func switchesFrom(opts map[Switch]bool) map[Switch]bool {
	m := maps.Clone(opts)
	if m == nil {
		m = map[Switch]bool{}
	}
	return m
}
