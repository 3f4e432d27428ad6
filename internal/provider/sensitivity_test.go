package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The schema-wide sensitivity guard. It reads the schemas the way
// Terraform does, through GetProviderSchema, so every resource, data
// source, ephemeral resource, list resource and action registered with the
// provider is checked the day it is added, without being named here.

// secretWords mark a secret when they are a whole word of the name
// (api_key, basic_auth_pass, qr_code): as substrings they would also match
// keyword, passive or qrtext-like names that hold no secret.
var secretWords = []string{"key", "pass", "pin", "code", "qr", "headers", "cookie", "cookies", "pairing", "creds", "credential", "credentials", "private"}

// secretStems mark a secret anywhere in a name, since they are also
// glued to other words (apikey, chatwoottoken, basicauthpassword).
var secretStems = []string{"apikey", "token", "password", "passwd", "passphrase", "secret", "qrcode", "base64"}

// referenceSuffixes end names that point at or count something, never the
// secret itself: token_wo_version is a number bumped to resend token_wo,
// openai_creds_id names a credential stored on the server.
var referenceSuffixes = []string{"_version", "_id", "_ids"}

// notSecret lists the names the rules above flag that hold no secret, by
// "kind name.path". Each entry says why; the guard fails when an entry no
// longer matches anything, so the list cannot rot.
var notSecret = map[string]string{
	"resource l2msg_instance_pusher key": "a Pusher app's key is public: browsers subscribe with it; the app's secret is `secret`",
}

// looksSecret reports whether an attribute's name says it holds a secret.
func looksSecret(name string) bool {
	name = strings.ToLower(name)
	for _, suffix := range referenceSuffixes {
		if strings.HasSuffix(name, suffix) {
			return false
		}
	}
	words := strings.Split(name, "_")
	for _, w := range words {
		if slices.Contains(secretWords, w) {
			return true
		}
	}
	for _, stem := range secretStems {
		if strings.Contains(name, stem) {
			return true
		}
	}
	return false
}

// holdsText reports whether a value of type t can carry a secret: a
// number or a bool cannot, and neither can a collection of them.
func holdsText(t tftypes.Type) bool {
	switch {
	case t == nil:
		// A nested attribute: its own attributes are checked one by one.
		return false
	case t.Is(tftypes.Bool), t.Is(tftypes.Number):
		return false
	case t.Is(tftypes.List{}):
		return holdsText(t.(tftypes.List).ElementType)
	case t.Is(tftypes.Set{}):
		return holdsText(t.(tftypes.Set).ElementType)
	case t.Is(tftypes.Map{}):
		// A map's keys are text even when its values are not.
		return true
	}
	return true
}

// exposedSecret is an attribute that a rule says is secret and that is
// neither Sensitive nor write-only.
type exposedSecret struct {
	path   string
	reason string
}

// schemaWalk collects the exposed secrets of one schema, and every path it
// visited, so a test can prove the walk reached what it claims to check.
type schemaWalk struct {
	exposed []exposedSecret
	visited []string
}

func (w *schemaWalk) block(prefix string, b *tfprotov6.SchemaBlock) {
	if b == nil {
		return
	}
	for _, a := range b.Attributes {
		w.attribute(prefix, a, false)
	}
	for _, nb := range b.BlockTypes {
		p := prefix + nb.TypeName
		w.visited = append(w.visited, p)
		if looksSecret(nb.TypeName) {
			// A block cannot be marked sensitive, only its attributes.
			w.exposed = append(w.exposed, exposedSecret{p, "a block named as a secret; make it a Sensitive attribute"})
		}
		w.block(p+".", nb.Block)
	}
}

// attribute checks a and what it contains. covered is true inside an
// attribute that is already Sensitive or write-only: its whole value is.
func (w *schemaWalk) attribute(prefix string, a *tfprotov6.SchemaAttribute, covered bool) {
	p := prefix + a.Name
	w.visited = append(w.visited, p)
	covered = covered || a.Sensitive || a.WriteOnly
	if !covered && looksSecret(a.Name) && (a.NestedType != nil || holdsText(a.Type)) {
		w.exposed = append(w.exposed, exposedSecret{p, "neither Sensitive nor WriteOnly"})
	}
	if a.NestedType != nil {
		for _, na := range a.NestedType.Attributes {
			w.attribute(p+".", na, covered)
		}
		return
	}
	w.objectFields(p, a.Type, covered)
}

// objectFields checks the field names of an object-typed attribute (or a
// collection of objects): they cannot be marked one by one, so a secret
// among them needs the whole attribute Sensitive.
func (w *schemaWalk) objectFields(p string, t tftypes.Type, covered bool) {
	switch {
	case t == nil:
	case t.Is(tftypes.List{}):
		w.objectFields(p, t.(tftypes.List).ElementType, covered)
	case t.Is(tftypes.Set{}):
		w.objectFields(p, t.(tftypes.Set).ElementType, covered)
	case t.Is(tftypes.Map{}):
		w.objectFields(p, t.(tftypes.Map).ElementType, covered)
	case t.Is(tftypes.Object{}):
		for name, ft := range t.(tftypes.Object).AttributeTypes {
			fp := p + "." + name
			w.visited = append(w.visited, fp)
			if !covered && looksSecret(name) && holdsText(ft) {
				w.exposed = append(w.exposed, exposedSecret{fp, "a secret field of an object attribute that is not Sensitive"})
			}
			w.objectFields(fp, ft, covered)
		}
	}
}

