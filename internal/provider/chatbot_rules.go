package provider

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// conflict applies the server's rules between bots of one kind to a body
// about to be sent, against the instance's bots (selfID is excluded; update
// selects the update's duplicate check). It returns the attribute to blame
// and a message naming the other bot (returned too), or "" when the server would accept.
// The order is the server's: the kind's duplicate check, the "all" rule,
// then the trigger's.
func (k *botKind) conflict(bots []client.Bot, selfID string, body map[string]any, update bool) (attr, msg string, other client.Bot) {
	var others []client.Bot
	for _, b := range bots {
		if b.ID != selfID {
			others = append(others, b)
		}
	}
	dup := k.dupCreate
	if update {
		dup = k.updateDup()
	}
	if k == openaiKind {
		dup = []string{"model", "maxTokens", "botType"}
		if body["botType"] == "assistant" {
			dup = []string{"assistantId", "botType"}
		}
	}
	for _, b := range others {
		if dup != nil && sameFields(b.Fields, body, dup...) {
			return k.attrOf(dup[0]), fmt.Sprintf("%s %s already has the same %s. The server allows one bot per %s in an instance.",
				k.title, botLabel(b), k.attrList(dup), k.attrList(dup)), b
		}
	}
	switch body["triggerType"] {
	case "all":
		for _, b := range others {
			if b.Fields["enabled"] == true && b.Fields["triggerType"] == "all" {
				return "trigger_type", fmt.Sprintf("%s %s is enabled with trigger_type \"all\". The server allows one enabled \"all\" bot "+
					"per kind and instance (even while this one is disabled): disable that bot first, or give this one another trigger.", k.title, botLabel(b)), b
			}
		}
	case "keyword":
		for _, b := range others {
			if sameFields(b.Fields, body, "triggerOperator", "triggerValue") {
				return "trigger_value", fmt.Sprintf("%s %s already has the trigger %v %q%s. No two bots of a kind in an instance may have the same trigger.",
					k.title, botLabel(b), body["triggerOperator"], body["triggerValue"], staleNote(b)), b
			}
		}
	case "advanced":
		for _, b := range others {
			if sameFields(b.Fields, body, "triggerValue") {
				return "trigger_value", fmt.Sprintf("%s %s already has the trigger value %q%s. No two bots of a kind in an instance may have the same trigger.",
					k.title, botLabel(b), body["triggerValue"], staleNote(b)), b
			}
		}
	}
	return "", "", client.Bot{}
}

// staleNote explains a trigger the other bot keeps from an earlier trigger
// type: the server still counts it.
func staleNote(b client.Bot) string {
	if tt, _ := b.Fields["triggerType"].(string); tt == "all" || tt == "none" {
		return fmt.Sprintf(" (kept by the server from before its trigger_type became %q, and still counted)", tt)
	}
	return ""
}

// botLabel names a bot in a message: its id and description.
func botLabel(b client.Bot) string {
	if d, _ := b.Fields["description"].(string); d != "" {
		return fmt.Sprintf("%q (%q)", b.ID, d)
	}
	return fmt.Sprintf("%q", b.ID)
}

// sameFields reports whether a stored row has the body's values in every
// listed field. Like the server's query, a field the body leaves out is not
// compared.
func sameFields(row, body map[string]any, wires ...string) bool {
	for _, w := range wires {
		want, ok := body[w]
		if !ok {
			continue
		}
		if !sameJSON(row[w], want) {
			return false
		}
	}
	return true
}

// sameJSON compares a decoded JSON value with a body value by their JSON.
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	if errA != nil || errB != nil {
		return reflect.DeepEqual(a, b)
	}
	return string(ja) == string(jb)
}

func (k *botKind) attrOf(wire string) string {
	for _, f := range append(commonBotFields, k.fields...) {
		if f.wire == wire {
			return f.name
		}
	}
	return wire
}

func (k *botKind) attrList(wires []string) string {
	names := make([]string, len(wires))
	for i, w := range wires {
		names[i] = k.attrOf(w)
	}
	return strings.Join(names, " + ")
}
