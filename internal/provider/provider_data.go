package provider

import (
	"context"
	"fmt"

	// Aliased: the tests have a type named action.
	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// providerData is the one value the provider's Configure hands to every
// resource, data source and ephemeral resource: the client, the settings it
// was made from, and so the secrets every log line must mask.
type providerData struct {
	client *client.Client
	// settings holds the resolved provider settings, the API key among
	// them: the key is masked from here, never read back from the client.
	settings client.Config
	// claims are the members this walk's resources created or adopted
	// (memberCreate), shared by every resource of the walk.
	claims *claims
	// walk is what else the resources of this walk tell each other.
	walk *walkNotes
}

// secretHolder is a model that knows which of its values are secret.
type secretHolder interface {
	secrets(ctx context.Context) []string
}

// masked returns ctx with the API key and the models' secrets masked in
// the provider's and the framework's logs, for data sources, ephemeral
// resources, list resources and actions: resources get the same from their
// lifecycle (lifecycle.go), with the secrets their schema declares.
func (d *providerData) masked(ctx context.Context, models ...secretHolder) context.Context {
	secrets := []string{d.settings.APIKey}
	for _, m := range models {
		secrets = append(secrets, m.secrets(ctx)...)
	}
	return withMasks(ctx, secrets...)
}

// configure takes the provider data out of a Configure request. Nil means
// the provider is not configured yet: Terraform calls Configure early,
// during validation, and then again once the provider block is known.
func (d *providerData) configure(data any, diags *diag.Diagnostics) {
	if data == nil {
		return
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return
	}
	*d = *pd
}

// resourceBase, dataSourceBase, ephemeralBase and actionBase give a
// resource, data source, ephemeral resource or action its Configure: embed
// the one that fits, and use the promoted client and masked. They differ
// only in the framework's request types.
type (
	resourceBase   struct{ providerData }
	dataSourceBase struct{ providerData }
	ephemeralBase  struct{ providerData }
	actionBase     struct{ providerData }
)

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

func (b *actionBase) Configure(_ context.Context, req fwaction.ConfigureRequest, resp *fwaction.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

func (b *ephemeralBase) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}