// servedSchemas returns every schema the provider serves, keyed by
// "kind type_name" ("resource l2msg_instance", "provider l2msg").
func servedSchemas(t *testing.T, p provider.Provider) map[string]*tfprotov6.Schema {
	t.Helper()
	resp, err := providerserver.NewProtocol6(p)().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
		}
	}
	out := map[string]*tfprotov6.Schema{"provider l2msg": resp.Provider}
	if resp.ProviderMeta != nil {
		out["provider_meta l2msg"] = resp.ProviderMeta
	}
	add := func(kind string, schemas map[string]*tfprotov6.Schema) {
		for name, s := range schemas {
			out[kind+" "+name] = s
		}
	}
	add("resource", resp.ResourceSchemas)
	add("data", resp.DataSourceSchemas)
	add("ephemeral", resp.EphemeralResourceSchemas)
	add("list", resp.ListResourceSchemas)
	add("state_store", resp.StateStoreSchemas)
	for name, a := range resp.ActionSchemas {
		out["action "+name] = a.Schema
	}

	// The protocol answer is built from the provider's own lists; check it
	// holds all of them, so no kind is silently left out of the guard.
	ctx := context.Background()
	want := map[string]int{"resource": len(p.Resources(ctx)), "data": len(p.DataSources(ctx))}
	if pe, ok := p.(provider.ProviderWithEphemeralResources); ok {
		want["ephemeral"] = len(pe.EphemeralResources(ctx))
	}
	if pl, ok := p.(provider.ProviderWithListResources); ok {
		want["list"] = len(pl.ListResources(ctx))
	}
	if pa, ok := p.(provider.ProviderWithActions); ok {
		want["action"] = len(pa.Actions(ctx))
	}
	for kind, n := range want {
		got := 0
		for key := range out {
			if strings.HasPrefix(key, kind+" ") {
				got++
			}
		}
		if got != n {
			t.Fatalf("the provider registers %d %s schemas, GetProviderSchema served %d", n, kind, got)
		}
	}
	return out
}

func TestEverySecretAttributeIsSensitive(t *testing.T) {
	schemas := servedSchemas(t, New("test")())
	visited := map[string]bool{}
	var exposed []string
	for key, s := range schemas {
		w := &schemaWalk{}
		w.block("", s.Block)
		for _, p := range w.visited {
			visited[key+" "+p] = true
		}
		for _, e := range w.exposed {
			id := key + " " + e.path
			if _, ok := notSecret[id]; !ok {
				exposed = append(exposed, id+": "+e.reason)
			}
		}
	}
	slices.Sort(exposed)
	for _, e := range exposed {
		t.Errorf("%s (mark it Sensitive: true or WriteOnly: true, or add it to notSecret with the reason it is no secret)", e)
	}
	for id := range notSecret {
		path := id[strings.LastIndex(id, " ")+1:]
		if !visited[id] || !looksSecret(path[strings.LastIndex(path, ".")+1:]) {
			t.Errorf("notSecret entry %q matches no attribute the rules flag; remove it", id)
		}
	}
	// The walk must reach the secrets we know of, or it proves nothing.
	for _, id := range []string{
		"provider l2msg api_key",
		"resource l2msg_instance token_wo",
		"resource l2msg_instance apikey",
		"resource l2msg_instance webhook.headers",
		"data l2msg_instance apikey",
		"ephemeral l2msg_instance_connect pairing_code",
	} {
		if !visited[id] {
			t.Errorf("the walk never reached %s", id)
		}
	}
}

func TestLooksSecret(t *testing.T) {
	for name, want := range map[string]bool{
		"api_key": true, "apikey": true, "key": true, "token": true, "token_wo": true,
		"chatwoot_token": true, "password": true, "proxy_password": true, "basic_auth_pass": true,
		"basic_auth_password": true, "secret": true, "pairing_code": true, "qrcode": true,
		"qr_code": true, "code": true, "base64": true, "headers": true, "private_key": true,

		"token_wo_version": false, "openai_creds_id": false, "keyword": false, "keyword_finish": false,
		"keep_open": false, "instance_name": false, "url": false, "username": false, "passive": false,
		"basic_auth_user": false, "max_tokens": true, "events": false,
	} {
		if got := looksSecret(name); got != want {
			t.Errorf("looksSecret(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSchemaWalkFindsExposedSecrets(t *testing.T) {
	// A schema with a secret left plain at each depth the walk must reach.
	obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"password": tftypes.String, "port": tftypes.Number}}
	b := &tfprotov6.SchemaBlock{
		Attributes: []*tfprotov6.SchemaAttribute{
			{Name: "api_key", Type: tftypes.String},
			{Name: "token_wo", Type: tftypes.String, WriteOnly: true},
			{Name: "token_wo_version", Type: tftypes.Number},
			{Name: "max_tokens", Type: tftypes.Number},
			{Name: "headers", Type: tftypes.Map{ElementType: tftypes.String}},
			{Name: "proxy", Type: obj},
			{Name: "hidden_proxy", Type: obj, Sensitive: true},
			{Name: "webhook", NestedType: &tfprotov6.SchemaObject{Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "url", Type: tftypes.String},
				{Name: "secret", Type: tftypes.String},
			}}},
			{Name: "creds", Sensitive: true, NestedType: &tfprotov6.SchemaObject{Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "token", Type: tftypes.String},
			}}},
		},
		BlockTypes: []*tfprotov6.SchemaNestedBlock{{TypeName: "bot", Block: &tfprotov6.SchemaBlock{
			Attributes: []*tfprotov6.SchemaAttribute{{Name: "basic_auth_pass", Type: tftypes.String}},
		}}},
	}
	w := &schemaWalk{}
	w.block("", b)
	var got []string
	for _, e := range w.exposed {
		got = append(got, e.path)
	}
	slices.Sort(got)
	want := []string{"api_key", "bot.basic_auth_pass", "headers", "proxy.password", "webhook.secret"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("exposed %v, want %v", got, want)
	}
}
