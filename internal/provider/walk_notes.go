package provider

import (
	"slices"
	"sync"
)

// walkNotes are what the resources of one Terraform walk (one provider
// configuration: a plan, an apply) tell each other, for what no single
// resource can see. Terraform runs each walk in its own provider process,
// so nothing here outlives it. A nil *walkNotes (a resource built by a
// test) notes nothing.
type walkNotes struct {
	mu sync.Mutex
	// instances: instance name → what this walk's plan does with the
	// l2msg_instance of that name.
	instances map[string]instancePlan
	// creds: instance name → what this walk's plan does with its OpenAI
	// credentials.
	creds map[string]*credPlans
	// leftCreds: instance name → OpenAI credentials whose delete the
	// server refused in this walk because the instance's OpenAI defaults
	// hold them, for a credential created later in the walk to take the
	// defaults over and delete them.
	leftCreds map[string][]string
	// createdCreds: instance name → the OpenAI credential created last in
	// this walk, for a refused delete that comes after it.
	createdCreds map[string]string
}

type instancePlan int

const (
	instanceKept instancePlan = iota + 1
	instanceGoing
)

// credPlans are the OpenAI credentials of an instance this walk's plan
// destroys (without a replacement) and whether it creates one.
type credPlans struct {
	destroyed []string
	created   bool
	// warned are the destroyed ones already reported.
	warned []string
}

func newWalkNotes() *walkNotes {
	return &walkNotes{instances: map[string]instancePlan{}, creds: map[string]*credPlans{}, leftCreds: map[string][]string{},
		createdCreds: map[string]string{}}
}

// planInstance notes the plan of an instance and returns the plans of its
// credentials noted so far.
func (w *walkNotes) planInstance(name string, p instancePlan) credPlans {
	if w == nil {
		return credPlans{}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.instances[name] = p
	return w.credsOf(name)
}

// planCred notes a credential's plan (destroyed: destroyed without a
// replacement; otherwise created or replaced) and returns the instance's
// plan, if noted, with its credentials' plans.
func (w *walkNotes) planCred(instance, id string, destroyed bool) (instancePlan, credPlans) {
	if w == nil {
		return 0, credPlans{}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.creds[instance]
	if c == nil {
		c = &credPlans{}
		w.creds[instance] = c
	}
	if destroyed {
		c.destroyed = append(c.destroyed, id)
	} else {
		c.created = true
	}
	return w.instances[instance], w.credsOf(instance)
}

func (w *walkNotes) credsOf(instance string) credPlans {
	if c := w.creds[instance]; c != nil {
		return credPlans{destroyed: slices.Clone(c.destroyed), created: c.created, warned: slices.Clone(c.warned)}
	}
	return credPlans{}
}

// warnOnce reports whether the credential is to be warned about now: the
// first time only.
func (w *walkNotes) warnOnce(instance, id string) bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.creds[instance]
	if c == nil || slices.Contains(c.warned, id) {
		return false
	}
	c.warned = append(c.warned, id)
	return true
}

func (w *walkNotes) leaveCred(instance, id string) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slices.Contains(w.leftCreds[instance], id) {
		w.leftCreds[instance] = append(w.leftCreds[instance], id)
	}
}

// takeLeftCreds returns the credentials left in the instance, and forgets
// them: the caller deals with them.
func (w *walkNotes) takeLeftCreds(instance string) []string {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := w.leftCreds[instance]
	delete(w.leftCreds, instance)
	return ids
}

func (w *walkNotes) credCreated(instance, id string) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.createdCreds[instance] = id
}

// createdCred is the credential created last in the instance in this
// walk, "" for none.
func (w *walkNotes) createdCred(instance string) string {
	if w == nil {
		return ""
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.createdCreds[instance]
}
