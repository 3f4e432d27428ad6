package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

type proxyModel struct {
	ID                types.String   `tfsdk:"id"`
	InstanceName      types.String   `tfsdk:"instance_name"`
	InstanceID        types.String   `tfsdk:"instance_id"`
	Enabled           types.Bool     `tfsdk:"enabled"`
	Host              types.String   `tfsdk:"host"`
	Port              types.Int64    `tfsdk:"port"`
	Protocol          types.String   `tfsdk:"protocol"`
	Username          types.String   `tfsdk:"username"`
	Password          types.String   `tfsdk:"password"`
	PasswordWO        types.String   `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64    `tfsdk:"password_wo_version"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

// proxy is what the plan asks the server to store.
func (m *proxyModel) proxy(password string) client.Proxy {
	return client.Proxy{
		Enabled:  m.Enabled.ValueBool(),
		Host:     m.Host.ValueString(),
		Port:     strconv.FormatInt(m.Port.ValueInt64(), 10),
		Protocol: m.Protocol.ValueString(),
		Username: m.Username.ValueString(),
		Password: password,
	}
}

// setFromServer records the server's proxy. A disabled proxy is stored
// blank, so the configured values are kept while state says disabled too:
// only the switch can drift then.
func (m *proxyModel) setFromServer(p client.Proxy, importing bool) {
	m.Enabled = types.BoolValue(p.Enabled)
	if !p.Enabled && !importing {
		return
	}
	m.Host = types.StringValue(p.Host)
	port, err := strconv.ParseInt(p.Port, 10, 64)
	if err != nil {
		// Not a port: shown as 0, so the plan puts the configured one back.
		port = 0
	}
	m.Port = types.Int64Value(port)
	m.Protocol = types.StringValue(p.Protocol)
	if p.Username != "" || !m.Username.IsNull() {
		m.Username = optionalString(p.Username)
	}
	m.Password = secretFromServer(m.Password, m.PasswordWOVersion, p.Password, importing)
}

// secrets are the values the logs must never show.
func (m *proxyModel) secrets(context.Context) []string {
	if m == nil || m.Password.IsNull() || m.Password.IsUnknown() {
		return nil
	}
	return []string{m.Password.ValueString()}
}
