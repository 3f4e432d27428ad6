package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// memberCreate is the create of one member of an instance's collection (a
// bot, an OpenAI credential): an object the server names with an id of its
// own choosing, so a create cannot carry a key that makes it recognisably
// this resource's, as an instance's does (DESIGN.md rule 9). Every such
// create goes through run, which keeps an interrupted or ambiguous create
// from leaving an object the next apply trips over:
//
//   - before anything is sent, a member of the instance identical to the
//     configuration (the same name and key for a credential, every
//     configured field for a bot) is adopted with a warning: it is what an
//     earlier create of this configuration left when it was interrupted
//     (Ctrl-C) or its answer was lost;
//   - the create itself goes through the client's create-or-adopt loop,
//     which looks for what a failed attempt made, adopts it, or sends the
//     create again when it was not made;
//   - what the caller's own checks find in the way, and is not identical,
//     is named with the import command that adopts it (importCommand).
type memberCreate[T any] struct {
	// what names the member in messages: "Typebot", "OpenAI credential".
	what     string
	instance string
	id       func(*T) string
	// existing are the instance's members, read before the create.
	existing []T
	// identical reports a member that this configuration would make.
	identical func(*T) bool
	// check refuses, with its diagnostics, a create that another member is
	// in the way of; it runs when none is identical. Nil checks nothing.
	check func(*diag.Diagnostics) bool
	// create sends the create through the client's create-or-adopt loop
	// (client.CreateBotOrAdopt, client.CreateOpenAICredsOrAdopt).
	create func(ctx context.Context) (*T, bool, error)
	// claims are the walk's (providerData.claims); nil claims nothing.
	claims *claims
}

// claims are the ids of the members that resources of one walk created or
// adopted. An identical member one of them has is never adopted by
// another: two resources with the same configuration (two typebots with
// trigger_type "none", say, which the server allows) each get their own
// object rather than sharing one.
type claims struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (c *claims) has(id string) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids[id]
}

func (c *claims) claim(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[string]bool{}
	}
	c.ids[id] = true
}

// run returns the member created or adopted. A failed create is returned
// as err for the caller to explain (with createFailedNote); when run has
// already explained why it stopped, both results are nil.
func (m memberCreate[T]) run(ctx context.Context, diags *diag.Diagnostics) (*T, error) {
	var same []*T
	for i := range m.existing {
		if m.identical(&m.existing[i]) && !m.claims.has(m.id(&m.existing[i])) {
			same = append(same, &m.existing[i])
		}
	}
	switch len(same) {
	case 0:
	case 1:
		diags.AddWarning(m.what+" adopted from the server",
			fmt.Sprintf("Instance %q already had %s %q with every configured value of this resource, most likely made by an "+
				"earlier apply that was interrupted or lost the server's answer. It is now managed by this resource instead of "+
				"being created a second time.", m.instance, m.what, m.id(same[0])))
		m.claims.claim(m.id(same[0]))
		return same[0], nil
	default:
		diags.AddError(fmt.Sprintf("Several %ss of instance %q match this configuration", m.what, m.instance),
			fmt.Sprintf("%s %q and %q (and any others) both have every configured value of this resource, so neither can be "+
				"told to be its. Adopt the one to keep with %s, and delete the others.",
				m.what, m.id(same[0]), m.id(same[1]), importCommand(m.instance, m.id(same[0]))))
		return nil, nil
	}
	if m.check != nil && !m.check(diags) {
		return nil, nil
	}
	obj, adopted, err := m.create(ctx)
	if err != nil {
		return nil, err
	}
	m.claims.claim(m.id(obj))
	if adopted {
		warnAdoptedAfterFailure(diags, m.what, fmt.Sprintf("%s %q of instance %q", m.what, m.id(obj), m.instance))
	}
	return obj, nil
}

// warnAdoptedAfterFailure tells of an object that a failed create had made
// after all, and that the resource now manages: every resource that
// creates says it in these words. what is capitalised ("Typebot",
// "Instance"); object names it (`Typebot "ID" of instance "NAME"`).
func warnAdoptedAfterFailure(diags *diag.Diagnostics, what, object string) {
	diags.AddWarning(what+" adopted after a failed answer",
		fmt.Sprintf("The create failed in a way that left its outcome unknown, but the server had made it: %s is now managed "+
			"by this resource.", object))
}

// createFailedNote is what a failed member create adds to its error: when
// the server may hold the member (the answer was lost, the apply was
// interrupted, and looking for it failed too), what the next apply does.
func createFailedNote(what string, err error) string {
	var unresolved *client.UnresolvedCreateError
	if !errors.As(err, &unresolved) {
		return ""
	}
	return fmt.Sprintf("\n\nThe server may have made the %s before the failure, and looking for it afterwards failed too. "+
		"Nothing was recorded in state: the next apply finds it, if it was made, and adopts it.", what)
}

// importCommand is the command that adopts a member of an instance.
func importCommand(instance, id string) string {
	return fmt.Sprintf("terraform import <address> %q", instance+"/"+id)
}
